/**
 * What the ingress asks of Temporal, behind a small interface so the HTTP layer is
 * tested without a cluster. `temporalBackgroundChecks` is the real implementation.
 */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { workflowIdForProfile, type OnboardingEvent } from '../onboarding-event';
import { deliverySpan, tracingActive } from '../telemetry/check-trace';
import { startCheck, type StartedCheck } from '../temporal/start-check';
import {
  asyncRequestReadySignal,
  searchAttributes,
  verificationStatusChangedSignal,
  type VerificationStatusChanged,
} from '../workflows/definitions';
import { TemporalUnavailableError, isTemporalUnavailable } from '../temporal/unavailable';
import { VERIFICATION_ID_PATTERN } from '../field-formats';

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

/** The checks that recorded this verification id, running ones first. */
async function findByVerificationId(client: Client, agentVerificationId: string) {
  const query = `${searchAttributes.agentVerificationId.name} = '${agentVerificationId}'`;
  const found: { workflowId: string; runId: string; running: boolean; memo?: Record<string, unknown> }[] = [];
  for await (const info of client.workflow.list({ query, pageSize: 10 })) {
    // Checked again here: signalling the wrong check must not depend on the server's query support.
    if (info.typedSearchAttributes.get(searchAttributes.agentVerificationId) !== agentVerificationId) continue;
    found.push({
      workflowId: info.workflowId,
      runId: info.runId,
      running: info.status.name === 'RUNNING',
      memo: info.memo,
    });
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
      call(async () => {
        const workflowId = workflowIdForProfile(profileId);
        const handle = client.workflow.getHandle(workflowId);
        // The check's memo holds its trace context: read only when this request is traced.
        const memo = tracingActive() ? (await handle.describe().catch(() => undefined))?.memo : undefined;
        return deliverySpan(asyncRequestReadySignal.name, workflowId, memo, () =>
          signalled(() => handle.signal(asyncRequestReadySignal, { asyncRequestId }), workflowId),
        );
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
        return deliverySpan(verificationStatusChangedSignal.name, check.workflowId, check.memo, () =>
          signalled(() => handle.signal(verificationStatusChangedSignal, change), check.workflowId),
        );
      }),

    ping: () =>
      call(async () => {
        await client.workflowService.getSystemInfo({});
      }),
  };
}
