/**
 * The activity contract between the lifecycle workflow and the vendor layer. Inputs and results
 * carry ids and statuses only: no names or e-mails end up in results (histories stay lean).
 * The agent's personal data is an activity input; payloads are encrypted by the codec.
 */
import type { Agent } from '../onboarding-event';

/** Known Percent statuses; unknown future ones arrive as plain strings and must not crash. */
export type AgentVerificationStatus =
  'pending' | 'pending_user_verification' | 'pending_review' | 'approved' | 'rejected' | (string & {});

export const FINAL_VERIFICATION_STATUSES: readonly string[] = ['approved', 'rejected'];

export interface AgentVerificationSummary {
  id: string;
  status: AgentVerificationStatus;
  externalActionRequired: boolean;
  /** Known codes are listed in the Percent contract; unknown future codes pass through as strings. */
  rejectionReasonCode: string | null;
  createdAt: string;
}

export interface CreateAgentVerificationInput {
  /** Stable for the check (never per attempt): a retry or a replaced worker never creates two. */
  idempotencyKey: string;
  agent: Agent;
}

export interface GetAgentVerificationInput {
  agentVerificationId: string;
}

export interface AssociateAsyncRequestInput {
  profileId: string;
  asyncRequestId: string;
}

export interface AssociateAsyncRequestResult {
  /** True when a previous attempt had already linked it (found in the profile's items). */
  alreadyAssociated: boolean;
}

export interface PercentActivities {
  createAgentVerification(input: CreateAgentVerificationInput): Promise<AgentVerificationSummary>;
  getAgentVerification(input: GetAgentVerificationInput): Promise<AgentVerificationSummary>;
}

export interface AttestrActivities {
  associateAsyncRequest(input: AssociateAsyncRequestInput): Promise<AssociateAsyncRequestResult>;
}
