/**
 * ResetWorkflowExecution: a new run whose history is the base run's prefix up to a workflow
 * task, followed by `WorkflowTaskFailed` (cause RESET_WORKFLOW) and a new workflow task. The
 * current run, if open, is terminated. Signals after the reset point are re-applied unless
 * excluded. Core reseeds the workflow's random numbers from the failed event's `new_run_id`.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { ActivityAttempts } from './activity-attempts';
import type { Effects } from './effects';
import { enums } from './enums';
import { invalidArgument } from './errors';
import { i64 } from './proto';
import type { RunLifecycle } from './run-lifecycle';
import { HISTORY_SERVICE_IDENTITY } from './signals';
import { activityOptions } from './state/activity';
import { WorkflowRun } from './state/workflow-run';
import { durationMs, timestampMs } from './time';
import type { Timers } from './timers';
import type { HistoryEvent } from './types';

const { EventType, WorkflowTaskFailedCause, ResetReapplyType, ResetReapplyExcludeType } = enums;

/** The identity the server terminates the reset run with (the request's own identity is not recorded). */
const RESETTER_IDENTITY = 'history-resetter';

/** Events that open a child or external request. */
const CHILD_OPENING_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
]);

/** What a reset works with (the engine provides it). */
export interface ResetDeps extends Effects {
  readonly lifecycle: RunLifecycle;
  readonly timers: Timers;
  readonly activityAttempts: ActivityAttempts;
}

export class WorkflowResets {
  /** New run ids by `namespace/workflowId/requestId`: a repeated request gets the same run. */
  private readonly byRequestId = new Map<string, string>();

  constructor(private readonly engine: ResetDeps) {}

  reset(
    request: temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest,
  ): temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse {
    const workflowId = request.workflowExecution?.workflowId ?? '';
    if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
    const base = this.engine.runs.find(request.namespace, request.workflowExecution);
    const dedupeKey = request.requestId ? `${base.namespace.name}/${workflowId}/${request.requestId}` : '';
    const earlier = dedupeKey ? this.byRequestId.get(dedupeKey) : undefined;
    if (earlier) return { runId: earlier };

    const startedEventId = this.resetPoint(base, Number(request.workflowTaskFinishEventId ?? 0));
    const prefix = base.events.slice(0, startedEventId);
    const pending = openAt(prefix);
    const children = pending.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    );
    if (pending.some((e) => CHILD_OPENING_EVENTS.has(e.eventType ?? 0) && !children.includes(e))) {
      throw invalidArgument(
        'The embedded service resets only to points with no external signal or cancel request in flight.',
      );
    }
    // Children in flight at the reset point are kept, as the server does by default
    // (history.allowResetWithPendingChildren): what the base run learnt of them since is
    // copied to the new run, and a child still running reports to the new run.
    const childIds = new Set(children.map((e) => Number(e.eventId)));
    const childEvents = base.events.slice(startedEventId).filter((e) => childIds.has(childInitiatedId(e)));
    const running = [...childIds].filter(
      (id) => !childEvents.some((e) => closedEventIds(e).includes(id) && childInitiatedId(e) === id),
    );
    for (const id of running) {
      if (!base.children.has(id)) {
        throw invalidArgument(
          `The child workflow initiated by event ${id} is still running but no longer reports to run ${base.runId}.`,
        );
      }
    }
    const signals = this.signalsToReapply(base, startedEventId, request);

    const current = this.engine.runs.current(base.namespace.name, workflowId);
    const newRunId = randomUUID();
    const reason = request.reason ?? '';
    const run = new WorkflowRun(base.namespace, workflowId, newRunId, { ...base.config }, this.engine.clock);
    // Moved before the base run is terminated, so its parent close policy leaves them alone.
    this.moveRunningChildren(base, run, running);
    if (current?.isOpen) {
      this.engine.lifecycle.terminateRun(current, reason, null, RESETTER_IDENTITY);
    }

    for (const event of prefix) run.events.push({ ...event });
    run.previousStartedEventId = lastCompletedTaskStartedId(prefix);
    const scheduledEventId = Number(prefix[startedEventId - 1].workflowTaskStartedEventAttributes?.scheduledEventId);
    run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      workflowTaskFailedEventAttributes: {
        scheduledEventId: i64(scheduledEventId),
        startedEventId: i64(startedEventId),
        cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
        failure: { message: reason, resetWorkflowFailureInfo: {} },
        identity: HISTORY_SERVICE_IDENTITY,
        baseRunId: base.runId,
        newRunId,
        forkEventVersion: i64(0),
      },
    });
    for (const signal of signals) {
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
        workflowExecutionSignaledEventAttributes: signal,
      });
    }
    for (const event of childEvents) {
      const { eventId: _id, eventTime: _time, eventType, taskId: _taskId, ...attributes } = event;
      const copiedId = run.append(eventType ?? EventType.EVENT_TYPE_UNSPECIFIED, attributes);
      const child = run.children.get(childInitiatedId(event));
      if (child && eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) child.startedEventId = copiedId;
    }
    if (request.requestId) run.requestIds.add(request.requestId);
    this.engine.runs.add(run);
    this.engine.lifecycle.armRunTimeout(run);
    this.carryOn(run, pending);
    this.engine.scheduleWorkflowTask(run);
    if (dedupeKey) this.byRequestId.set(dedupeKey, newRunId);
    return { runId: newRunId };
  }

  /**
   * The id of the `WorkflowTaskStarted` the new run's history ends with: the finish event
   * (WorkflowTaskCompleted, Failed or TimedOut) of a workflow task names the one before it.
   */
  private resetPoint(base: WorkflowRun, finishEventId: number): number {
    const event = base.events[finishEventId - 1];
    const finishes = [
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    ];
    const startedEventId = event && finishes.includes(event.eventType ?? 0) ? finishEventId - 1 : 0;
    const started = base.events[startedEventId - 1];
    if (!started || started.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      throw invalidArgument(
        `WorkflowTaskFinishEventId ${finishEventId} is not the id of a WorkflowTaskCompleted, WorkflowTaskFailed or WorkflowTaskTimedOut event of this run.`,
      );
    }
    return startedEventId;
  }

  /** Activities and timers the prefix left open run on in the new run. */
  private carryOn(run: WorkflowRun, pending: HistoryEvent[]): void {
    for (const event of pending) {
      const id = Number(event.eventId);
      const timer = event.timerStartedEventAttributes;
      if (timer) {
        const fireAt = (timestampMs(event.eventTime) ?? 0) + durationMs(timer.startToFireTimeout);
        this.engine.timers.arm(run, timer.timerId ?? '', id, fireAt);
      }
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) {
        // The new run dispatches it again from attempt 1.
        const activity = this.engine.activityAttempts.track(
          run,
          id,
          activityOptions(scheduled, {
            taskQueue: run.config.taskQueue,
            runTimeoutMs: run.config.workflowRunTimeoutMs,
          }),
        );
        this.engine.activityAttempts.dispatch(run, activity);
        const cancel = run.events
          .filter((e) => Number(e.activityTaskCancelRequestedEventAttributes?.scheduledEventId) === id)
          .pop();
        if (cancel) activity.cancelRequestedEventId = Number(cancel.eventId);
      }
    }
  }

  /** Running children of `base` (by initiated event id) become children of `run`. */
  private moveRunningChildren(base: WorkflowRun, run: WorkflowRun, initiatedEventIds: number[]): void {
    for (const id of initiatedEventIds) {
      const child = base.children.get(id);
      if (!child) continue;
      base.children.delete(id);
      run.children.set(id, child);
      for (const childRun of this.engine.runs.all()) {
        const link = childRun.config.parent;
        if (link?.runId === base.runId && link.initiatedEventId === id) link.runId = run.runId;
      }
    }
  }

  private signalsToReapply(
    base: WorkflowRun,
    startedEventId: number,
    request: temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest,
  ): temporal.api.history.v1.IWorkflowExecutionSignaledEventAttributes[] {
    const excluded =
      request.resetReapplyType === ResetReapplyType.RESET_REAPPLY_TYPE_NONE ||
      (request.resetReapplyExcludeTypes ?? []).includes(ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL);
    if (excluded) return [];
    return base.events
      .slice(startedEventId)
      .flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes] : []));
  }
}

/** Opening events (activity, timer, child, external request) with no closing event in `events`. */
function openAt(events: HistoryEvent[]): HistoryEvent[] {
  const open = new Map<number, HistoryEvent>();
  for (const event of events) {
    if (
      event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED ||
      event.eventType === EventType.EVENT_TYPE_TIMER_STARTED ||
      CHILD_OPENING_EVENTS.has(event.eventType ?? 0)
    ) {
      open.set(Number(event.eventId), event);
    }
    for (const closed of closedEventIds(event)) open.delete(closed);
  }
  return [...open.values()];
}

function lastCompletedTaskStartedId(prefix: HistoryEvent[]): number {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const completed = prefix[i].workflowTaskCompletedEventAttributes;
    if (completed) return Number(completed.startedEventId);
  }
  return 0;
}

/** The initiated event id a child workflow event refers to (0 for other events). */
function childInitiatedId(event: HistoryEvent): number {
  const a =
    event.childWorkflowExecutionStartedEventAttributes ??
    event.childWorkflowExecutionCompletedEventAttributes ??
    event.childWorkflowExecutionFailedEventAttributes ??
    event.childWorkflowExecutionCanceledEventAttributes ??
    event.childWorkflowExecutionTimedOutEventAttributes ??
    event.childWorkflowExecutionTerminatedEventAttributes ??
    event.startChildWorkflowExecutionFailedEventAttributes;
  return a ? Number(a.initiatedEventId) : 0;
}

/** Ids of the opening events an event closes (its `scheduled`/`started`/`initiated` ids). */
function closedEventIds(event: HistoryEvent): number[] {
  const closers = [
    event.activityTaskCompletedEventAttributes,
    event.activityTaskFailedEventAttributes,
    event.activityTaskTimedOutEventAttributes,
    event.activityTaskCanceledEventAttributes,
  ];
  const ids: number[] = closers.flatMap((a) => (a ? [Number(a.scheduledEventId)] : []));
  const timer = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
  if (timer) ids.push(Number(timer.startedEventId));
  const child =
    event.childWorkflowExecutionCompletedEventAttributes ??
    event.childWorkflowExecutionFailedEventAttributes ??
    event.childWorkflowExecutionCanceledEventAttributes ??
    event.childWorkflowExecutionTimedOutEventAttributes ??
    event.childWorkflowExecutionTerminatedEventAttributes ??
    event.startChildWorkflowExecutionFailedEventAttributes ??
    event.externalWorkflowExecutionSignaledEventAttributes ??
    event.signalExternalWorkflowExecutionFailedEventAttributes ??
    event.externalWorkflowExecutionCancelRequestedEventAttributes ??
    event.requestCancelExternalWorkflowExecutionFailedEventAttributes;
  if (child) ids.push(Number(child.initiatedEventId));
  return ids;
}
