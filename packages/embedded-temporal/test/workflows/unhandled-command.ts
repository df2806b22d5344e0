import { defineSignal, proxySinks, setHandler, type Sinks } from '@temporalio/workflow';

export const pokeSignal = defineSignal('poke');

export interface SelfSignalSinks extends Sinks {
  selfSignal: { send(): void };
}

const { selfSignal } = proxySinks<SelfSignalSinks>();

/**
 * Asks the worker (through a sink, run before the task completes) to signal this workflow,
 * then tries to complete in the same task: the service must refuse until the signal is seen.
 */
export async function completesOverASignal(): Promise<number> {
  let pokes = 0;
  setHandler(pokeSignal, () => void ++pokes);
  if (pokes === 0) selfSignal.send();
  return pokes;
}
