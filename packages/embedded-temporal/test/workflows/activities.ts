import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import type * as activities from '../activities';

const quickRetries = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' } as const;

export async function retriedActivity(succeedOnAttempt: number, maximumAttempts: number): Promise<number> {
  const { flaky } = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { ...quickRetries, maximumAttempts },
  });
  return flaky(succeedOnAttempt);
}

/** Returns how the activity failure looked to the workflow. */
export async function failingActivity(
  type: string,
  nonRetryable: boolean,
  nonRetryableErrorTypes: string[],
): Promise<{ type?: string; retryState?: string; message?: string }> {
  const { failWith } = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { ...quickRetries, maximumAttempts: 3, nonRetryableErrorTypes },
  });
  try {
    await failWith(type, nonRetryable);
    return {};
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    return { type: cause?.type ?? undefined, retryState: err.retryState, message: cause?.message };
  }
}

export async function heartbeatResume(steps: number): Promise<{ resumedFrom: number; attempt: number }> {
  const { resumable } = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    heartbeatTimeout: '5s',
    retry: { ...quickRetries, maximumAttempts: 2 },
  });
  return resumable(steps);
}

/** Starts a heartbeating activity, then cancels it after `afterMs`. */
export async function cancelActivity(afterMs: number): Promise<string> {
  const { waitForCancel } = proxyActivities<typeof activities>({
    startToCloseTimeout: '1m',
    heartbeatTimeout: '2s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  try {
    await CancellationScope.cancellable(async () => {
      const pending = waitForCancel();
      await sleep(afterMs);
      CancellationScope.current().cancel();
      await pending;
    });
    return 'not cancelled';
  } catch (err) {
    return isCancellation(err) ? 'cancelled' : `other: ${String(err)}`;
  }
}

export async function asyncCompletion(): Promise<string> {
  const { completeAsync } = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });
  return completeAsync();
}

/** Returns the timeout type (as the workflow sees it) when the activity times out. */
export async function activityTimeout(): Promise<string> {
  const { tooSlow } = proxyActivities<typeof activities>({
    startToCloseTimeout: '1s',
    retry: { maximumAttempts: 2, initialInterval: '1s' },
  });
  try {
    await tooSlow();
    return 'no timeout';
  } catch (err) {
    if (err instanceof ActivityFailure) return `${err.retryState}: ${err.cause?.name}: ${err.cause?.message}`;
    throw err;
  }
}

/** Runs `count` activities at once and returns their start times. */
export async function parallelStarts(count: number): Promise<number[]> {
  const { startedAt } = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });
  return Promise.all(Array.from({ length: count }, () => startedAt()));
}

/** How an activity ended under a heartbeat timeout or a schedule-to-close budget. */
export async function activityDeadline(kind: 'heartbeat' | 'scheduleToClose'): Promise<string> {
  const { silent, failWith } = proxyActivities<typeof activities>(
    kind === 'heartbeat'
      ? { startToCloseTimeout: '1m', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 } }
      : { scheduleToCloseTimeout: '3s', retry: { initialInterval: '1s', backoffCoefficient: 2 } },
  );
  try {
    if (kind === 'heartbeat') await silent();
    else await failWith('Transient', false);
    return 'completed';
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause;
    const detail = cause instanceof TimeoutFailure ? cause.timeoutType : cause?.message;
    return `${err.retryState}: ${cause?.name}: ${detail}`;
  }
}
