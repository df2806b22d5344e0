/** Timers and hung requests of one simulator, all released by `close()`. */
import type { ServerResponse } from 'node:http';
import type { Timers } from './context';
import type { Lifecycle } from './faults';

export class SimulatorLifecycle implements Lifecycle, Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private readonly hangs = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  hang(res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        this.hangs.delete(release);
        resolve();
      };
      this.hangs.add(release);
      res.once('close', release);
    });
  }

  schedule(ms: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      callback();
    }, ms);
    // A schedule alone must not keep a process alive.
    timer.unref();
    // On close the schedule is dropped, not run.
    this.pending.set(timer, () => undefined);
  }

  close(): void {
    for (const [timer, settle] of this.pending) {
      clearTimeout(timer);
      settle();
    }
    this.pending.clear();
    for (const release of [...this.hangs]) release();
  }
}
