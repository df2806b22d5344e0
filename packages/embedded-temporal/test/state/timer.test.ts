import { moveTimer, type TimerState } from '../../src/state/timer';
import { IllegalTransitionError } from '../../src/state/transitions';

const timer = (): TimerState => ({ timerId: 't1', startedEventId: 5, phase: 'started' });

describe('timer transitions', () => {
  it('a started timer fires or is canceled', () => {
    const fired = timer();
    moveTimer(fired, 'fired');
    expect(fired.phase).toBe('fired');
    const canceled = timer();
    moveTimer(canceled, 'canceled');
    expect(canceled.phase).toBe('canceled');
  });

  it('a fired timer whose TimerFired is still held can be canceled by the running task', () => {
    const t = timer();
    moveTimer(t, 'fired');
    moveTimer(t, 'canceled');
    expect(t.phase).toBe('canceled');
  });

  it('never fires twice, and never fires once canceled', () => {
    const t = timer();
    moveTimer(t, 'fired');
    expect(() => moveTimer(t, 'fired')).toThrow('timer t1: illegal transition fired -> fired');
    const c = timer();
    moveTimer(c, 'canceled');
    expect(() => moveTimer(c, 'fired')).toThrow(IllegalTransitionError);
  });
});
