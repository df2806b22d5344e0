import { routeQuery } from '../../src/state/query';

describe('where a query goes', () => {
  it.each<[string, boolean, boolean, Parameters<typeof routeQuery>[2], ReturnType<typeof routeQuery>]>([
    ['open run, no task completed yet: waits for the first', false, true, 'scheduled', 'hold'],
    ['closed run that never completed a task: refused', false, false, undefined, 'reject'],
    ['task scheduled: rides in it', true, true, 'scheduled', 'hold'],
    ['task started: waits for it to finish', true, true, 'started', 'hold'],
    ['no task: a legacy query task', true, true, undefined, 'legacy'],
    ['closed run: a legacy query task even if its task was not yet dropped', true, false, 'started', 'legacy'],
  ])('%s', (_name, completed, open, task, expected) => {
    expect(routeQuery(completed, open, task)).toBe(expected);
  });
});
