/** Workflows for bench/throughput.ts. */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export const goSignal = defineSignal('go');

interface BenchActivities {
  step(n: number): Promise<number>;
}

const { step } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1m' });

/** Three activities and one signal. */
export async function threeActivitiesAndSignal(): Promise<number> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  let total = await step(1);
  total += await step(2);
  await condition(() => go);
  total += await step(3);
  return total;
}

/** Waits for the signal only (open workflows for the memory figure). */
export async function waitForSignal(): Promise<void> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  await condition(() => go);
}
