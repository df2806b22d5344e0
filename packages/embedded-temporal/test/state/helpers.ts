/** A clock that never fires on its own, and the pieces entity tests build on. */
import type { Clock, Scheduled } from '../../src/clock';

export class ManualClock implements Clock {
  readonly skipsTime = false;
  locks = 0;
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  schedule(): Scheduled {
    return { cancel: () => undefined };
  }
  lock(): void {
    this.locks++;
  }
  unlock(): void {
    this.locks--;
  }
  close(): void {}
}
