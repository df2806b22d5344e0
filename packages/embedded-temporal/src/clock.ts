/**
 * The service's notion of time.
 *
 * Dev-server mode follows the wall clock. Test-server mode keeps a virtual clock with one
 * anonymous lock counter: while the counter is above zero the clock advances with the wall
 * clock; when it drops to zero the clock jumps straight to the next scheduled callback.
 * Everything in flight (a workflow task, an activity, an RPC caller's `result()` not waiting)
 * holds a lock, so time only skips when the system is otherwise idle.
 */
import { failedPrecondition } from './errors';

export interface Scheduled {
  cancel(): void;
}

export interface Clock {
  readonly skipsTime: boolean;
  now(): number;
  /** Runs `callback` once the clock reaches `atMs` (epoch milliseconds). */
  schedule(atMs: number, callback: () => void): Scheduled;
  lock(): void;
  unlock(): void;
  /** Drops every pending callback (service shutdown). */
  close(): void;
}

/** The longest delay setTimeout accepts. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class WallClock implements Clock {
  readonly skipsTime = false;
  private readonly pending = new Set<NodeJS.Timeout>();

  /**
   * @param minDelayMs the server's timer queue never fires a task sooner than this after it was
   * created (`history.timerProcessorMaxTimeShift`, 1 s by default): a 100 ms workflow timer, a
   * 100 ms activity retry or a short timeout fires about a second later on a real server, and
   * code (and tests) written against one can depend on that.
   */
  constructor(private readonly minDelayMs = 0) {}

  now(): number {
    return Date.now();
  }

  schedule(dueMs: number, callback: () => void): Scheduled {
    const atMs = Math.max(dueMs, Date.now() + this.minDelayMs);
    // setTimeout cannot wait longer than ~24.8 days; re-arm for far deadlines.
    let handle: NodeJS.Timeout;
    const arm = () => {
      this.pending.delete(handle);
      const delay = atMs - Date.now();
      if (delay > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
      else {
        handle = setTimeout(
          () => {
            this.pending.delete(handle);
            runSafely(callback);
          },
          Math.max(0, delay),
        );
      }
      this.pending.add(handle);
    };
    arm();
    return {
      cancel: () => {
        clearTimeout(handle);
        this.pending.delete(handle);
      },
    };
  }

  lock(): void {}
  unlock(): void {}

  close(): void {
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}

interface Entry {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class SkippingClock implements Clock {
  readonly skipsTime = true;
  private offset = 0;
  private locks: number;
  private seq = 0;
  private readonly queue: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private skipPending = false;

  /** The test server starts locked: the first `result()` or `sleep()` unlocks it. */
  constructor(initialLocks = 1) {
    this.locks = initialLocks;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  get lockCount(): number {
    return this.locks;
  }

  schedule(atMs: number, callback: () => void): Scheduled {
    const entry: Entry = { at: atMs, seq: this.seq++, callback, cancelled: false };
    // Sorted insert (stable for equal times): most timers go near the end.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at > atMs) i--;
    this.queue.splice(i, 0, entry);
    if (i === 0) this.arm();
    return {
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        const at = this.queue.indexOf(entry);
        if (at >= 0) this.queue.splice(at, 1);
      },
    };
  }

  lock(): void {
    this.locks++;
  }

  /** Drops every pending callback (service shutdown). */
  close(): void {
    for (const entry of this.queue) entry.cancelled = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Internal releases never fail: a caller of UnlockTimeSkipping may already have taken the
   * counter to zero (the counter is anonymous), and that must not break a task completion.
   */
  unlock(): void {
    if (this.locks <= 0) return;
    this.locks--;
    if (this.locks === 0) this.arm();
  }

  /** UnlockTimeSkipping: unbalanced calls fail, as the TestService contract says. */
  unlockExternal(): void {
    if (this.locks <= 0) throw failedPrecondition('Time skipping lock counter cannot go below zero');
    this.unlock();
  }

  /** Re-arms the wall timer for the head of the queue, or skips to it when unlocked. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.queue[0];
    if (!head) return;
    if (this.locks === 0) {
      // Deferred: a caller that unlocks and immediately locks something new must not skip.
      if (!this.skipPending) {
        this.skipPending = true;
        setImmediate(() => {
          this.skipPending = false;
          this.skipAhead();
        });
      }
      return;
    }
    // Capped: setTimeout fires at once for delays beyond ~24.8 days; fireDue re-arms.
    this.timer = setTimeout(() => this.fireDue(), Math.min(MAX_TIMEOUT_MS, Math.max(0, head.at - this.now())));
  }

  private skipAhead(): void {
    const head = this.queue[0];
    if (!head || this.locks > 0) return this.arm();
    const now = this.now();
    if (head.at > now) this.offset += head.at - now;
    this.fireDue();
  }

  private fireDue(): void {
    this.timer = undefined;
    const now = this.now();
    while (this.queue.length > 0 && this.queue[0].at <= now) {
      const entry = this.queue.shift() as Entry;
      if (entry.cancelled) continue;
      entry.cancelled = true;
      // A running callback holds a lock so that whatever it starts is accounted before skipping.
      this.locks++;
      try {
        runSafely(entry.callback);
      } finally {
        this.locks--;
      }
    }
    this.arm();
  }
}

/** A failing timer callback is logged, never allowed to take the service down. */
function runSafely(callback: () => void): void {
  try {
    callback();
  } catch (err) {
    console.error('embedded-temporal: timer callback failed', err);
  }
}

/** Holds at most one lock on a clock; idempotent hold/release keeps the counter balanced. */
export class ClockLock {
  private held = false;
  constructor(private readonly clock: Clock) {}

  hold(): void {
    if (this.held) return;
    this.held = true;
    this.clock.lock();
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.clock.unlock();
  }
}
