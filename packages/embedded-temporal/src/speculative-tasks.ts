/**
 * Speculative workflow tasks, as the server has them: a task scheduled only to deliver updates to
 * a run that has completed a task before and has nothing else waiting. Its scheduled and started
 * events are reserved (WorkflowRun.reserve), not written; the worker sees them in its poll
 * response, history and describe do not. Anything written to the run meanwhile, a completion
 * that is kept, a failure or a timeout writes them; a completion that only rejects drops them
 * (workflow-tasks.ts applies this rule).
 */
import type { temporal } from '@temporalio/proto';
import type { WorkflowRun } from './state/workflow-run';

/**
 * How many events written since the last completed task a speculative task may have shipped and
 * still be dropped (the server's `history.discardSpeculativeWorkflowTaskMaximumEventsCount`), for
 * workers that declare they accept the same events again; for others, none.
 */
const DROP_WITH_EVENTS_MAX = 10;

const REJECTION_TYPE = 'type.googleapis.com/temporal.api.update.v1.Rejection';

/** Whether a speculative task may be scheduled for updates on this run now. */
export function canScheduleSpeculative(run: WorkflowRun): boolean {
  return run.previousStartedEventId > 0 && run.buffered.length === 0;
}

/**
 * Whether a completion drops the run's speculative task: the task is still speculative, the
 * completion has no commands, is not a heartbeat, carries only update rejections, and the task
 * shipped no events written since the last completed task (a few, for workers that accept them
 * again).
 */
export function dropsSpeculativeTask(
  run: WorkflowRun,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): boolean {
  if (!run.hasReserved || (request.commands?.length ?? 0) > 0 || request.forceCreateNewWorkflowTask) return false;
  if (!(request.messages ?? []).every((m) => m.body?.type_url === REJECTION_TYPE)) return false;
  // Events after the last completed task's WorkflowTaskCompleted.
  const shipped = run.lastEventId - (run.previousStartedEventId + 1);
  return shipped <= (request.capabilities?.discardSpeculativeWorkflowTaskWithEvents ? DROP_WITH_EVENTS_MAX : 0);
}
