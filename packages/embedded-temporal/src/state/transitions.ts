/**
 * Explicit transition tables for the entities of a run. A move the table does not list is a bug
 * in the service (never a worker's or client's mistake, which are refused before any state
 * changes), so it throws at once with the entity, the state it was in and the state asked for.
 */
export class IllegalTransitionError extends Error {
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${entity}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** For each state, the states it may move to (terminal states list none). */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/** Returns `to` when the table allows `from -> to`, else throws IllegalTransitionError. */
export function checkTransition<S extends string>(entity: string, table: TransitionTable<S>, from: S, to: S): S {
  if (!table[from].includes(to)) throw new IllegalTransitionError(entity, from, to);
  return to;
}
