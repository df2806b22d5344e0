import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

export const incrementUpdate = defineUpdate<number, [number]>('increment');
export const validatedUpdate = defineUpdate<string, [string]>('validated');
export const doneSignal = defineSignal('done');

/** A counter changed by updates; `validated` rejects empty input in its validator. */
export async function counter(start: number): Promise<number> {
  let value = start;
  let done = false;
  setHandler(incrementUpdate, (by) => {
    value += by;
    return value;
  });
  setHandler(
    validatedUpdate,
    async (text) => {
      await condition(() => value > start);
      return text.toUpperCase();
    },
    {
      validator: (text) => {
        if (!text) throw new Error('text must not be empty');
      },
    },
  );
  setHandler(doneSignal, () => {
    done = true;
  });
  await condition(() => done);
  return value;
}

export const neverFinishesUpdate = defineUpdate<void>('neverFinishes');

/** Accepts an update whose handler never returns, then completes on `done`. */
export async function closesOverAnUpdate(): Promise<void> {
  let done = false;
  setHandler(neverFinishesUpdate, () => condition(() => false));
  setHandler(doneSignal, () => {
    done = true;
  });
  await condition(() => done);
}
