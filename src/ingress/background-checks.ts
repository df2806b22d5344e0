/**
 * What the ingress (and the CLI) ask of Temporal, behind a small interface so the HTTP layer is
 * tested without a cluster. `temporalBackgroundChecks` is the real implementation.
 */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { encodeToPayloadsWithContext, encodeUserMetadata } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { workflowIdForProfile, type OnboardingEvent } from '../onboarding-event';
import {
  WORKFLOW_TYPE,
  asyncRequestReadySignal,
  searchAttributes,
  verificationStatusChangedSignal,
  type VerificationStatusChanged,
} from '../workflows/definitions';
import { TemporalUnavailableError, isTemporalUnavailable } from './temporal-errors';
import { VERIFICATION_ID_PATTERN } from './verification-id';

export interface StartedCheck {
  workflowId: string;
  runId: string;
  /** False when a check for the profile was already running: that one is returned. */
  started: boolean;
}

export type Delivery =
  | { outcome: 'delivered'; workflowId: string }
  /** No running check: none was ever started, or it has closed. */
  | { outcome: 'no_running_check' }
  /** Not (yet) known: no check has recorded this verification id. */
  | { outcome: 'unknown' };

export interface BackgroundChecks {
  start(event: OnboardingEvent): Promise<StartedCheck>;
  sendAsyncRequest(profileId: string, asyncRequestId: string): Promise<Delivery>;
  sendVerificationStatus(change: VerificationStatusChanged): Promise<Delivery>;
  /** Resolves when Temporal answers; throws `TemporalUnavailableError` otherwise. */
  ping(): Promise<void>;
}

export interface TemporalBackgroundChecksOptions {
  taskQueue: string;
  /** Upper bound for each call, so an HTTP sender gets a 503 instead of a hanging request. */
  callTimeoutMs?: number;
}

const { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, TaskQueueKind } = temporal.api.enums.v1;

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

/** The checks that recorded this verification id, running ones first. */
async function findByVerificationId(client: Client, agentVerificationId: string) {
  const query = `${searchAttributes.agentVerificationId.name} = '${agentVerificationId}'`;
  const found: { workflowId: string; runId: string; running: boolean }[] = [];
  for await (const info of client.workflow.list({ query, pageSize: 10 })) {
    // Checked again here: signalling the wrong check must not depend on the server's query support.
    if (info.typedSearchAttributes.get(searchAttributes.agentVerificationId) !== agentVerificationId) continue;
    found.push({ workflowId: info.workflowId, runId: info.runId, running: info.status.name === 'RUNNING' });
    if (found.length >= 10) break;
  }
  return found.sort((a, b) => Number(b.running) - Number(a.running));
}

export function temporalBackgroundChecks(client: Client, options: TemporalBackgroundChecksOptions): BackgroundChecks {
  const timeoutMs = options.callTimeoutMs ?? 10_000;

  // Every call is bounded and its connection failures become `TemporalUnavailableError`.
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await client.withDeadline(Date.now() + timeoutMs, fn);
    } catch (error) {
      if (isTemporalUnavailable(error)) throw new TemporalUnavailableError(error);
      throw error;
    }
  };

  const signalled = async (send: () => Promise<void>, workflowId: string): Promise<Delivery> => {
    try {
      await send();
      return { outcome: 'delivered', workflowId };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { outcome: 'no_running_check' };
      throw error;
    }
  };

  return {
    start: (event) => call(() => startCheck(client, options.taskQueue, event)),

    sendAsyncRequest: (profileId, asyncRequestId) =>
      call(() => {
        const workflowId = workflowIdForProfile(profileId);
        const handle = client.workflow.getHandle(workflowId);
        return signalled(() => handle.signal(asyncRequestReadySignal, { asyncRequestId }), workflowId);
      }),

    sendVerificationStatus: (change) =>
      call(async () => {
        if (!VERIFICATION_ID_PATTERN.test(change.agentVerificationId)) return { outcome: 'unknown' as const };
        const checks = await findByVerificationId(client, change.agentVerificationId);
        if (checks.length === 0) return { outcome: 'unknown' as const };
        const [check] = checks;
        if (!check.running) return { outcome: 'no_running_check' as const };
        // By workflow ID, not run id: the check may have continued as new since it was found, and
        // its current run is the one to tell. Should the check have closed and a new one for the
        // profile started meanwhile, that one ignores a status for another verification.
        const handle = client.workflow.getHandle(check.workflowId);
        return signalled(() => handle.signal(verificationStatusChangedSignal, change), check.workflowId);
      }),

    ping: () =>
      call(async () => {
        await client.workflowService.getSystemInfo({});
      }),
  };
}
