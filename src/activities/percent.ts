/** Percent activities: thin, typed wrappers over `PercentClient`. Results carry ids and statuses only. */
import { Context } from '@temporalio/activity';
import type { Agent } from '../onboarding-event';
import type { PercentClient } from '../vendors/percent/client';
import type { AgentVerification, CreateAgentVerificationRequest } from '../vendors/percent/schemas';
import type { AgentVerificationSummary, PercentActivities } from './types';
import { vendorCall, type VendorCallOptions } from './vendor-call';

export function createPercentActivities(percent: PercentClient, options: VendorCallOptions): PercentActivities {
  return {
    /**
     * The Idempotency-Key comes with the input and is stable for the check, so a retry (lost
     * response, worker crash) answers the verification the first attempt created: never two.
     */
    async createAgentVerification({ idempotencyKey, agent }) {
      return vendorCall(options, async (signal) => {
        const created = await percent.createAgentVerification(toCreateRequest(agent), idempotencyKey, { signal });
        Context.current().log.info('Percent agent verification created', { agentVerificationId: created.id });
        return summarize(created);
      });
    },

    async getAgentVerification({ agentVerificationId }) {
      return vendorCall(options, async (signal) =>
        summarize(await percent.getAgentVerification(agentVerificationId, { signal })),
      );
    },
  };
}

/** Picks the fields Percent takes, so an extra field on the agent never breaks the strict request. */
export function toCreateRequest(agent: Agent): CreateAgentVerificationRequest {
  return {
    firstName: agent.firstName,
    lastName: agent.lastName,
    email: agent.email,
    ...(agent.title !== undefined && { title: agent.title }),
    ...(agent.organisationWebsite !== undefined && { organisationWebsite: agent.organisationWebsite }),
    ...(agent.language !== undefined && { language: agent.language }),
    ...(agent.organisationId !== undefined && { organisationId: agent.organisationId }),
    ...(agent.validationRequestId !== undefined && { validationRequestId: agent.validationRequestId }),
  };
}

export const summarize = (v: AgentVerification): AgentVerificationSummary => ({
  id: v.id,
  status: v.status,
  externalActionRequired: v.externalActionRequired,
  rejectionReasonCode: v.rejectionReasonCode ?? null,
  createdAt: v.createdAt,
});
