/** Per-route request counters, and events tests wait on instead of sleeping. */
import { routeKeys, type RouteKey } from './types';

export class RouteStats {
  private readonly counts = new Map<RouteKey, number>(routeKeys.map((route) => [route, 0]));
  private readonly countWaiters: { route: RouteKey; count: number; resolve: () => void }[] = [];
  private readonly inProgress = new Map<RouteKey, number>();
  private readonly settledWaiters = new Map<RouteKey, (() => void)[]>();

  count(route: RouteKey): number {
    return this.counts.get(route) ?? 0;
  }

  resetCounts(): void {
    for (const route of routeKeys) this.counts.set(route, 0);
    // Waiters keep waiting for their count from zero.
  }

  recordRequest(route: RouteKey): void {
    const count = (this.counts.get(route) ?? 0) + 1;
    this.counts.set(route, count);
    if (this.countWaiters.length > 0) this.wake(route, count);
  }

  /** Resolves once the route has received `count` requests (tests wait on this, not on sleeps). */
  waitForRequests(route: RouteKey, count: number): Promise<void> {
    if (this.count(route) >= count) return Promise.resolve();
    return new Promise((resolve) => this.countWaiters.push({ route, count, resolve }));
  }

  /** A request on the route is being handled (from receipt to its answer, drop or release). */
  begin(route: RouteKey): void {
    this.inProgress.set(route, (this.inProgress.get(route) ?? 0) + 1);
  }

  end(route: RouteKey): void {
    const left = (this.inProgress.get(route) ?? 1) - 1;
    this.inProgress.set(route, left);
    if (left > 0) return;
    const waiters = this.settledWaiters.get(route);
    if (waiters === undefined) return;
    this.settledWaiters.delete(route);
    for (const resolve of waiters) resolve();
  }

  /** Resolves once no request on the route is being handled (e.g. a hang released by its client). */
  waitForSettled(route: RouteKey): Promise<void> {
    if ((this.inProgress.get(route) ?? 0) === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.settledWaiters.get(route) ?? [];
      waiters.push(resolve);
      this.settledWaiters.set(route, waiters);
    });
  }

  private wake(route: RouteKey, count: number): void {
    for (let i = this.countWaiters.length - 1; i >= 0; i--) {
      const waiter = this.countWaiters[i];
      if (waiter.route === route && count >= waiter.count) {
        this.countWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
