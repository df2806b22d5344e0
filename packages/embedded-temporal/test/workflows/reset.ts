import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type * as operatorActivities from '../operator-activities';

export const resetUnblock = defineSignal('resetUnblock');
export const resetCaptures = defineQuery<number[]>('resetCaptures');

/** Draws a random number before, between and after two timers, then waits for a signal. */
export async function resettable(): Promise<number[]> {
  const captures: number[] = [];
  let unblocked = false;
  setHandler(resetCaptures, () => captures);
  setHandler(resetUnblock, () => {
    unblocked = true;
  });
  captures.push(Math.random());
  await sleep('1s');
  captures.push(Math.random());
  await sleep('1s');
  captures.push(Math.random());
  await condition(() => unblocked);
  return captures;
}

/** Counts `resetUnblock` signals during a long timer. */
export async function countsSignalsDuringTimer(): Promise<number> {
  let signals = 0;
  setHandler(resetUnblock, () => {
    signals++;
  });
  await sleep('1h');
  return signals;
}

/** Starts an activity that never ends in this run, then waits for it (signals are accepted). */
export async function activityAcrossReset(): Promise<string> {
  setHandler(resetUnblock, () => undefined);
  const { blockedInRun } = proxyActivities<typeof operatorActivities>({
    startToCloseTimeout: '1m',
    heartbeatTimeout: '2s',
  });
  return blockedInRun(workflowInfo().runId);
}
