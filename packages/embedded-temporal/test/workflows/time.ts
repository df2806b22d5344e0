import { CancellationScope, isCancellation, proxyActivities, sleep, startChild } from '@temporalio/workflow';
import type * as activities from '../activities';

/** Sleeps `ms` and reports the workflow clock before and after. */
export async function longSleep(ms: number): Promise<{ before: number; after: number }> {
  const before = Date.now();
  await sleep(ms);
  return { before, after: Date.now() };
}

/** Races a short real activity against a long timer: time must not skip while it runs. */
export async function activityVersusTimer(): Promise<string> {
  const { realDelay } = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });
  return Promise.race([realDelay(200).then(() => 'activity'), sleep('1 hour').then(() => 'timer')]);
}

/** A timer against an activity that sleeps through the test environment (`env.sleep`). */
export async function timerVersusEnvSleep(timerMs: number, activityMs: number): Promise<string> {
  const { envSleep } = proxyActivities<{ envSleep(ms: number): Promise<void> }>({ startToCloseTimeout: '30 days' });
  const activity = envSleep(activityMs).then(() => 'activity');
  const winner = await Promise.race([sleep(timerMs).then(() => 'timer'), activity]);
  await activity;
  return winner;
}

/** Starts a day-long child it abandons, and returns at once. */
export async function abandonsSleepingChild(childId: string): Promise<void> {
  await startChild(longSleep, { args: [86_400_000], workflowId: childId, parentClosePolicy: 'ABANDON' });
}

/**
 * Starts a timer with a summary and cancels it in a later workflow task (the differential
 * compares `TimerCanceled`; a timer cancelled in the task that started it is never recorded).
 */
export async function cancelsTimerWithSummary(): Promise<string> {
  const scope = new CancellationScope();
  const timer = scope.run(() => sleep('1 hour', { summary: 'waits for nothing' }));
  await sleep(10);
  scope.cancel();
  return timer.then(
    () => 'fired',
    (err: unknown) => (isCancellation(err) ? 'cancelled' : Promise.reject(err)),
  );
}
