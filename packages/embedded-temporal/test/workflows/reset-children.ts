import { sleep, startChild } from '@temporalio/workflow';
import { childAwaitsPing } from './children';

/** Starts a child that waits for a ping, sleeps an hour, then returns the child's result. */
export async function parentOfPingedChild(childId: string): Promise<string> {
  const child = await startChild(childAwaitsPing, { workflowId: childId });
  await sleep('1 hour');
  return child.result();
}
