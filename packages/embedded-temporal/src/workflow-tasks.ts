/**
 * Workflow tasks, in the order a task lives: scheduling, handing out (on the run's sticky queue
 * with partial history, or on the normal queue with full history), completion (the ordering
 * rules here; each command's checks and effects in commands/), failure, and the timeouts. The
 * task's states are in state/workflow-task.ts, sticky bindings in sticky-queues.ts, what makes a
 * task speculative (no events unless it is kept) in speculative-tasks.ts.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { ClockLock } from './clock';
import type { CommandRegistry } from './commands';
import type { Effects } from './effects';
import { enums } from './enums';
import { invalidArgument, notFound } from './errors';
import type { PollContext } from './matching';
import { i64 } from './proto';
import type { Queries } from './queries';
import type { RunLifecycle } from './run-lifecycle';
import { recordBuildId } from './search-attribute-values';
import { moveWorkflowTask, newWorkflowTask, type WorkflowTaskState } from './state/workflow-task';
import type { WorkflowRun } from './state/workflow-run';
import { canScheduleSpeculative, dropsSpeculativeTask } from './speculative-tasks';
import { currentTaskQueue, stickyBindingOf, StickyQueues, type StickyBinding } from './sticky-queues';
import { encodeTaskToken, type TaskToken } from './task-token';
import { duration, timestamp } from './time';
import type { ActivityTaskResponse, Failure, ProtocolMessage, WorkflowTaskResponse } from './types';
import type { Updates } from './updates';
import { completionBuildId, pollerVersionStamp } from './worker-versions';

const { EventType, WorkflowTaskFailedCause, TaskQueueKind, TimeoutType, SuggestContinueAsNewReason } = enums;
type PollResponse = WorkflowTaskResponse;

const SUGGEST_CAN_HISTORY_EVENTS = 4096;
const SUGGEST_CAN_HISTORY_BYTES = 4 * 1024 * 1024;

/** The identity the server writes on events it causes itself (a termination for an oversized input). */
const SERVICE_IDENTITY = 'history-service';

/** A cause as the server's Go enums print it: WORKFLOW_TASK_FAILED_CAUSE_BAD_X → BadX. */
function causeName(cause: temporal.api.enums.v1.WorkflowTaskFailedCause): string {
  const name = String(WorkflowTaskFailedCause[cause] ?? cause).replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '');
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase());
}

export class WorkflowTasks {
  private readonly sticky: StickyQueues;

  constructor(
    private readonly effects: Effects,
    private readonly queries: Queries,
    private readonly updates: Updates,
    private readonly commands: CommandRegistry,
    private readonly lifecycle: RunLifecycle,
  ) {
    this.sticky = new StickyQueues(effects.matching);
    effects.onRunClosed((run) => this.dropRun(run));
  }

  /** Schedules a workflow task unless one is pending, the run is closed or still in backoff. */
  schedule(run: WorkflowRun, dispatch = true): void {
    this.scheduleTask(run, dispatch, false);
  }

  /**
   * Schedules a task for updates alone: speculative (no events until it is kept) when the run has
   * completed a task before and nothing else waits for the workflow; otherwise a normal task.
   */
  scheduleForUpdates(run: WorkflowRun): void {
    this.scheduleTask(run, true, canScheduleSpeculative(run));
  }

  private scheduleTask(run: WorkflowRun, dispatch: boolean, speculative: boolean): void {
    if (!run.isOpen || run.workflowTask || run.firstTaskBackoff) return;
    const attempt = run.workflowTaskFailures + 1;
    const attributes = {
      workflowTaskScheduledEventAttributes: {
        taskQueue: currentTaskQueue(run),
        startToCloseTimeout: duration(run.config.workflowTaskTimeoutMs),
        attempt,
      },
    };
    const scheduledEventId = speculative
      ? run.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, attributes)
      : run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, attributes);
    const task = newWorkflowTask({
      scheduledEventId,
      attempt,
      scheduledTime: this.effects.clock.now(),
      lock: new ClockLock(this.effects.clock),
    });
    task.lock.hold();
    run.workflowTask = task;
    if (dispatch) this.dispatch(run, task);
  }

  /** Puts a task scheduled without dispatch on its queue (no-op once it was dispatched or taken). */
  dispatchHeld(run: WorkflowRun): void {
    const task = run.workflowTask;
    if (task?.state === 'scheduled' && task.dispatchSeq === 0) this.dispatch(run, task);
  }

  /**
   * Puts a scheduled task on the sticky queue of the worker that has the run cached (partial
   * history), or on the normal queue (full history). A sticky task not taken within the sticky
   * schedule-to-start timeout times out (see stickyTimedOut).
   */
  private dispatch(run: WorkflowRun, task: WorkflowTaskState): void {
    const seq = ++task.dispatchSeq;
    task.stickyFallback?.cancel();
    task.stickyFallback = undefined;
    const sticky = run.sticky;
    if (sticky) {
      this.effects.matching
        .workflowQueue(run.namespace.name, sticky.queue)
        .add({ claim: (ctx) => (task.dispatchSeq === seq ? this.start(run, task, ctx, true) : undefined) });
      task.stickyFallback = this.effects.clock.schedule(this.effects.clock.now() + sticky.scheduleToStartMs, () => {
        if (run.workflowTask !== task || task.state !== 'scheduled' || task.dispatchSeq !== seq) return;
        this.stickyTimedOut(run, task);
      });
      return;
    }
    this.effects.matching
      .workflowQueue(run.namespace.name, run.config.taskQueue)
      .add({ claim: (ctx) => (task.dispatchSeq === seq ? this.start(run, task, ctx, false) : undefined) });
  }

  /**
   * The sticky worker did not take the task in time: as on the server, WorkflowTaskTimedOut
   * (SCHEDULE_TO_START), the run is unbound, and a new task goes to the normal queue (same
   * attempt: a sticky timeout is not the workflow's failure).
   */
  private stickyTimedOut(run: WorkflowRun, task: WorkflowTaskState): void {
    run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
      workflowTaskTimedOutEventAttributes: {
        scheduledEventId: i64(task.scheduledEventId),
        timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
      },
    });
    moveWorkflowTask(task, 'timedOut');
    this.setSticky(run, undefined);
    run.workflowTask = undefined;
    this.schedule(run);
    task.lock.release();
  }

  /** Binds a run to a sticky queue, or unbinds it. */
  setSticky(run: WorkflowRun, sticky: StickyBinding | undefined): void {
    this.sticky.bind(run, sticky);
  }

  /**
   * A worker shut down: its runs go back to the normal queue. A task already scheduled on its
   * sticky queue moves there with no new event, as the server's matching does when the sticky
   * worker is unavailable.
   */
  stickyQueueGone(queue: string): void {
    for (const run of this.sticky.release(queue)) this.resetSticky(run);
  }

  resetSticky(run: WorkflowRun): void {
    if (!run.sticky) return;
    this.setSticky(run, undefined);
    const task = run.workflowTask;
    if (task?.state === 'scheduled') this.dispatch(run, task);
  }

  /** Starts the run's scheduled task for the caller of an eager start (its queue entry goes stale). */
  startEagerly(run: WorkflowRun, identity: string): PollResponse | undefined {
    const task = run.workflowTask;
    if (!task || task.state !== 'scheduled') return undefined;
    task.dispatchSeq++;
    const response = this.start(
      run,
      task,
      { identity, answerBy: 0, isCancelled: () => false, onCancel: () => undefined },
      false,
    );
    if (!response) this.dispatch(run, task);
    return response;
  }

  /** Hands a scheduled task to a poller: records WorkflowTaskStarted and arms the timeout. */
  private start(
    run: WorkflowRun,
    task: WorkflowTaskState,
    ctx: PollContext,
    partialHistory: boolean,
  ): PollResponse | undefined {
    if (!run.isOpen || run.workflowTask !== task || task.state !== 'scheduled') return undefined;
    task.stickyFallback?.cancel();
    task.stickyFallback = undefined;
    // Queries and updates that arrived while scheduled ride along with this task.
    task.queryIds.push(...this.queries.takeForTask(run));
    task.updateIds.push(...this.updates.takeForTask(run));
    const historySize = run.historySizeBytes();
    // The server's default thresholds for suggesting continue-as-new.
    const suggestions: temporal.api.enums.v1.SuggestContinueAsNewReason[] = [];
    if (historySize >= SUGGEST_CAN_HISTORY_BYTES) {
      suggestions.push(SuggestContinueAsNewReason.SUGGEST_CONTINUE_AS_NEW_REASON_HISTORY_SIZE_TOO_LARGE);
    }
    if (run.events.length >= SUGGEST_CAN_HISTORY_EVENTS) {
      suggestions.push(SuggestContinueAsNewReason.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS);
    }
    const startedAttributes = {
      workflowTaskStartedEventAttributes: {
        scheduledEventId: i64(task.scheduledEventId),
        identity: ctx.identity,
        requestId: randomUUID(),
        historySizeBytes: i64(historySize),
        suggestContinueAsNew: suggestions.length > 0,
        suggestContinueAsNewReasons: suggestions,
        workerVersion: ctx.workerVersion ?? null,
      },
    };
    // Still speculative (nothing was written since it was scheduled): the started event is reserved too.
    task.startedEventId = run.hasReserved
      ? run.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, startedAttributes)
      : run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, startedAttributes);
    moveWorkflowTask(task, 'started');
    task.startedTime = this.effects.clock.now();
    task.timeout = this.effects.clock.schedule(task.startedTime + run.config.workflowTaskTimeoutMs, () =>
      this.timedOut(run, task),
    );
    const token: TaskToken = {
      kind: 'workflow',
      namespace: run.namespace.name,
      workflowId: run.workflowId,
      runId: run.runId,
      scheduledEventId: task.scheduledEventId,
      attempt: task.attempt,
    };
    return {
      taskToken: encodeTaskToken(token),
      workflowExecution: run.execution,
      workflowType: { name: run.config.workflowType },
      previousStartedEventId: i64(run.previousStartedEventId),
      startedEventId: i64(task.startedEventId),
      attempt: task.attempt,
      backlogCountHint: i64(0),
      // A sticky worker has the run cached: it gets the events since its last completed task.
      history: { events: [...run.events.slice(partialHistory ? run.previousStartedEventId : 0), ...run.reserved] },
      workflowExecutionTaskQueue: { name: run.config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      scheduledTime: timestamp(task.scheduledTime),
      startedTime: timestamp(task.startedTime),
      queries: this.queries.queriesFor(task.queryIds),
      messages: this.updates.messagesFor(run, task.updateIds, task.startedEventId),
    };
  }

  /** The started task a token names, or NOT_FOUND. */
  private startedTask(token: TaskToken): { run: WorkflowRun; task: WorkflowTaskState } {
    if (token.kind !== 'workflow') throw notFound('Task token is not a workflow task token');
    const run = this.effects.runs.get(token.runId);
    const task = run?.workflowTask;
    if (
      !run ||
      !run.isOpen ||
      !task ||
      task.state !== 'started' ||
      task.scheduledEventId !== token.scheduledEventId ||
      task.attempt !== token.attempt
    ) {
      throw notFound('Workflow task not found.');
    }
    return { run, task };
  }

  complete(
    request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
    token: TaskToken,
  ): temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse {
    const { run, task } = this.startedTask(token);
    const commands = request.commands ?? [];
    const messages = request.messages ?? [];
    const identity = request.identity ?? '';

    this.queries.answerFromTask(task.queryIds, request.queryResults ?? {});

    const closingAt = commands.findIndex((c) => this.commands.closesRun(c));
    if (closingAt >= 0 && closingAt !== commands.length - 1) {
      this.fail(run, task, WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES, {
        message: 'A workflow-closing command must be the last command',
      });
      throw invalidArgument('A workflow-closing command must be the last command');
    }
    // New input arrived while the task ran: the workflow must see it before it may close.
    if (closingAt >= 0 && (run.buffered.length > 0 || run.pendingUpdateIds.length > 0)) {
      this.fail(run, task, WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, {
        message: 'UnhandledCommand',
      });
      throw invalidArgument('UnhandledCommand');
    }

    const problem = this.commands.validate(run, commands, messages);
    if (problem?.terminate) {
      // The server's wording: `<Cause>: <message>`, in the failed task and as the termination reason.
      const reason = `${causeName(problem.cause)}: ${problem.message}`;
      this.fail(run, task, problem.cause, { message: reason }, identity, false);
      this.lifecycle.terminateRun(run, reason, null, SERVICE_IDENTITY);
      throw invalidArgument(reason);
    }
    if (problem) {
      this.fail(run, task, problem.cause, { message: problem.message }, identity);
      throw invalidArgument(problem.message);
    }

    const stickyBinding = stickyBindingOf(request.stickyAttributes);
    if (dropsSpeculativeTask(run, request)) return this.dropSpeculative(run, task, messages, identity, stickyBinding);

    const buildId = completionBuildId(request);
    const completedEventId = run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, {
      workflowTaskCompletedEventAttributes: {
        scheduledEventId: i64(task.scheduledEventId),
        startedEventId: i64(task.startedEventId),
        identity,
        // Core reads the build id back from here (workflowInfo().currentBuildId on replay).
        workerVersion: buildId ? { buildId, useVersioning: request.workerVersionStamp?.useVersioning ?? false } : null,
        sdkMetadata: request.sdkMetadata ?? null,
        meteringMetadata: request.meteringMetadata ?? null,
        deployment: request.deployment ?? null,
      },
    });
    task.timeout?.cancel();
    this.setSticky(run, stickyBinding);
    recordBuildId(run, buildId);
    run.addAutoResetPoint(buildId, completedEventId, run.children.size === 0);
    run.previousStartedEventId = task.startedEventId;
    run.workflowTaskFailures = 0;

    const eagerActivities: ActivityTaskResponse[] = [];
    let needsTask = request.forceCreateNewWorkflowTask === true;
    try {
      needsTask =
        this.commands.apply(run, commands, messages, { completedEventId, identity, eagerActivities }) || needsTask;
    } finally {
      // Only now: until the commands are applied, events from outside are held for after them.
      moveWorkflowTask(task, 'completed');
      this.updates.afterTask(run, task.updateIds);
      if (run.isOpen) {
        const hadBuffered = run.flushBuffered();
        run.workflowTask = undefined;
        if (hadBuffered || needsTask) this.schedule(run);
        else if (run.pendingUpdateIds.length > 0) this.scheduleForUpdates(run);
      }
      task.lock.release();
      this.queries.afterTask(run);
    }
    return { activityTasks: eagerActivities };
  }

  /** Completes a speculative task without writing it: its updates are rejected, nothing else changed. */
  private dropSpeculative(
    run: WorkflowRun,
    task: WorkflowTaskState,
    messages: ProtocolMessage[],
    identity: string,
    stickyBinding: StickyBinding | undefined,
  ): temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse {
    run.dropReserved();
    task.timeout?.cancel();
    this.setSticky(run, stickyBinding);
    run.workflowTaskFailures = 0;
    try {
      this.commands.apply(run, [], messages, { completedEventId: 0, identity, eagerActivities: [] });
    } finally {
      moveWorkflowTask(task, 'completed');
      this.updates.afterTask(run, task.updateIds);
      const hadBuffered = run.flushBuffered();
      run.workflowTask = undefined;
      if (hadBuffered) this.schedule(run);
      else if (run.pendingUpdateIds.length > 0) this.scheduleForUpdates(run);
      task.lock.release();
      this.queries.afterTask(run);
    }
    // Where the worker rolls its history back to: after the last task that was written.
    return { resetHistoryEventId: i64(run.previousStartedEventId) };
  }

  failed(request: temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest, token: TaskToken): object {
    const { run, task } = this.startedTask(token);
    this.fail(
      run,
      task,
      request.cause ?? WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED,
      request.failure ?? null,
      request.identity ?? '',
    );
    return {};
  }

  /** Records a failed attempt, writes the held events and (unless the run is closing) schedules the next attempt. */
  fail(
    run: WorkflowRun,
    task: WorkflowTaskState,
    cause: temporal.api.enums.v1.WorkflowTaskFailedCause,
    failure: Failure | null,
    identity = '',
    reschedule = true,
  ): void {
    run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      workflowTaskFailedEventAttributes: {
        scheduledEventId: i64(task.scheduledEventId),
        startedEventId: i64(task.startedEventId),
        cause,
        failure,
        identity,
      },
    });
    moveWorkflowTask(task, 'failed');
    // An unhandled command is not the worker's fault: the next attempt starts afresh.
    this.retry(run, task, cause !== WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, reschedule);
  }

  private timedOut(run: WorkflowRun, task: WorkflowTaskState): void {
    if (!run.isOpen || run.workflowTask !== task || task.state !== 'started') return;
    run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
      workflowTaskTimedOutEventAttributes: {
        scheduledEventId: i64(task.scheduledEventId),
        startedEventId: i64(task.startedEventId),
        timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
      },
    });
    moveWorkflowTask(task, 'timedOut');
    this.retry(run, task);
  }

  private retry(run: WorkflowRun, task: WorkflowTaskState, countAttempt = true, reschedule = true): void {
    task.timeout?.cancel();
    // The worker dropped the run from its cache when the task failed: back to full histories.
    this.setSticky(run, undefined);
    if (countAttempt) run.workflowTaskFailures++;
    run.flushBuffered();
    run.workflowTask = undefined;
    this.queries.requeue(run, task.queryIds);
    this.updates.requeue(run, task.updateIds);
    if (reschedule) this.schedule(run);
    task.lock.release();
    this.queries.afterTask(run);
  }

  private dropRun(run: WorkflowRun): void {
    this.setSticky(run, undefined);
    const task = run.workflowTask;
    if (!task) return;
    task.timeout?.cancel();
    task.stickyFallback?.cancel();
    task.lock.release();
    // Queries delivered with a task that will never complete are answered by a legacy query task.
    this.queries.requeue(run, task.queryIds);
    run.workflowTask = undefined;
    run.buffered = [];
  }

  /** PollWorkflowTaskQueue, on a normal or a sticky queue (legacy query tasks come through here too). */
  async poll(
    request: temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest,
    ctx: PollContext,
  ): Promise<PollResponse> {
    const ns = this.effects.namespace(request.namespace);
    const name = request.taskQueue?.name ?? '';
    if (!name) throw invalidArgument('Task queue name is required');
    const response = await this.effects.matching
      .workflowQueue(ns.name, name)
      .poll({ ...ctx, workerVersion: pollerVersionStamp(request) });
    return response ?? {};
  }
}
