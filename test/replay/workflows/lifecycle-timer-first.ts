/**
 * A deliberately non-deterministic change to the lifecycle: a short pause added before
 * everything else, without `patched()`. Every check started before it no longer replays.
 */
import { sleep } from '@temporalio/workflow';
import { backgroundCheck as current } from '../../../src/workflows/background-check';

export async function backgroundCheck(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('5 seconds');
  return current(...args);
}
