/** Activities that pause, unpause or reset themselves through the operator APIs. */
import * as activity from '@temporalio/activity';
import { ApplicationFailure, type ActivityCancellationDetails } from '@temporalio/common';

export interface OperatorAction {
  pause?: boolean;
  reset?: boolean;
  /** Rethrow the cancellation (so the attempt is retried) instead of returning its details. */
  rethrow?: boolean;
}

function target() {
  const info = activity.activityInfo();
  const client = activity.getClient();
  return {
    client,
    request: {
      namespace: client.options.namespace,
      execution: { workflowId: info.workflowExecution?.workflowId, runId: info.workflowExecution?.runId },
      id: info.activityId,
    },
  };
}

/** Heartbeats until the service interrupts the attempt (pause or reset arrive with heartbeats). */
async function heartbeatUntilCancelled(details?: unknown): Promise<never> {
  for (;;) {
    activity.heartbeat(details);
    await activity.sleep(100);
  }
}

/** First attempt: applies `action` to itself; later attempts report their attempt number. */
export async function interruptMe(action: OperatorAction): Promise<ActivityCancellationDetails | number> {
  const info = activity.activityInfo();
  if (info.attempt > 1) return info.attempt;
  const { client, request } = target();
  if (action.pause) await client.workflowService.pauseActivity(request);
  if (action.reset) await client.workflowService.resetActivity(request);
  try {
    return await heartbeatUntilCancelled();
  } catch (err) {
    if (!(err instanceof activity.CancelledFailure) || action.rethrow) throw err;
    const details = activity.cancellationDetails();
    if (!details) throw err;
    return details;
  }
}

/**
 * Records every attempt it sees in its heartbeat details; fails attempts until three are
 * recorded, resets itself on the third, and returns the list on the next one.
 */
export async function resetOnThirdAttempt(): Promise<number[]> {
  const seen = [...((activity.activityInfo().heartbeatDetails as number[] | undefined) ?? [])];
  seen.push(activity.activityInfo().attempt);
  activity.heartbeat(seen);
  if (seen.length < 3) throw ApplicationFailure.retryable(`attempt ${seen.length} fails`);
  if (seen.length > 3) return seen;
  const { client, request } = target();
  await client.workflowService.resetActivity(request);
  return heartbeatUntilCancelled(seen);
}

/** Runs until cancelled while its workflow run is `runId`; in any other run it returns at once. */
export async function blockedInRun(runId: string): Promise<string> {
  if (activity.activityInfo().workflowExecution?.runId !== runId) return 'ran in another run';
  return heartbeatUntilCancelled();
}
