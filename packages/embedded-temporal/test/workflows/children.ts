import {
  ChildWorkflowFailure,
  ApplicationFailure,
  condition,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';

export const pingSignal = defineSignal<[string]>('ping');

export async function childDouble(n: number): Promise<number> {
  return n * 2;
}

export async function childFails(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'ChildFailed');
}

/** Waits for a ping and returns who sent it. */
export async function childAwaitsPing(): Promise<string> {
  let from: string | undefined;
  setHandler(pingSignal, (sender) => {
    from = sender;
  });
  await condition(() => from !== undefined);
  return `pinged by ${from}; parent ${workflowInfo().parent?.workflowId}`;
}

/** Runs children: a result, a failure, and a signalled child. */
export async function parentOfChildren(): Promise<{ doubled: number; failure: string; pinged: string }> {
  const doubled = await executeChild(childDouble, { args: [21] });
  let failure = '';
  try {
    await executeChild(childFails, { args: ['child says no'] });
  } catch (err) {
    if (err instanceof ChildWorkflowFailure) failure = `${err.cause?.message}`;
    else throw err;
  }
  const child = await startChild(childAwaitsPing, { workflowId: `${workflowInfo().workflowId}-pinged` });
  await getExternalWorkflowHandle(child.workflowId).signal(pingSignal, workflowInfo().workflowId);
  const pinged = await child.result();
  return { doubled, failure, pinged };
}

/** Starts a child that waits forever and completes at once: the child is terminated by the close policy. */
export async function parentAbandonsNothing(): Promise<string> {
  const child = await startChild(childAwaitsPing, {
    workflowId: `${workflowInfo().workflowId}-orphan`,
    parentClosePolicy: ParentClosePolicy.TERMINATE,
  });
  return child.workflowId;
}

/** Cancels an external workflow by id. */
export async function cancelOther(workflowId: string): Promise<void> {
  await getExternalWorkflowHandle(workflowId).cancel();
}

/** A child that outlives its execution timeout; returns how the parent saw it end. */
export async function childTimesOut(): Promise<string> {
  try {
    await executeChild(childAwaitsPing, { workflowExecutionTimeout: '1 hour' });
    return 'completed';
  } catch (err) {
    if (err instanceof ChildWorkflowFailure) return `${err.retryState}: ${err.cause?.name}`;
    throw err;
  }
}
