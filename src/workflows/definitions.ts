/**
 * Public contract of the `backgroundCheck` workflow: signals, query, result and search
 * attributes. The worker, the CLI client and the ingress all import these definitions.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AgentVerificationStatus } from '../activities/types';

export const WORKFLOW_TYPE = 'backgroundCheck';

/** Every stage a check goes through, in order; the last five are final. */
export const STAGES = [
  'creating_verification',
  'awaiting_async_request',
  'associating',
  'awaiting_decision',
  'blocked',
  'approved',
  'rejected',
  'expired',
  'cancelled',
  'failed',
] as const;

export type Stage = (typeof STAGES)[number];

export const FINAL_STAGES: readonly Stage[] = ['approved', 'rejected', 'expired', 'cancelled', 'failed'];

export interface AsyncRequestReady {
  asyncRequestId: string;
}

export interface VerificationStatusChanged {
  /** Webhook event id (`data.id`): duplicates are ignored. */
  eventId: string;
  agentVerificationId: string;
  status: AgentVerificationStatus;
  rejectionReasonCode?: string | null;
  /** When the vendor produced the event (ISO 8601): an older event never overrides a newer status. */
  occurredAt?: string;
}

export const asyncRequestReadySignal = defineSignal<[AsyncRequestReady]>('asyncRequestReady');
export const verificationStatusChangedSignal = defineSignal<[VerificationStatusChanged]>('verificationStatusChanged');
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export const resumeSignal = defineSignal<[{}?]>('resume');

export interface CheckStatus {
  stage: Stage;
  agentVerificationId?: string;
  asyncRequestId?: string;
  verificationStatus?: AgentVerificationStatus;
  externalActionRequired?: boolean;
  rejectionReasonCode?: string | null;
  blockedReason?: string;
  stages: { stage: Stage; at: string }[];
}

export const statusQuery = defineQuery<CheckStatus>('status');

export interface CheckResult {
  outcome: 'approved' | 'rejected' | 'expired';
  agentVerificationId: string;
  asyncRequestId?: string;
  rejectionReasonCode?: string | null;
  decidedAt: string;
}

/** Typed search attributes. No personal data: ids and states only. */
export const searchAttributes = {
  stage: defineSearchAttributeKey('BackgroundCheckStage', 'KEYWORD'),
  verificationStatus: defineSearchAttributeKey('AgentVerificationStatus', 'KEYWORD'),
  profileId: defineSearchAttributeKey('AttestrProfileId', 'KEYWORD'),
  organisationId: defineSearchAttributeKey('OrganisationId', 'KEYWORD'),
  /** Lets the webhook ingress find the check a Percent event belongs to. */
  agentVerificationId: defineSearchAttributeKey('AgentVerificationId', 'KEYWORD'),
} as const;

/** Name → type as `temporal operator search-attribute create --type` takes it, derived from the keys above. */
export const SEARCH_ATTRIBUTE_TYPES: Readonly<Record<string, 'Keyword'>> = Object.fromEntries(
  Object.values(searchAttributes).map(({ name, type }) => [name, ({ KEYWORD: 'Keyword' } as const)[type]]),
);
