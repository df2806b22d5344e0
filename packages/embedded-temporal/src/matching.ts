/**
 * Task queues: tasks waiting for pollers and pollers waiting for tasks (long polls).
 *
 * A queued task is claimed only when handed to a live poll: `claim` starts it (records the
 * started event, arms timeouts) or returns undefined when the task went stale meanwhile.
 * Polls whose call was cancelled are dropped and never handed a task. A worker that announced
 * its shutdown (`ShutdownWorker`) gets its outstanding polls answered empty at once and is never
 * handed a task again, so no task is matched to a poller that will not process it.
 */
import type { temporal } from '@temporalio/proto';

export interface PollContext {
  readonly identity: string;
  /** The polling worker's `worker_instance_key` (empty from SDKs that do not send it). */
  readonly workerInstanceKey?: string;
  /** The poller's worker version stamp, as WorkflowTaskStarted records it (workflow queues). */
  readonly workerVersion?: temporal.api.common.v1.IWorkerVersionStamp;
  /** Epoch ms (wall clock) at which an empty answer must be sent. */
  readonly answerBy: number;
  readonly isCancelled: () => boolean;
  readonly onCancel: (listener: () => void) => void;
}

/** A worker seen polling a queue, as DescribeTaskQueue reports it. */
export interface PollerInfo {
  identity: string;
  /** Wall-clock ms of its latest poll. */
  lastAccessTime: number;
  /** The queue's dispatch rate limit when the poller set one (activity queues). */
  ratePerSecond?: number;
}

/** How long a poller is listed after its last poll (a real server keeps five minutes). */
export const POLLER_TTL_MS = 5 * 60_000;

export interface QueuedTask<R> {
  claim(ctx: PollContext): R | undefined;
}

interface Waiter<R> {
  resolve(response: R | undefined): void;
  ctx: PollContext;
  done: boolean;
}

export class TaskQueue<R> {
  private readonly tasks: QueuedTask<R>[] = [];
  private readonly waiters: Waiter<R>[] = [];
  /** Earliest wall time the next task may be dispatched (rate limit), 0 when unlimited. */
  private nextDispatchAt = 0;
  private rateTimer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, PollerInfo>();
  maxTasksPerSecond = 0;

  constructor(
    readonly name: string,
    private readonly isRetired: (ctx: PollContext) => boolean = () => false,
  ) {}

  get backlog(): number {
    return this.tasks.length;
  }

  add(task: QueuedTask<R>): void {
    this.tasks.push(task);
    this.dispatch();
  }

  /** Workers that polled within the last five minutes, most recent first. */
  pollers(now = Date.now()): PollerInfo[] {
    for (const [identity, info] of this.seen) if (now - info.lastAccessTime > POLLER_TTL_MS) this.seen.delete(identity);
    return [...this.seen.values()].sort((a, b) => b.lastAccessTime - a.lastAccessTime);
  }

  poll(ctx: PollContext): Promise<R | undefined> {
    if (this.isRetired(ctx)) return Promise.resolve(undefined);
    if (ctx.identity) {
      this.seen.delete(ctx.identity);
      this.seen.set(ctx.identity, {
        identity: ctx.identity,
        lastAccessTime: Date.now(),
        ...(this.maxTasksPerSecond > 0 && { ratePerSecond: this.maxTasksPerSecond }),
      });
    }
    return new Promise((resolve) => {
      const waiter: Waiter<R> = { resolve, ctx, done: false };
      const finish = (response: R | undefined) => {
        if (waiter.done) return;
        waiter.done = true;
        clearTimeout(timeout);
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(response);
      };
      waiter.resolve = finish;
      const timeout = setTimeout(() => finish(undefined), Math.max(0, ctx.answerBy - Date.now()));
      ctx.onCancel(() => finish(undefined));
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /** Answers empty every outstanding poll that `matches` selects. */
  releasePolls(matches: (ctx: PollContext) => boolean): void {
    for (const waiter of [...this.waiters]) if (matches(waiter.ctx)) waiter.resolve(undefined);
  }

  private dispatch(): void {
    while (this.tasks.length > 0 && this.waiters.length > 0) {
      if (this.maxTasksPerSecond > 0) {
        const now = Date.now();
        if (now < this.nextDispatchAt) {
          if (!this.rateTimer) {
            this.rateTimer = setTimeout(() => {
              this.rateTimer = undefined;
              this.dispatch();
            }, this.nextDispatchAt - now);
          }
          return;
        }
      }
      const waiter = this.waiters[0];
      if (waiter.done || waiter.ctx.isCancelled()) {
        this.waiters.shift();
        waiter.resolve(undefined);
        continue;
      }
      const task = this.tasks.shift() as QueuedTask<R>;
      const response = task.claim(waiter.ctx);
      if (response === undefined) continue;
      if (this.maxTasksPerSecond > 0) this.nextDispatchAt = Date.now() + 1000 / this.maxTasksPerSecond;
      waiter.resolve(response);
    }
  }
}

export type TaskQueueKind = 'workflow' | 'activity';

/** What a `ShutdownWorker` request names. */
export interface WorkerShutdown {
  readonly namespace: string;
  readonly workerInstanceKey: string;
  readonly identity: string;
  readonly taskQueue: string;
  readonly stickyTaskQueue: string;
}

/** Shut-down workers remembered, oldest forgotten first (a worker key is never reused). */
const MAX_RETIRED_WORKERS = 10_000;

export class Matching<WR, AR> {
  private readonly workflowQueues = new Map<string, TaskQueue<WR>>();
  private readonly activityQueues = new Map<string, TaskQueue<AR>>();
  /** `namespace\0workerInstanceKey` of workers that sent `ShutdownWorker`. */
  private readonly retiredWorkers = new Set<string>();
  /** `namespace\0queue` of sticky queues whose worker shut down. */
  private readonly retiredStickyQueues = new Set<string>();

  workflowQueue(namespace: string, name: string): TaskQueue<WR> {
    return getOrCreate(
      this.workflowQueues,
      `${namespace}\u0000${name}`,
      () => new TaskQueue<WR>(name, (ctx) => this.isRetired(namespace, name, ctx)),
    );
  }

  activityQueue(namespace: string, name: string): TaskQueue<AR> {
    return getOrCreate(
      this.activityQueues,
      `${namespace}\u0000${name}`,
      () => new TaskQueue<AR>(name, (ctx) => this.isRetired(namespace, name, ctx)),
    );
  }

  /** True for the sticky queue of a worker that shut down: runs must not be bound to it again. */
  isRetiredStickyQueue(namespace: string, queue: string): boolean {
    return this.retiredStickyQueues.has(`${namespace}\u0000${queue}`);
  }

  /**
   * `ShutdownWorker`: answers the worker's outstanding polls empty at once and refuses it tasks
   * from now on. Core advertises graceful poll shutdown only when the namespace says the server
   * does this; it then lets in-flight polls finish (and processes what they return) instead of
   * dropping them, which would lose a task matched to the poll in the same instant.
   */
  shutdownWorker(shutdown: WorkerShutdown): void {
    const { namespace, workerInstanceKey, identity, taskQueue, stickyTaskQueue } = shutdown;
    if (workerInstanceKey) remember(this.retiredWorkers, `${namespace}\u0000${workerInstanceKey}`);
    if (stickyTaskQueue) remember(this.retiredStickyQueues, `${namespace}\u0000${stickyTaskQueue}`);
    // The key identifies the worker on every queue it polls; without one, polls are told apart
    // by identity on the queues the request names.
    const isTheWorker = (ctx: PollContext) =>
      workerInstanceKey ? ctx.workerInstanceKey === workerInstanceKey : ctx.identity === identity;
    const names = new Set([taskQueue, stickyTaskQueue].filter((name) => name));
    for (const queues of [this.workflowQueues, this.activityQueues] as Map<string, TaskQueue<unknown>>[]) {
      for (const [key, queue] of queues) {
        const [queueNamespace] = key.split('\u0000', 1);
        if (queueNamespace !== namespace) continue;
        if (workerInstanceKey || names.has(queue.name)) queue.releasePolls(isTheWorker);
      }
    }
  }

  private isRetired(namespace: string, queue: string, ctx: PollContext): boolean {
    if (this.retiredStickyQueues.has(`${namespace}\u0000${queue}`)) return true;
    return !!ctx.workerInstanceKey && this.retiredWorkers.has(`${namespace}\u0000${ctx.workerInstanceKey}`);
  }
}

function remember(set: Set<string>, key: string): void {
  set.add(key);
  if (set.size > MAX_RETIRED_WORKERS) set.delete(set.values().next().value as string);
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
