/**
 * The same change made safely: checks started after the deploy pause first, checks started
 * before it (whose histories have no marker) go on as they began.
 */
import { patched, sleep } from '@temporalio/workflow';
import { backgroundCheck as current } from '../../../src/workflows/background-check';

export async function backgroundCheck(...args: Parameters<typeof current>): ReturnType<typeof current> {
  if (patched('pause-before-creating-verification')) await sleep('5 seconds');
  return current(...args);
}
