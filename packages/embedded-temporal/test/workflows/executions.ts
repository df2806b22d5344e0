import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

export const addSignal = defineSignal<[number]>('add');
export const finishSignal = defineSignal('finish');
export const totalQuery = defineQuery<number>('total');
export const failingQuery = defineQuery<never>('failing');

/** Sums `add` signals until `finish`. */
export async function accumulate(initial: number): Promise<number> {
  let total = initial;
  let finished = false;
  setHandler(addSignal, (n) => {
    total += n;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(totalQuery, () => total);
  setHandler(failingQuery, () => {
    throw new Error('this query always fails');
  });
  await condition(() => finished);
  return total;
}

/** Continues as new `times` times, carrying a counter; returns the run chain's length. */
export async function countdown(times: number, runs = 1): Promise<number> {
  if (times > 0) await continueAsNew<typeof countdown>(times - 1, runs + 1);
  return runs;
}

/** Fails until its run attempt reaches `succeedOnAttempt` (workflow retry policy). */
export async function retriedWorkflow(succeedOnAttempt: number): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < succeedOnAttempt) throw ApplicationFailure.retryable(`run attempt ${attempt} failed`, 'RunFailed');
  return attempt;
}

/** Waits forever; reports cancellation as a clean result after cleanup. */
export async function cancellable(): Promise<string> {
  try {
    await CancellationScope.current().cancelRequested;
    return 'unreachable';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => sleep(10));
    throw err;
  }
}

export async function waitForever(): Promise<void> {
  await condition(() => false);
}

/** Upserts a search attribute, then waits for `finish`. */
export async function upserting(value: string): Promise<void> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  upsertSearchAttributes({ CustomKeywordField: [value] });
  await condition(() => finished);
}

/** Reports when it started relative to when it was asked to start (start delay). */
export async function startTimes(): Promise<number> {
  return workflowInfo().runStartTime.getTime();
}

/** Fails its first workflow task with a plain error (not a workflow failure): retried by the server. */
export async function failsFirstTask(): Promise<number> {
  if (workflowInfo().historyLength < 5) throw new Error('first workflow task fails');
  return workflowInfo().historyLength;
}

/** Reports what the SDK tells the workflow about itself on its first task. */
export async function ownInfo(): Promise<{ historyLength: number; historySize: number; taskTimeoutMs: number }> {
  const { historyLength, historySize, taskTimeoutMs } = workflowInfo();
  return { historyLength, historySize, taskTimeoutMs };
}

/** Sets two memo keys, then deletes one. */
export async function memoEdits(): Promise<void> {
  upsertMemo({ alpha: 'a', bravo: 'b' });
  upsertMemo({ bravo: null });
}
