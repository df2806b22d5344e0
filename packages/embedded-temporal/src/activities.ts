/**
 * Activities: dispatch, the four timeouts, heartbeats, server-side retries by the activity's
 * RetryPolicy, cancellation and completion (by task token or by activity id).
 *
 * `ActivityTaskStarted` is written late, right before the terminal event of the last attempt,
 * as the server does for activities with a retry policy.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import { ClockLock, type Scheduled } from './clock';
import type { Engine } from './engine';
import { invalidArgument, notFound } from './errors';
import type { PollContext } from './matching';
import { i64 } from './proto';
import { encodeTaskToken, type TaskToken } from './task-token';
import { duration, durationMs, timestamp } from './time';
import type { Failure, Header, Payloads, RetryPolicy } from './types';
import type { WorkflowRun } from './workflow-run';

const { EventType, TimeoutType, RetryState, TaskQueueKind } = enums;
type TimeoutType = temporal.api.enums.v1.TimeoutType;
type RetryState = temporal.api.enums.v1.RetryState;
/** As the server spells them in timeout failure messages. */
const TIMEOUT_NAMES: Partial<Record<TimeoutType, string>> = {
  [TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE]: 'StartToClose',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'ScheduleToStart',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
  [TimeoutType.TIMEOUT_TYPE_HEARTBEAT]: 'Heartbeat',
};
export type ActivityTaskResponse = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;

interface NormalizedRetry {
  initialMs: number;
  coefficient: number;
  maximumMs: number;
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface PendingActivity {
  run: WorkflowRun;
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Header | null;
  priority?: temporal.api.common.v1.IPriority | null;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retryPolicy: RetryPolicy;
  retry: NormalizedRetry;
  attempt: number;
  /** `paused`: an operator paused it between attempts; no attempt runs until it is unpaused. */
  state: 'scheduled' | 'started' | 'backoff' | 'paused';
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime: number;
  identity: string;
  heartbeatDetails?: Payloads | null;
  lastHeartbeatTime: number;
  lastFailure?: Failure | null;
  cancelRequested: boolean;
  latestCancelRequestedEventId: number;
  /** Set by PauseActivity: a started attempt is told so by heartbeats, and no retry is dispatched. */
  pause?: { time: number; identity: string; reason: string };
  /** ResetActivity on a started attempt: applied when that attempt ends. */
  pendingReset?: { resetHeartbeat: boolean; keepPaused: boolean };
  /** A heartbeat told the started attempt it is paused or reset: its cancellation is retried. */
  interrupted: boolean;
  /** Number of started attempts (in the task token: attempt numbers repeat after a reset). */
  stamp: number;
  /** Timers of the current attempt (schedule-to-start, start-to-close, heartbeat, backoff). */
  attemptTimers: Scheduled[];
  scheduleToCloseTimer?: Scheduled;
  lock: ClockLock;
}

export class Activities {
  constructor(private readonly engine: Engine) {}

  schedule(
    run: WorkflowRun,
    a: temporal.api.command.v1.IScheduleActivityTaskCommandAttributes,
    completedEventId: number,
    eagerFor?: { identity: string },
  ): ActivityTaskResponse | undefined {
    if (!a.activityId) throw invalidArgument('ActivityId is not set on command.');
    if (!a.activityType?.name) throw invalidArgument('ActivityType is not set on command.');
    const taskQueue = a.taskQueue?.name || run.config.taskQueue;
    let scheduleToCloseMs = durationMs(a.scheduleToCloseTimeout);
    let startToCloseMs = durationMs(a.startToCloseTimeout);
    let scheduleToStartMs = durationMs(a.scheduleToStartTimeout);
    const heartbeatMs = durationMs(a.heartbeatTimeout);
    const runTimeoutMs = run.config.workflowRunTimeoutMs;
    if (scheduleToCloseMs === 0 && startToCloseMs === 0) {
      throw invalidArgument('A valid StartToClose or ScheduleToCloseTimeout is not set on command.');
    }
    if (scheduleToCloseMs === 0) scheduleToCloseMs = runTimeoutMs;
    if (runTimeoutMs > 0 && scheduleToCloseMs > runTimeoutMs) scheduleToCloseMs = runTimeoutMs;
    if (startToCloseMs === 0) startToCloseMs = scheduleToCloseMs;
    if (scheduleToCloseMs > 0 && startToCloseMs > scheduleToCloseMs) startToCloseMs = scheduleToCloseMs;
    if (scheduleToStartMs === 0 || (scheduleToCloseMs > 0 && scheduleToStartMs > scheduleToCloseMs)) {
      scheduleToStartMs = scheduleToCloseMs;
    }
    const retryPolicy = normalizeRetryPolicy(a.retryPolicy);
    const scheduledEventId = run.append(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
      activityTaskScheduledEventAttributes: {
        activityId: a.activityId,
        activityType: a.activityType,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        header: a.header ?? null,
        input: a.input ?? null,
        scheduleToCloseTimeout: duration(scheduleToCloseMs),
        scheduleToStartTimeout: duration(scheduleToStartMs),
        startToCloseTimeout: duration(startToCloseMs),
        heartbeatTimeout: duration(heartbeatMs),
        workflowTaskCompletedEventId: i64(completedEventId),
        retryPolicy,
        useWorkflowBuildId: a.useWorkflowBuildId ?? false,
        priority: a.priority ?? null,
      },
    });
    const activity = this.track(run, scheduledEventId, {
      activityId: a.activityId,
      activityType: a.activityType.name,
      taskQueue,
      input: a.input,
      header: a.header,
      priority: a.priority,
      scheduleToCloseMs,
      scheduleToStartMs,
      startToCloseMs,
      heartbeatMs,
      retryPolicy,
    });
    if (eagerFor && a.requestEagerExecution && this.canDispatchEagerly(run, taskQueue)) {
      // Handed straight back in the workflow task completion's response: saves a poll round trip.
      activity.lock.hold();
      return this.start(activity, 1, {
        identity: eagerFor.identity,
        answerBy: 0,
        isCancelled: () => false,
        onCancel: () => undefined,
      });
    }
    this.dispatch(activity);
    return undefined;
  }

  /**
   * Carries on an activity that a reset run's history prefix left scheduled (the new run
   * dispatches it again from attempt 1).
   */
  restore(
    run: WorkflowRun,
    scheduledEventId: number,
    a: temporal.api.history.v1.IActivityTaskScheduledEventAttributes,
  ): PendingActivity {
    const activity = this.track(run, scheduledEventId, {
      activityId: a.activityId ?? '',
      activityType: a.activityType?.name ?? '',
      taskQueue: a.taskQueue?.name || run.config.taskQueue,
      input: a.input,
      header: a.header,
      priority: a.priority,
      scheduleToCloseMs: durationMs(a.scheduleToCloseTimeout),
      scheduleToStartMs: durationMs(a.scheduleToStartTimeout),
      startToCloseMs: durationMs(a.startToCloseTimeout),
      heartbeatMs: durationMs(a.heartbeatTimeout),
      retryPolicy: normalizeRetryPolicy(a.retryPolicy),
    });
    this.dispatch(activity);
    return activity;
  }

  /** Starts tracking a scheduled activity (its schedule-to-close deadline runs from now). */
  private track(
    run: WorkflowRun,
    scheduledEventId: number,
    options: Pick<
      PendingActivity,
      | 'activityId'
      | 'activityType'
      | 'taskQueue'
      | 'input'
      | 'header'
      | 'priority'
      | 'scheduleToCloseMs'
      | 'scheduleToStartMs'
      | 'startToCloseMs'
      | 'heartbeatMs'
      | 'retryPolicy'
    >,
  ): PendingActivity {
    const { retryPolicy, scheduleToCloseMs } = options;
    const now = this.engine.clock.now();
    const activity: PendingActivity = {
      run,
      scheduledEventId,
      ...options,
      retry: {
        initialMs: durationMs(retryPolicy.initialInterval),
        coefficient: retryPolicy.backoffCoefficient ?? 2,
        maximumMs: durationMs(retryPolicy.maximumInterval),
        maximumAttempts: retryPolicy.maximumAttempts ?? 0,
        nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes ?? [],
      },
      attempt: 1,
      state: 'scheduled',
      scheduledTime: now,
      currentAttemptScheduledTime: now,
      startedTime: 0,
      identity: '',
      lastHeartbeatTime: 0,
      cancelRequested: false,
      latestCancelRequestedEventId: 0,
      interrupted: false,
      stamp: 0,
      attemptTimers: [],
      lock: new ClockLock(this.engine.clock),
    };
    run.activities.set(scheduledEventId, activity);
    if (scheduleToCloseMs > 0) {
      activity.scheduleToCloseTimer = this.engine.clock.schedule(now + scheduleToCloseMs, () =>
        this.timedOut(activity, activity.attempt, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE),
      );
    }
    return activity;
  }

  /** Eager dispatch only to the workflow's own queue, and never around a task queue rate limit. */
  private canDispatchEagerly(run: WorkflowRun, taskQueue: string): boolean {
    if (taskQueue !== run.config.taskQueue) return false;
    return this.engine.matching.activityQueue(run.namespace.name, taskQueue).maxTasksPerSecond <= 0;
  }

  private dispatch(activity: PendingActivity): void {
    activity.lock.hold();
    activity.state = 'scheduled';
    activity.currentAttemptScheduledTime = this.engine.clock.now();
    const attempt = activity.attempt;
    if (activity.scheduleToStartMs > 0) {
      activity.attemptTimers.push(
        this.engine.clock.schedule(activity.currentAttemptScheduledTime + activity.scheduleToStartMs, () =>
          this.timedOut(activity, attempt, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START),
        ),
      );
    }
    this.engine.matching
      .activityQueue(activity.run.namespace.name, activity.taskQueue)
      .add({ claim: (ctx) => this.start(activity, attempt, ctx) });
  }

  private start(activity: PendingActivity, attempt: number, ctx: PollContext): ActivityTaskResponse | undefined {
    const { run } = activity;
    if (!run.isOpen || activity.state !== 'scheduled' || activity.attempt !== attempt) return undefined;
    if (run.activities.get(activity.scheduledEventId) !== activity) return undefined;
    this.clearAttemptTimers(activity);
    const now = this.engine.clock.now();
    activity.state = 'started';
    activity.interrupted = false;
    activity.stamp++;
    activity.startedTime = now;
    activity.identity = ctx.identity;
    activity.lastHeartbeatTime = now;
    activity.attemptTimers.push(
      this.engine.clock.schedule(now + activity.startToCloseMs, () =>
        this.timedOut(activity, attempt, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE),
      ),
    );
    this.armHeartbeatTimeout(activity);
    return {
      taskToken: encodeTaskToken({
        kind: 'activity',
        namespace: run.namespace.name,
        workflowId: run.workflowId,
        runId: run.runId,
        scheduledEventId: activity.scheduledEventId,
        attempt,
        stamp: activity.stamp,
      }),
      workflowNamespace: run.namespace.name,
      workflowType: { name: run.config.workflowType },
      workflowExecution: run.execution,
      activityType: { name: activity.activityType },
      activityId: activity.activityId,
      header: activity.header ?? null,
      input: activity.input ?? null,
      heartbeatDetails: activity.heartbeatDetails ?? null,
      scheduledTime: timestamp(activity.scheduledTime),
      currentAttemptScheduledTime: timestamp(activity.currentAttemptScheduledTime),
      startedTime: timestamp(now),
      attempt,
      scheduleToCloseTimeout: duration(activity.scheduleToCloseMs),
      startToCloseTimeout: duration(activity.startToCloseMs),
      heartbeatTimeout: duration(activity.heartbeatMs),
      retryPolicy: activity.retryPolicy,
      priority: activity.priority ?? null,
    };
  }

  private armHeartbeatTimeout(activity: PendingActivity): void {
    if (activity.heartbeatMs <= 0) return;
    const attempt = activity.attempt;
    const at = activity.lastHeartbeatTime + activity.heartbeatMs;
    activity.attemptTimers.push(
      this.engine.clock.schedule(at, () => {
        if (activity.attempt !== attempt || activity.state !== 'started') return;
        // A later heartbeat moved the deadline: re-arm instead of timing out.
        if (activity.lastHeartbeatTime + activity.heartbeatMs > this.engine.clock.now()) {
          this.armHeartbeatTimeout(activity);
          return;
        }
        this.timedOut(activity, attempt, TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
      }),
    );
  }

  private clearAttemptTimers(activity: PendingActivity): void {
    for (const timer of activity.attemptTimers) timer.cancel();
    activity.attemptTimers = [];
  }

  /** The started attempt a token (or an activity id) names, or NOT_FOUND. */
  private byToken(token: TaskToken): PendingActivity {
    if (token.kind !== 'activity') throw notFound('Task token is not an activity task token');
    const activity = this.engine.runs.get(token.runId)?.activities.get(token.scheduledEventId);
    if (
      !activity ||
      activity.attempt !== token.attempt ||
      activity.state !== 'started' ||
      activity.stamp !== token.stamp
    ) {
      throw notFound('Activity task not found.');
    }
    return activity;
  }

  private byId(namespace: string | null | undefined, workflowId: string, runId: string, activityId: string) {
    const run = this.engine.findRun(namespace, { workflowId, runId });
    for (const activity of run.activities.values()) {
      if (activity.activityId === activityId && activity.state === 'started') return activity;
    }
    throw notFound('Activity task not found.');
  }

  heartbeat(request: temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatRequest, token: TaskToken) {
    return this.recordHeartbeat(this.byToken(token), request.details);
  }

  heartbeatById(request: temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatByIdRequest) {
    const activity = this.byId(
      request.namespace,
      request.workflowId ?? '',
      request.runId ?? '',
      request.activityId ?? '',
    );
    return this.recordHeartbeat(activity, request.details);
  }

  private recordHeartbeat(activity: PendingActivity, details: Payloads | null | undefined) {
    if (details) activity.heartbeatDetails = details;
    activity.lastHeartbeatTime = this.engine.clock.now();
    const activityPaused = activity.pause !== undefined;
    const activityReset = activity.pendingReset !== undefined;
    // Core then cancels the attempt (reason PAUSED or RESET); the cancellation is retried.
    if (activityPaused || activityReset) activity.interrupted = true;
    return { cancelRequested: activity.cancelRequested, activityPaused, activityReset };
  }

  completed(request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedRequest, token: TaskToken): object {
    this.complete(this.byToken(token), request.result, request.identity);
    return {};
  }

  completedById(request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedByIdRequest): object {
    const activity = this.byId(
      request.namespace,
      request.workflowId ?? '',
      request.runId ?? '',
      request.activityId ?? '',
    );
    this.complete(activity, request.result, request.identity);
    return {};
  }

  failedTask(request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedRequest, token: TaskToken): object {
    const activity = this.byToken(token);
    if (request.lastHeartbeatDetails) activity.heartbeatDetails = request.lastHeartbeatDetails;
    this.fail(activity, request.failure ?? { message: 'activity failed' }, request.identity ?? '');
    return { failures: [] };
  }

  failedById(request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedByIdRequest): object {
    const activity = this.byId(
      request.namespace,
      request.workflowId ?? '',
      request.runId ?? '',
      request.activityId ?? '',
    );
    if (request.lastHeartbeatDetails) activity.heartbeatDetails = request.lastHeartbeatDetails;
    this.fail(activity, request.failure ?? { message: 'activity failed' }, request.identity ?? '');
    return { failures: [] };
  }

  canceledTask(request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledRequest, token: TaskToken): object {
    this.canceledOrInterrupted(this.byToken(token), request.details, request.identity ?? '');
    return {};
  }

  canceledById(request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledByIdRequest): object {
    const activity = this.byId(
      request.namespace,
      request.workflowId ?? '',
      request.runId ?? '',
      request.activityId ?? '',
    );
    this.canceledOrInterrupted(activity, request.details, request.identity ?? '');
    return {};
  }

  /**
   * A worker cancels an attempt that was paused or reset (not cancelled by the workflow): that
   * ends the attempt, and the activity goes on (retried, or waiting for unpause).
   */
  private canceledOrInterrupted(activity: PendingActivity, details: Payloads | null | undefined, identity: string) {
    if (activity.cancelRequested || !activity.interrupted) {
      this.canceled(activity, details, identity);
      return;
    }
    const reason = activity.pendingReset ? 'reset' : 'paused';
    this.fail(
      activity,
      { message: `activity ${reason}`, source: 'Server', canceledFailureInfo: { details } },
      identity,
    );
  }

  private complete(activity: PendingActivity, result: Payloads | null | undefined, identity?: string | null): void {
    this.finish(activity, (startedEventId) => ({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      attributes: {
        activityTaskCompletedEventAttributes: {
          result: result ?? null,
          scheduledEventId: i64(activity.scheduledEventId),
          startedEventId: i64(startedEventId),
          identity: identity ?? activity.identity,
        },
      },
    }));
  }

  private canceled(activity: PendingActivity, details: Payloads | null | undefined, identity: string): void {
    this.finish(activity, (startedEventId) => ({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
      attributes: {
        activityTaskCanceledEventAttributes: {
          details: details ?? null,
          latestCancelRequestedEventId: i64(activity.latestCancelRequestedEventId),
          scheduledEventId: i64(activity.scheduledEventId),
          startedEventId: i64(startedEventId),
          identity,
        },
      },
    }));
  }

  /** Retries the failed attempt if the policy allows it, else records the failure. */
  private fail(activity: PendingActivity, failure: Failure, identity: string): void {
    const retryState = this.retryOrStop(activity, failure);
    if (retryState === undefined) return;
    this.finish(activity, (startedEventId) => ({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
      attributes: {
        activityTaskFailedEventAttributes: {
          failure,
          scheduledEventId: i64(activity.scheduledEventId),
          startedEventId: i64(startedEventId),
          identity,
          retryState,
        },
      },
    }));
  }

  private timedOut(activity: PendingActivity, attempt: number, timeoutType: TimeoutType): void {
    const { run } = activity;
    if (!run.isOpen || run.activities.get(activity.scheduledEventId) !== activity) return;
    if (activity.attempt !== attempt) return;
    const failure: Failure = {
      message: `activity ${TIMEOUT_NAMES[timeoutType] ?? 'unknown'} timeout`,
      source: 'Server',
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: activity.heartbeatDetails ?? null },
    };
    let retryState: RetryState | undefined = RetryState.RETRY_STATE_TIMEOUT;
    const retryable =
      timeoutType === TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE || timeoutType === TimeoutType.TIMEOUT_TYPE_HEARTBEAT;
    if (retryable && activity.state === 'started') {
      // Read before retryOrStop replaces it: the server names the previous attempt's failure as the cause.
      const previous = activity.lastFailure;
      retryState = this.retryOrStop(activity, failure);
      if (retryState === undefined) return;
      if (previous) failure.cause = previous;
    }
    this.finish(activity, (startedEventId) => ({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
      attributes: {
        activityTaskTimedOutEventAttributes: {
          failure,
          scheduledEventId: i64(activity.scheduledEventId),
          startedEventId: i64(startedEventId),
          retryState,
        },
      },
    }));
  }

  /** Schedules the next attempt and returns undefined, or returns why there is none. */
  private retryOrStop(activity: PendingActivity, failure: Failure): RetryState | undefined {
    const info = failure.applicationFailureInfo;
    if (info?.nonRetryable || (info?.type && activity.retry.nonRetryableErrorTypes.includes(info.type))) {
      return RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
    }
    const reset = activity.pendingReset;
    if (reset) {
      // The attempt that was running when the reset came counts as the first one.
      activity.pendingReset = undefined;
      activity.attempt = 1;
      if (reset.resetHeartbeat) activity.heartbeatDetails = null;
      if (!reset.keepPaused) activity.pause = undefined;
    }
    const { maximumAttempts, initialMs, coefficient, maximumMs } = activity.retry;
    if (maximumAttempts > 0 && activity.attempt >= maximumAttempts)
      return RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED;
    const explicit = durationMs(info?.nextRetryDelay);
    const delay = explicit > 0 ? explicit : Math.min(initialMs * coefficient ** (activity.attempt - 1), maximumMs);
    const now = this.engine.clock.now();
    if (activity.scheduleToCloseMs > 0 && now + delay >= activity.scheduledTime + activity.scheduleToCloseMs) {
      return RetryState.RETRY_STATE_TIMEOUT;
    }
    this.clearAttemptTimers(activity);
    activity.lastFailure = failure;
    activity.attempt++;
    // Back-off time may be skipped: the activity holds no lock until its next attempt.
    activity.lock.release();
    if (activity.pause) {
      activity.state = 'paused';
      return undefined;
    }
    activity.state = 'backoff';
    activity.attemptTimers.push(this.engine.clock.schedule(now + delay, () => this.dispatch(activity)));
    return undefined;
  }

  /** Writes ActivityTaskStarted (if an attempt started) and the terminal event, then forgets it. */
  private finish(
    activity: PendingActivity,
    terminal: (startedEventId: number) => {
      eventType: temporal.api.enums.v1.EventType;
      attributes: Parameters<WorkflowRun['append']>[1];
    },
  ): void {
    const { run } = activity;
    const wasStarted = activity.state === 'started';
    const attempt = activity.attempt;
    const lastFailure = activity.lastFailure;
    const identity = activity.identity;
    this.forget(activity);
    this.engine.recordEvent(run, () => {
      let startedEventId = 0;
      if (wasStarted) {
        startedEventId = run.append(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
          activityTaskStartedEventAttributes: {
            scheduledEventId: i64(activity.scheduledEventId),
            identity,
            requestId: randomUUID(),
            attempt,
            lastFailure: lastFailure ?? null,
          },
        });
      }
      const { eventType, attributes } = terminal(startedEventId);
      run.append(eventType, attributes);
    });
  }

  private forget(activity: PendingActivity): void {
    this.clearAttemptTimers(activity);
    activity.scheduleToCloseTimer?.cancel();
    activity.run.activities.delete(activity.scheduledEventId);
    activity.lock.release();
  }

  /** RequestCancelActivityTask: not yet started means cancelled at once. */
  requestCancel(run: WorkflowRun, scheduledEventId: number, completedEventId: number): void {
    const requestedId = run.append(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, {
      activityTaskCancelRequestedEventAttributes: {
        scheduledEventId: i64(scheduledEventId),
        workflowTaskCompletedEventId: i64(completedEventId),
      },
    });
    const activity = run.activities.get(scheduledEventId);
    if (!activity) return;
    activity.cancelRequested = true;
    activity.latestCancelRequestedEventId = requestedId;
    if (activity.state !== 'started') this.canceled(activity, null, '');
  }

  /** Operator PauseActivity: by id or by type; a paused activity runs no new attempt. */
  pauseActivity(request: temporal.api.workflowservice.v1.IPauseActivityRequest): object {
    const { matched } = this.operatorTargets(request, request.type ? 'type' : 'id');
    for (const activity of matched) {
      if (activity.pause) continue;
      activity.pause = {
        time: this.engine.clock.now(),
        identity: request.identity ?? '',
        reason: request.reason ?? '',
      };
      // A started attempt learns it from its next heartbeat; a waiting one just stops waiting.
      if (activity.state === 'scheduled' || activity.state === 'backoff') this.park(activity);
    }
    return {};
  }

  /** Operator UnpauseActivity: the next attempt is dispatched (after an optional jitter). */
  unpauseActivity(request: temporal.api.workflowservice.v1.IUnpauseActivityRequest): object {
    const by = request.type ? 'type' : request.unpauseAll ? 'all' : 'id';
    const { matched } = this.operatorTargets(request, by);
    for (const activity of matched) {
      if (!activity.pause) continue;
      activity.pause = undefined;
      if (activity.state !== 'paused') continue;
      if (request.resetAttempts) activity.attempt = 1;
      if (request.resetHeartbeat) activity.heartbeatDetails = null;
      this.dispatchAfterJitter(activity, durationMs(request.jitter));
    }
    return {};
  }

  /**
   * Operator ResetActivity: attempts count from 1 again. A started attempt is told by its
   * heartbeats and the reset applies when it ends; a waiting activity is dispatched at once.
   */
  resetActivity(request: temporal.api.workflowservice.v1.IResetActivityRequest): object {
    const by = request.type ? 'type' : request.matchAll ? 'all' : 'id';
    const { matched } = this.operatorTargets(request, by);
    const resetHeartbeat = request.resetHeartbeat ?? false;
    const keepPaused = request.keepPaused ?? false;
    for (const activity of matched) {
      if (activity.state === 'started') {
        activity.pendingReset = { resetHeartbeat, keepPaused };
        continue;
      }
      activity.attempt = 1;
      if (resetHeartbeat) activity.heartbeatDetails = null;
      if (!keepPaused) activity.pause = undefined;
      if (activity.pause) {
        this.park(activity);
        continue;
      }
      if (activity.state === 'scheduled') this.clearAttemptTimers(activity);
      else activity.state = 'scheduled';
      this.dispatchAfterJitter(activity, durationMs(request.jitter));
    }
    return {};
  }

  /** The run's pending activities an operator request names (NOT_FOUND if none). */
  private operatorTargets(
    request: {
      namespace?: string | null;
      execution?: temporal.api.common.v1.IWorkflowExecution | null;
      id?: string | null;
      type?: string | null;
    },
    by: 'id' | 'type' | 'all',
  ): { run: WorkflowRun; matched: PendingActivity[] } {
    if (!request.execution?.workflowId) throw invalidArgument('Execution is not set on request.');
    if (by === 'id' && !request.id) throw invalidArgument('Either activity id or activity type must be provided.');
    if (by === 'type' && !request.type) throw invalidArgument('Either activity id or activity type must be provided.');
    const run = this.engine.findRun(request.namespace, request.execution);
    if (!run.isOpen) throw notFound('Workflow execution already completed.');
    const matched = [...run.activities.values()].filter((a) =>
      by === 'all' ? true : by === 'id' ? a.activityId === request.id : a.activityType === request.type,
    );
    if (by === 'id' && matched.length === 0) throw notFound(`Activity id ${request.id} is not found.`);
    return { run, matched };
  }

  /** Takes a not-started activity out of dispatch until it is unpaused. */
  private park(activity: PendingActivity): void {
    this.clearAttemptTimers(activity);
    activity.state = 'paused';
    activity.lock.release();
  }

  private dispatchAfterJitter(activity: PendingActivity, jitterMs: number): void {
    this.clearAttemptTimers(activity);
    if (jitterMs <= 0) {
      this.dispatch(activity);
      return;
    }
    activity.state = 'backoff';
    const at = this.engine.clock.now() + Math.floor(Math.random() * jitterMs);
    activity.attemptTimers.push(this.engine.clock.schedule(at, () => this.dispatch(activity)));
  }

  dropRun(run: WorkflowRun): void {
    for (const activity of [...run.activities.values()]) this.forget(activity);
  }

  /** Applies a worker's `maxTaskQueueActivitiesPerSecond` to the queue it polls. */
  applyRateLimit(namespace: string, taskQueue: string, maxTasksPerSecond: number | undefined): void {
    if (maxTasksPerSecond === undefined) return;
    this.engine.matching.activityQueue(namespace, taskQueue).maxTasksPerSecond = maxTasksPerSecond;
  }
}

export function normalizeRetryPolicy(policy: RetryPolicy | null | undefined): RetryPolicy {
  const initialMs = durationMs(policy?.initialInterval) || 1000;
  const coefficient = policy?.backoffCoefficient || 2;
  const maximumMs = durationMs(policy?.maximumInterval) || initialMs * 100;
  return {
    initialInterval: duration(initialMs),
    backoffCoefficient: coefficient,
    maximumInterval: duration(maximumMs),
    maximumAttempts: policy?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: policy?.nonRetryableErrorTypes ?? [],
  };
}
