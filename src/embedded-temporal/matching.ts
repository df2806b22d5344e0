/**
 * Task queues: tasks waiting for pollers and pollers waiting for tasks (long polls).
 *
 * A queued task is claimed only when handed to a live poll: `claim` starts it (records the
 * started event, arms timeouts) or returns undefined when the task went stale meanwhile.
 * Polls whose call was cancelled are dropped and never handed a task.
 */
export interface PollContext {
  readonly identity: string;
  /** Epoch ms (wall clock) at which an empty answer must be sent. */
  readonly answerBy: number;
  readonly isCancelled: () => boolean;
  readonly onCancel: (listener: () => void) => void;
}

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
  maxTasksPerSecond = 0;

  constructor(readonly name: string) {}

  get backlog(): number {
    return this.tasks.length;
  }

  add(task: QueuedTask<R>): void {
    this.tasks.push(task);
    this.dispatch();
  }

  poll(ctx: PollContext): Promise<R | undefined> {
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

export class Matching<WR, AR> {
  private readonly workflowQueues = new Map<string, TaskQueue<WR>>();
  private readonly activityQueues = new Map<string, TaskQueue<AR>>();

  workflowQueue(namespace: string, name: string): TaskQueue<WR> {
    return getOrCreate(this.workflowQueues, `${namespace}\u0000${name}`, () => new TaskQueue<WR>(name));
  }

  activityQueue(namespace: string, name: string): TaskQueue<AR> {
    return getOrCreate(this.activityQueues, `${namespace}\u0000${name}`, () => new TaskQueue<AR>(name));
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
