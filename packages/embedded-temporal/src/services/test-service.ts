/** TestService (time skipping). Only served in test-server mode. */
import type { SkippingClock } from '../clock';
import { durationMs, timestamp, timestampMs } from '../time';
import type { TestServiceHandlers } from './handler';

export function testServiceHandlers(clock: SkippingClock): TestServiceHandlers {
  const sleepUntil = (at: number) =>
    new Promise<object>((resolve) => {
      clock.schedule(at, () => resolve({}));
    });
  return {
    LockTimeSkipping: () => {
      clock.lock();
      return {};
    },
    UnlockTimeSkipping: () => {
      clock.unlockExternal();
      return {};
    },
    Sleep: (r) => sleepUntil(clock.now() + durationMs(r.duration)),
    SleepUntil: (r) => sleepUntil(timestampMs(r.timestamp) ?? clock.now()),
    // Re-locks when the sleep ends, then unlocks right away so that time can skip to it.
    UnlockTimeSkippingWithSleep: (r) => {
      const wakeAt = clock.now() + durationMs(r.duration);
      // Unlock first (it may fail as unbalanced); skipping starts only after this tick, once
      // the wake-up below is queued.
      clock.unlockExternal();
      return new Promise<object>((resolve) => {
        clock.schedule(wakeAt, () => {
          clock.lock();
          resolve({});
        });
      });
    },
    GetCurrentTime: () => ({ time: timestamp(clock.now()) }),
  };
}
