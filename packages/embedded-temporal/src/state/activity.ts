/**
 * An activity of a run: its options, the phase of its current attempt, and the requests that
 * can arrive while it is in any phase (cancel from the workflow, pause and reset from an
 * operator). The phase moves only along ACTIVITY_TRANSITIONS; what DescribeWorkflowExecution
 * shows of an activity (its PendingActivityInfo, one state out of phase and requests) is mapped
 * here too.
 */
import type { temporal } from '@temporalio/proto';
import type { ClockLock, Scheduled } from '../clock';
import { enums } from '../enums';
import { duration, durationMs, timestamp } from '../time';
import type { Failure, Header, Payloads, RetryPolicy } from '../types';
import { checkTransition, type TransitionTable } from './transitions';

const { PendingActivityState } = enums;

/**
 * `scheduled`: an attempt waits on the task queue; `started`: a worker runs it; `backoff`: waiting
 * for the next attempt (retry delay or an operator's jitter); `paused`: an operator paused it
 * between attempts, nothing runs until it is unpaused; `closed`: its terminal event is written.
 */
export type ActivityPhase = 'scheduled' | 'started' | 'backoff' | 'paused' | 'closed';

export const ACTIVITY_TRANSITIONS: TransitionTable<ActivityPhase> = {
  // scheduled -> scheduled: an operator reset puts the attempt back on the queue at once.
  scheduled: ['started', 'scheduled', 'backoff', 'paused', 'closed'],
  // A started attempt ends first (retry, pause or terminal event): it never goes back to the queue directly.
  started: ['backoff', 'paused', 'closed'],
  backoff: ['scheduled', 'backoff', 'paused', 'closed'],
  paused: ['scheduled', 'backoff', 'paused', 'closed'],
  closed: [],
};

export interface NormalizedRetry {
  initialMs: number;
  coefficient: number;
  maximumMs: number;
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

/** An operator pause (PauseActivity). */
export interface ActivityPause {
  time: number;
  identity: string;
  reason: string;
}

/** What an activity is scheduled with (from the command, or from the event when a reset carries it on). */
export interface ActivityOptions {
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
}

/** What a ScheduleActivityTask command and the ActivityTaskScheduled event written from it both hold. */
export type ActivitySpec = Pick<
  temporal.api.command.v1.IScheduleActivityTaskCommandAttributes,
  | 'activityId'
  | 'activityType'
  | 'taskQueue'
  | 'input'
  | 'header'
  | 'priority'
  | 'scheduleToCloseTimeout'
  | 'scheduleToStartTimeout'
  | 'startToCloseTimeout'
  | 'heartbeatTimeout'
  | 'retryPolicy'
>;

/**
 * An activity's options from its command, with the timeouts as the server settles them: each
 * bounded by the ones above it and by the run timeout. Settled timeouts stay as they are, so the
 * same function reads them back from the ActivityTaskScheduled event (a reset carries it on).
 */
export function activityOptions(a: ActivitySpec, run: { taskQueue: string; runTimeoutMs: number }): ActivityOptions {
  let scheduleToCloseMs = durationMs(a.scheduleToCloseTimeout);
  let startToCloseMs = durationMs(a.startToCloseTimeout);
  let scheduleToStartMs = durationMs(a.scheduleToStartTimeout);
  const { runTimeoutMs } = run;
  if (scheduleToCloseMs === 0) scheduleToCloseMs = runTimeoutMs;
  if (runTimeoutMs > 0 && scheduleToCloseMs > runTimeoutMs) scheduleToCloseMs = runTimeoutMs;
  if (startToCloseMs === 0) startToCloseMs = scheduleToCloseMs;
  if (scheduleToCloseMs > 0 && startToCloseMs > scheduleToCloseMs) startToCloseMs = scheduleToCloseMs;
  if (scheduleToStartMs === 0 || (scheduleToCloseMs > 0 && scheduleToStartMs > scheduleToCloseMs)) {
    scheduleToStartMs = scheduleToCloseMs;
  }
  return {
    activityId: a.activityId ?? '',
    activityType: a.activityType?.name ?? '',
    taskQueue: a.taskQueue?.name || run.taskQueue,
    input: a.input,
    header: a.header,
    priority: a.priority,
    scheduleToCloseMs,
    scheduleToStartMs,
    startToCloseMs,
    heartbeatMs: durationMs(a.heartbeatTimeout),
    retryPolicy: normalizeRetryPolicy(a.retryPolicy),
  };
}

export interface PendingActivity extends ActivityOptions {
  runId: string;
  scheduledEventId: number;
  retry: NormalizedRetry;
  attempt: number;
  phase: ActivityPhase;
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime: number;
  identity: string;
  heartbeatDetails?: Payloads | null;
  lastHeartbeatTime: number;
  lastFailure?: Failure | null;
  /** The workflow asked to cancel it (id of the latest ActivityTaskCancelRequested). */
  cancelRequestedEventId: number;
  /** PauseActivity: a started attempt is told so by heartbeats, and no retry is dispatched. */
  pause?: ActivityPause;
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

export function newActivity(
  runId: string,
  scheduledEventId: number,
  options: ActivityOptions,
  now: number,
  lock: ClockLock,
): PendingActivity {
  const { retryPolicy } = options;
  return {
    ...options,
    runId,
    scheduledEventId,
    retry: {
      initialMs: durationMs(retryPolicy.initialInterval),
      coefficient: retryPolicy.backoffCoefficient ?? 2,
      maximumMs: durationMs(retryPolicy.maximumInterval),
      maximumAttempts: retryPolicy.maximumAttempts ?? 0,
      nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes ?? [],
    },
    attempt: 1,
    phase: 'scheduled',
    scheduledTime: now,
    currentAttemptScheduledTime: now,
    startedTime: 0,
    identity: '',
    lastHeartbeatTime: 0,
    cancelRequestedEventId: 0,
    interrupted: false,
    stamp: 0,
    attemptTimers: [],
    lock,
  };
}

export function moveActivity(activity: PendingActivity, to: ActivityPhase): void {
  activity.phase = checkTransition(`activity ${activity.activityId}`, ACTIVITY_TRANSITIONS, activity.phase, to);
}

export function isCancelRequested(activity: PendingActivity): boolean {
  return activity.cancelRequestedEventId > 0;
}

/** The one state DescribeWorkflowExecution shows for an activity's phase and requests. */
export function pendingActivityState(a: PendingActivity): temporal.api.enums.v1.PendingActivityState {
  if (a.phase === 'paused') return PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED;
  if (a.phase !== 'started') return PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;
  if (isCancelRequested(a)) return PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED;
  // Paused while an attempt runs: the pause takes effect when that attempt ends.
  if (a.pause) return PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED;
  return PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
}

/** DescribeWorkflowExecution's `pending_activities` entry. */
export function describeActivity(a: PendingActivity): temporal.api.workflow.v1.IPendingActivityInfo {
  return {
    activityId: a.activityId,
    activityType: { name: a.activityType },
    state: pendingActivityState(a),
    paused: a.pause !== undefined,
    pauseInfo: a.pause
      ? { pauseTime: timestamp(a.pause.time), manual: { identity: a.pause.identity, reason: a.pause.reason } }
      : null,
    heartbeatDetails: a.heartbeatDetails ?? null,
    lastHeartbeatTime: a.lastHeartbeatTime ? timestamp(a.lastHeartbeatTime) : null,
    lastStartedTime: a.startedTime ? timestamp(a.startedTime) : null,
    attempt: a.attempt,
    maximumAttempts: a.retry.maximumAttempts,
    scheduledTime: timestamp(a.currentAttemptScheduledTime),
    expirationTime: a.scheduleToCloseMs > 0 ? timestamp(a.scheduledTime + a.scheduleToCloseMs) : null,
    lastFailure: a.lastFailure ?? null,
    lastWorkerIdentity: a.identity,
  };
}

/**
 * The retry policy as the server fills it in (`EnsureDefaults`: written on ActivityTaskScheduled,
 * and on a workflow's retry policy when it has one).
 */
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
