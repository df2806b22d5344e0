/**
 * Workflows for the UI API differential (`ui-api.ts`): small, but with what the UI's list,
 * describe and history calls show (an activity, a timer, a signal, a child, a failure, a search
 * attribute and a memo, an open run).
 */
import {
  ApplicationFailure,
  condition,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';

export interface UiActivities {
  shout(text: string): Promise<string>;
}

const { shout } = proxyActivities<UiActivities>({ startToCloseTimeout: '10s' });

export const proceedSignal = defineSignal<[string]>('proceed');

export async function uiChild(text: string): Promise<string> {
  return shout(text);
}

/** Runs an activity, a timer and a child, then waits for `proceed` (left open when it never comes). */
export async function uiParent(text: string): Promise<string> {
  upsertSearchAttributes({ CustomKeywordField: ['ui-differential'] });
  const loud = await shout(text);
  await sleep(50);
  const child = await executeChild(uiChild, { args: [`${text} (child)`], workflowId: `${text}-child` });
  let by = '';
  setHandler(proceedSignal, (who) => {
    by = who;
  });
  await condition(() => by !== '');
  return `${loud}; ${child}; by ${by}`;
}

export async function uiFails(): Promise<never> {
  throw ApplicationFailure.nonRetryable('refused on purpose', 'UiDifferential');
}
