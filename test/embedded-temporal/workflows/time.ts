import { proxyActivities, sleep } from '@temporalio/workflow';
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
