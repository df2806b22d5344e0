import { proxyActivities, sleep } from '@temporalio/workflow';

/** Runs an activity that stops its own worker while a timer is about to fire. */
export async function timerDuringWorkerShutdown(timerMs: number): Promise<string> {
  const { stopOwnWorker } = proxyActivities<{ stopOwnWorker(): Promise<string> }>({
    startToCloseTimeout: '1m',
  });
  const [activityResult] = await Promise.all([stopOwnWorker(), sleep(timerMs)]);
  return activityResult;
}
