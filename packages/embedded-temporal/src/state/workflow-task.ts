/**
 * A workflow task: scheduled, then started by a poller, then completed, failed or timed out
 * (a new task is a new entity). What DescribeWorkflowExecution shows of it is mapped here too.
 */
import type { temporal } from '@temporalio/proto';
import type { ClockLock, Scheduled } from '../clock';
import { enums } from '../enums';
import { timestamp } from '../time';
import { checkTransition, type TransitionTable } from './transitions';

const { PendingWorkflowTaskState } = enums;

export type WorkflowTaskPhase = 'scheduled' | 'started' | 'completed' | 'failed' | 'timedOut';

export const WORKFLOW_TASK_TRANSITIONS: TransitionTable<WorkflowTaskPhase> = {
  // A scheduled task times out only on a sticky queue (schedule-to-start); it is never failed:
  // a run closing under it just drops it.
  scheduled: ['started', 'timedOut'],
  started: ['completed', 'failed', 'timedOut'],
  completed: [],
  failed: [],
  timedOut: [],
};

export interface WorkflowTaskState {
  scheduledEventId: number;
  startedEventId: number;
  attempt: number;
  state: WorkflowTaskPhase;
  scheduledTime: number;
  startedTime: number;
  timeout?: Scheduled;
  /** Queries (by id) delivered in this task's `queries` map. */
  queryIds: string[];
  /** Update ids delivered with this task. */
  updateIds: string[];
  lock: ClockLock;
  /** Bumped on every (re)dispatch: only the latest queue entry may start the task. */
  dispatchSeq: number;
  /** Moves the task from a sticky queue to the normal one when no sticky poller takes it. */
  stickyFallback?: Scheduled;
}

export function newWorkflowTask(
  fields: Pick<WorkflowTaskState, 'scheduledEventId' | 'attempt' | 'scheduledTime' | 'lock'>,
): WorkflowTaskState {
  return {
    ...fields,
    startedEventId: 0,
    state: 'scheduled',
    startedTime: 0,
    queryIds: [],
    updateIds: [],
    dispatchSeq: 0,
  };
}

export function moveWorkflowTask(task: WorkflowTaskState, to: WorkflowTaskPhase): void {
  task.state = checkTransition('workflow task', WORKFLOW_TASK_TRANSITIONS, task.state, to);
}

/** DescribeWorkflowExecution's `pending_workflow_task`. */
export function describeWorkflowTask(task: WorkflowTaskState): temporal.api.workflow.v1.IPendingWorkflowTaskInfo {
  return {
    state:
      task.state === 'started'
        ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
        : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
    scheduledTime: timestamp(task.scheduledTime),
    originalScheduledTime: timestamp(task.scheduledTime),
    startedTime: task.startedTime ? timestamp(task.startedTime) : null,
    attempt: task.attempt,
  };
}
