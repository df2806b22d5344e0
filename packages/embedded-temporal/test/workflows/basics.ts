import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';

const { greet, double } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export const approveSignal = defineSignal<[string]>('approve');
export const stageQuery = defineQuery<string>('stage');

/** Activities, a timer, a signal and a query: the smallest realistic workflow. */
export async function signalTimerActivities(name: string, timerMs: number): Promise<string> {
  let stage = 'greeting';
  let approvedBy: string | undefined;
  setHandler(stageQuery, () => stage);
  setHandler(approveSignal, (by) => {
    approvedBy = by;
  });
  const greeting = await greet(name);
  stage = 'sleeping';
  await sleep(timerMs);
  stage = 'waiting';
  await condition(() => approvedBy !== undefined);
  stage = 'doubling';
  const n = await double(21);
  stage = 'done';
  return `${greeting}; approved by ${approvedBy}; ${n}; attempt ${workflowInfo().attempt}`;
}
