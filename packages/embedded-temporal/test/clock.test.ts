import { SkippingClock, WallClock } from '../src/clock';
import { parseGoDurationMs } from '../src/time';

const HOUR = 3_600_000;

function firing(clock: SkippingClock, atMs: number): { fired: () => boolean; done: Promise<number> } {
  let fired = false;
  const done = new Promise<number>((resolve) =>
    clock.schedule(atMs, () => {
      fired = true;
      resolve(clock.now());
    }),
  );
  return { fired: () => fired, done };
}

const clocks: SkippingClock[] = [];
function newClock(): SkippingClock {
  const clock = new SkippingClock(1);
  clocks.push(clock);
  return clock;
}

describe('SkippingClock', () => {
  afterEach(() => {
    for (const clock of clocks.splice(0)) clock.close();
  });

  it('jumps to the next callback once unlocked, in time order', async () => {
    const clock = newClock();
    const start = clock.now();
    const order: string[] = [];
    const later = firing(clock, start + 2 * HOUR);
    const sooner = firing(clock, start + HOUR);
    void later.done.then(() => order.push('later'));
    void sooner.done.then(() => order.push('sooner'));
    clock.unlock();
    expect(await sooner.done).toBeGreaterThanOrEqual(start + HOUR);
    expect(await later.done).toBeGreaterThanOrEqual(start + 2 * HOUR);
    expect(order).toEqual(['sooner', 'later']);
  });

  it('follows the wall clock while locked', async () => {
    const clock = newClock();
    const start = clock.now();
    const far = firing(clock, start + HOUR);
    const near = firing(clock, start + 20);
    await near.done;
    expect(far.fired()).toBe(false);
    expect(clock.now() - start).toBeLessThan(HOUR);
  });

  it('does not skip when a lock is taken right after an unlock', async () => {
    const clock = newClock();
    const start = clock.now();
    const far = firing(clock, start + HOUR);
    clock.unlock();
    clock.lock();
    await firing(clock, start + 20).done;
    expect(far.fired()).toBe(false);
  });

  it('drops cancelled callbacks and refuses a negative lock count', async () => {
    const clock = newClock();
    const start = clock.now();
    let cancelledFired = false;
    clock.schedule(start + HOUR, () => (cancelledFired = true)).cancel();
    const next = firing(clock, start + 2 * HOUR);
    clock.unlock();
    await next.done;
    expect(cancelledFired).toBe(false);
    expect(() => clock.unlockExternal()).toThrow(/below zero/);
    // Internal releases after an external caller took the counter to zero are absorbed.
    expect(() => clock.unlock()).not.toThrow();
    expect(clock.lockCount).toBe(0);
  });
});

describe('WallClock', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires no sooner than its minimum delay after scheduling, and on time when due later', () => {
    const clock = new WallClock(1000);
    const fired: string[] = [];
    clock.schedule(Date.now() + 100, () => fired.push('short'));
    clock.schedule(Date.now() + 5000, () => fired.push('long'));
    jest.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['short']);
    jest.advanceTimersByTime(3999);
    expect(fired).toEqual(['short']);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['short', 'long']);
    clock.close();
  });

  it('fires when due without a minimum delay', () => {
    const clock = new WallClock();
    const fired: number[] = [];
    clock.schedule(Date.now() + 100, () => fired.push(Date.now()));
    jest.advanceTimersByTime(100);
    expect(fired).toHaveLength(1);
    clock.close();
  });
});

describe('parseGoDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['50ms', 50],
    ['"5s"', 5000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0', 0],
  ])('reads %s', (text, ms) => expect(parseGoDurationMs(text)).toBe(ms));

  it.each(['', 'soon', '5', '1s soon', 's'])('refuses %p', (text) => expect(parseGoDurationMs(text)).toBeUndefined());
});
