/**
 * Sticky queues: which worker's sticky queue a run is bound to (the worker that completed its
 * last task asked for it), the queue a workflow task is scheduled on while bound (recorded in
 * `WorkflowTaskScheduled` as the server does: kind STICKY with the normal queue's name), and the
 * runs to release when a worker goes away. Dispatching a task and its schedule-to-start timeout
 * are workflow-tasks.ts's.
 */
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import type { Matching } from './matching';
import type { WorkflowRun } from './state/workflow-run';
import { durationMs } from './time';
import type { ActivityTaskResponse, WorkflowTaskResponse } from './types';

const { TaskQueueKind } = enums;

/** Used when a worker asks for stickiness without a schedule-to-start timeout. */
const DEFAULT_STICKY_SCHEDULE_TO_START_MS = 5_000;

export type StickyBinding = NonNullable<WorkflowRun['sticky']>;

/** The binding a completing worker asks for (none when it sends no sticky attributes). */
export function stickyBindingOf(
  attributes: temporal.api.taskqueue.v1.IStickyExecutionAttributes | null | undefined,
): StickyBinding | undefined {
  const queue = attributes?.workerTaskQueue?.name;
  if (!queue) return undefined;
  return {
    queue,
    scheduleToStartMs: durationMs(attributes?.scheduleToStartTimeout) || DEFAULT_STICKY_SCHEDULE_TO_START_MS,
  };
}

/** The queue a task scheduled now goes to: the sticky one while the run is bound to it. */
export function currentTaskQueue(run: WorkflowRun): temporal.api.taskqueue.v1.ITaskQueue {
  if (run.sticky) {
    return { name: run.sticky.queue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: run.config.taskQueue };
  }
  return { name: run.config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL };
}

export class StickyQueues {
  /** Runs by the sticky queue they are bound to. */
  private readonly runsByQueue = new Map<string, Set<WorkflowRun>>();

  constructor(private readonly matching: Matching<WorkflowTaskResponse, ActivityTaskResponse>) {}

  /** Binds a run to a sticky queue (or unbinds it), keeping the per-queue index in step. */
  bind(run: WorkflowRun, sticky: StickyBinding | undefined): void {
    if (run.sticky) this.runsByQueue.get(run.sticky.queue)?.delete(run);
    // A task completed by a worker that is shutting down must not bind the run to its sticky queue.
    if (sticky && this.matching.isRetiredStickyQueue(run.namespace.name, sticky.queue)) sticky = undefined;
    run.sticky = sticky;
    if (!sticky) return;
    let runs = this.runsByQueue.get(sticky.queue);
    if (!runs) {
      runs = new Set();
      this.runsByQueue.set(sticky.queue, runs);
    }
    runs.add(run);
  }

  /** Forgets a queue (its worker went away) and returns the runs that were bound to it. */
  release(queue: string): WorkflowRun[] {
    const runs = this.runsByQueue.get(queue);
    this.runsByQueue.delete(queue);
    return [...(runs ?? [])];
  }
}
