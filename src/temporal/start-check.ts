/**
 * Starting a check, shared by the ingress and the CLI: workflow id from the profile, the input
 * through the client's data converter, and the summary the Temporal UI shows.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { encodeToPayloadsWithContext, encodeUserMetadata } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { workflowIdForProfile, type OnboardingEvent } from '../onboarding-event';
import { WORKFLOW_TYPE } from '../workflows/definitions';

const { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, TaskQueueKind } = temporal.api.enums.v1;

export interface StartedCheck {
  workflowId: string;
  runId: string;
  /** False when a check for the profile was already running: that one is returned. */
  started: boolean;
}

/**
 * What the Temporal UI shows for a check (its static summary and details). Ids only: the agent's
 * name and e-mail stay in the (encrypted) input.
 */
export function checkMetadata(event: OnboardingEvent): { staticSummary: string; staticDetails: string } {
  const { organisationId, validationRequestId } = event.agent;
  const organisation = organisationId
    ? `organisation ${organisationId}`
    : `validation request ${validationRequestId ?? '(none)'}`;
  return {
    staticSummary: `Background check, profile ${event.profileId}`,
    staticDetails: `Onboarding event ${event.eventId}, ${organisation}`,
  };
}

/**
 * Starts the check for the event's profile. Duplicates return the running check (conflict policy
 * USE_EXISTING); a closed check may be started again (reuse policy ALLOW_DUPLICATE).
 *
 * The request is made on the workflow service directly because the SDK's `start()` does not
 * say whether the run was started or already running; the input still goes through the
 * client's data converter (and so the payload codec), as do the summary and details the UI shows.
 */
export async function startCheck(client: Client, taskQueue: string, event: OnboardingEvent): Promise<StartedCheck> {
  const workflowId = workflowIdForProfile(event.profileId);
  const { namespace, identity, loadedDataConverter } = client.options;
  const context = { type: 'workflow', namespace, workflowId } as const;
  const payloads = await encodeToPayloadsWithContext(loadedDataConverter, context, [event]);
  const { staticSummary, staticDetails } = checkMetadata(event);
  const userMetadata = await encodeUserMetadata(loadedDataConverter, staticSummary, staticDetails, context);
  const response = await client.workflowService.startWorkflowExecution({
    namespace,
    identity,
    requestId: randomUUID(),
    workflowId,
    workflowType: { name: WORKFLOW_TYPE },
    taskQueue: { kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL, name: taskQueue },
    input: { payloads },
    userMetadata,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
  });
  return { workflowId, runId: response.runId, started: response.started ?? true };
}
