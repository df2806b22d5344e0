/**
 * The attempts of an activity: dispatch on its task queue, the four timeouts, server-side
 * retries by the activity's RetryPolicy, and the terminal event. The phase of the current
 * attempt moves along state/activity.ts's table.
 *
 * `ActivityTaskStarted` is written late, right before the terminal event of the last attempt,
 * as the server does for activities with a retry policy.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { ClockLock } from './clock';
import type { Effects } from './effects';
import { enums } from './enums';
import type { PollContext } from './matching';
import { i64 } from './proto';
import { type ActivityOptions, moveActivity, newActivity, type PendingActivity } from './state/activity';
import type { WorkflowRun } from './state/workflow-run';
import { encodeTaskToken } from './task-token';
import { duration, durationMs, timestamp } from './time';
import type { ActivityTaskResponse, Failure, Payloads } from './types';

const { EventType, TimeoutType, RetryState } = enums;
type TimeoutType = temporal.api.enums.v1.TimeoutType;
type RetryState = temporal.api.enums.v1.RetryState;
type WorkerVersionStamp = temporal.api.common.v1.IWorkerVersionStamp;
type EventAttributes = Parameters<WorkflowRun['append']>[1];

/** As the server spells them in timeout failure messages. */
const TIMEOUT_NAMES: Partial<Record<TimeoutType, string>> = {
  [TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE]: 'StartToClose',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'ScheduleToStart',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
  [TimeoutType.TIMEOUT_TYPE_HEARTBEAT]: 'Heartbeat',
};

const NO_POLL: PollContext = { identity: '', answerBy: 0, isCancelled: () => false, onCancel: () => undefined };

export class ActivityAttempts {
  constructor(private readonly effects: Effects) {
    effects.onRunClosed((run) => {
      for (const activity of [...run.activities.values()]) this.forget(run, activity);
    });
  }

  /** Starts tracking a scheduled activity (its schedule-to-close deadline runs from now). */
  track(run: WorkflowRun, scheduledEventId: number, options: ActivityOptions): PendingActivity {
    const now = this.effects.clock.now();
    const activity = newActivity(run.runId, scheduledEventId, options, now, new ClockLock(this.effects.clock));
    run.activities.set(scheduledEventId, activity);
    if (activity.scheduleToCloseMs > 0) {
      activity.scheduleToCloseTimer = this.effects.clock.schedule(now + activity.scheduleToCloseMs, () =>
        this.timedOut(run, activity, activity.attempt, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE),
      );
    }
    return activity;
  }

  /** Eager dispatch only to the workflow's own queue, and never around a task queue rate limit. */
  canStartEagerly(run: WorkflowRun, taskQueue: string): boolean {
    if (taskQueue !== run.config.taskQueue) return false;
    return this.effects.matching.activityQueue(run.namespace.name, taskQueue).maxTasksPerSecond <= 0;
  }

  /** Starts the first attempt for the worker that completed the workflow task (no poll round trip). */
  startEagerly(run: WorkflowRun, activity: PendingActivity, identity: string): ActivityTaskResponse | undefined {
    activity.lock.hold();
    return this.start(run, activity, 1, { ...NO_POLL, identity });
  }

  /** Puts the current attempt on the activity's task queue. */
  dispatch(run: WorkflowRun, activity: PendingActivity): void {
    activity.lock.hold();
    moveActivity(activity, 'scheduled');
    activity.currentAttemptScheduledTime = this.effects.clock.now();
    const attempt = activity.attempt;
    if (activity.scheduleToStartMs > 0) {
      activity.attemptTimers.push(
        this.effects.clock.schedule(activity.currentAttemptScheduledTime + activity.scheduleToStartMs, () =>
          this.timedOut(run, activity, attempt, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START),
        ),
      );
    }
    this.effects.matching
      .activityQueue(run.namespace.name, activity.taskQueue)
      .add({ claim: (ctx) => this.start(run, activity, attempt, ctx) });
  }

  private start(
    run: WorkflowRun,
    activity: PendingActivity,
    attempt: number,
    ctx: PollContext,
  ): ActivityTaskResponse | undefined {
    if (!run.isOpen || activity.phase !== 'scheduled' || activity.attempt !== attempt) return undefined;
    if (run.activities.get(activity.scheduledEventId) !== activity) return undefined;
    this.clearAttemptTimers(activity);
    const now = this.effects.clock.now();
    moveActivity(activity, 'started');
    activity.interrupted = false;
    activity.stamp++;
    activity.startedTime = now;
    activity.identity = ctx.identity;
    activity.lastHeartbeatTime = now;
    activity.attemptTimers.push(
      this.effects.clock.schedule(now + activity.startToCloseMs, () =>
        this.timedOut(run, activity, attempt, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE),
      ),
    );
    this.armHeartbeatTimeout(run, activity);
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

  private armHeartbeatTimeout(run: WorkflowRun, activity: PendingActivity): void {
    if (activity.heartbeatMs <= 0) return;
    const attempt = activity.attempt;
    const at = activity.lastHeartbeatTime + activity.heartbeatMs;
    activity.attemptTimers.push(
      this.effects.clock.schedule(at, () => {
        if (activity.attempt !== attempt || activity.phase !== 'started') return;
        // A later heartbeat moved the deadline: re-arm instead of timing out.
        if (activity.lastHeartbeatTime + activity.heartbeatMs > this.effects.clock.now()) {
          this.armHeartbeatTimeout(run, activity);
          return;
        }
        this.timedOut(run, activity, attempt, TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
      }),
    );
  }

  clearAttemptTimers(activity: PendingActivity): void {
    for (const timer of activity.attemptTimers) timer.cancel();
    activity.attemptTimers = [];
  }

  /** A heartbeat: returns what the worker must learn (cancel requested, paused, reset). */
  recordHeartbeat(activity: PendingActivity, details: Payloads | null | undefined) {
    if (details) activity.heartbeatDetails = details;
    activity.lastHeartbeatTime = this.effects.clock.now();
    const activityPaused = activity.pause !== undefined;
    const activityReset = activity.pendingReset !== undefined;
    // Core then cancels the attempt (reason PAUSED or RESET); the cancellation is retried.
    if (activityPaused || activityReset) activity.interrupted = true;
    return { cancelRequested: activity.cancelRequestedEventId > 0, activityPaused, activityReset };
  }

  complete(
    run: WorkflowRun,
    activity: PendingActivity,
    result: Payloads | null | undefined,
    identity?: string | null,
    workerVersion?: WorkerVersionStamp | null,
  ) {
    this.finish(run, activity, workerVersion, (startedEventId) => ({
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

  /**
   * A worker cancelled the attempt: the activity is cancelled if the workflow asked for it;
   * if the attempt was only interrupted by a pause or reset, that ends the attempt and the
   * activity goes on (retried, or waiting for unpause).
   */
  canceledByWorker(
    run: WorkflowRun,
    activity: PendingActivity,
    details: Payloads | null | undefined,
    identity: string,
  ) {
    if (activity.cancelRequestedEventId > 0 || !activity.interrupted) {
      this.canceled(run, activity, details, identity);
      return;
    }
    const reason = activity.pendingReset ? 'reset' : 'paused';
    this.fail(
      run,
      activity,
      { message: `activity ${reason}`, source: 'Server', canceledFailureInfo: { details } },
      identity,
    );
  }

  private canceled(
    run: WorkflowRun,
    activity: PendingActivity,
    details: Payloads | null | undefined,
    identity: string,
  ) {
    this.finish(run, activity, undefined, (startedEventId) => ({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
      attributes: {
        activityTaskCanceledEventAttributes: {
          details: details ?? null,
          latestCancelRequestedEventId: i64(activity.cancelRequestedEventId),
          scheduledEventId: i64(activity.scheduledEventId),
          startedEventId: i64(startedEventId),
          identity,
        },
      },
    }));
  }

  /** Retries the failed attempt if the policy allows it, else records the failure. */
  fail(
    run: WorkflowRun,
    activity: PendingActivity,
    failure: Failure,
    identity: string,
    workerVersion?: WorkerVersionStamp | null,
  ): void {
    const retryState = this.retryOrStop(activity, failure);
    if (retryState === undefined) return;
    this.finish(run, activity, workerVersion, (startedEventId) => ({
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

  private timedOut(run: WorkflowRun, activity: PendingActivity, attempt: number, timeoutType: TimeoutType): void {
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
    if (retryable && activity.phase === 'started') {
      // Read before retryOrStop replaces it: the server names the previous attempt's failure as the cause.
      const previous = activity.lastFailure;
      retryState = this.retryOrStop(activity, failure);
      if (retryState === undefined) return;
      if (previous) failure.cause = previous;
    }
    this.finish(run, activity, undefined, (startedEventId) => ({
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
    const now = this.effects.clock.now();
    if (activity.scheduleToCloseMs > 0 && now + delay >= activity.scheduledTime + activity.scheduleToCloseMs) {
      return RetryState.RETRY_STATE_TIMEOUT;
    }
    this.clearAttemptTimers(activity);
    activity.lastFailure = failure;
    activity.attempt++;
    // Back-off time may be skipped: the activity holds no lock until its next attempt.
    activity.lock.release();
    if (activity.pause) {
      moveActivity(activity, 'paused');
      return undefined;
    }
    moveActivity(activity, 'backoff');
    const run = this.runOf(activity);
    activity.attemptTimers.push(this.effects.clock.schedule(now + delay, () => this.dispatch(run, activity)));
    return undefined;
  }

  private runOf(activity: PendingActivity): WorkflowRun {
    return this.effects.runs.get(activity.runId) as WorkflowRun;
  }

  /**
   * Writes ActivityTaskStarted (if an attempt started) and the terminal event, then forgets it.
   * As on the server, the started event carries the worker version stamp of the worker's
   * completion or failure that ends the activity; none for cancellations and timeouts.
   */
  private finish(
    run: WorkflowRun,
    activity: PendingActivity,
    workerVersion: WorkerVersionStamp | null | undefined,
    terminal: (startedEventId: number) => { eventType: temporal.api.enums.v1.EventType; attributes: EventAttributes },
  ): void {
    const wasStarted = activity.phase === 'started';
    const attempt = activity.attempt;
    const lastFailure = activity.lastFailure;
    const identity = activity.identity;
    this.forget(run, activity);
    this.effects.recordEvent(run, () => {
      let startedEventId = 0;
      if (wasStarted) {
        startedEventId = run.append(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
          activityTaskStartedEventAttributes: {
            scheduledEventId: i64(activity.scheduledEventId),
            identity,
            requestId: randomUUID(),
            attempt,
            lastFailure: lastFailure ?? null,
            workerVersion: workerVersion ?? null,
          },
        });
      }
      const { eventType, attributes } = terminal(startedEventId);
      run.append(eventType, attributes);
    });
  }

  private forget(run: WorkflowRun, activity: PendingActivity): void {
    this.clearAttemptTimers(activity);
    activity.scheduleToCloseTimer?.cancel();
    run.activities.delete(activity.scheduledEventId);
    activity.lock.release();
    moveActivity(activity, 'closed');
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
    activity.cancelRequestedEventId = requestedId;
    if (activity.phase !== 'started') this.canceled(run, activity, null, '');
  }

  /** Takes a not-started activity out of dispatch until it is unpaused. */
  park(activity: PendingActivity): void {
    this.clearAttemptTimers(activity);
    moveActivity(activity, 'paused');
    activity.lock.release();
  }

  /** Dispatches the next attempt now, or after a random delay up to `jitterMs`. */
  dispatchAfterJitter(activity: PendingActivity, jitterMs: number): void {
    this.clearAttemptTimers(activity);
    const run = this.runOf(activity);
    if (jitterMs <= 0) {
      this.dispatch(run, activity);
      return;
    }
    moveActivity(activity, 'backoff');
    const at = this.effects.clock.now() + Math.floor(Math.random() * jitterMs);
    activity.attemptTimers.push(this.effects.clock.schedule(at, () => this.dispatch(run, activity)));
  }
}
