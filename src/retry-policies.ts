/**
 * THE place for activity retry policies and timeouts. Pure (types and constants only), so
 * workflow code imports it.
 *
 * Two sets:
 * - `activityOptions`: standalone. Every retryable failure is retried here, waiting what the
 *   failure's `nextRetryDelay` asks (Retry-After, the Attestr daily window, the low-credits delay).
 * - `lifecycleActivityOptions`: for the background-check workflow. Same numbers, but
 *   `DailyLimitReached` and `LowCredits` are non-retryable, so the failure reaches the workflow at
 *   once and it parks the check in `blocked` (visible, resumable by signal) instead of leaving an
 *   activity silently retrying for hours. The failure's details carry `retryDelayMs`, the wait
 *   the vendor layer would have used.
 *
 * Task queues are not set here: they come from configuration (PERCENT_TASK_QUEUE,
 * ATTESTR_TASK_QUEUE), which the workflow receives from its starter.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { BLOCKING_FAILURE_TYPES, FailureType } from './failure-types';

/**
 * One vendor call can take at most connect (5 s) + headers (15 s) + body (15 s) = 35 s with the
 * default VENDOR_* timeouts; 45 s leaves room for the worker itself. Raise it with those timeouts.
 */
const ONE_CALL = '45 seconds';

/** Associate reads the profile before associating on a retry: two calls. */
const TWO_CALLS = '90 seconds';

/**
 * Heartbeats carry cancellation to a running activity: the activities heartbeat every few
 * seconds while a request is in flight, so a cancelled check stops its request within ~15 s
 * (the SDK sends heartbeats at most every 0.8 × this timeout), and a dead worker is noticed
 * as quickly instead of after the whole start-to-close timeout.
 */
const HEARTBEAT = '15 seconds';

/** Failures no retry can heal (the failures also say `nonRetryable`; this guards the type too). */
export const NON_RETRYABLE_TYPES: readonly string[] = [
  FailureType.BadRequest,
  FailureType.ProfileNotUsable,
  FailureType.VendorAuthRejected,
  FailureType.IdempotencyConflict,
  FailureType.NotFound,
  FailureType.InvalidOnboardingEvent,
];

/**
 * Starts at 1 s (a blip or an in-progress idempotent call clears in seconds), doubles, and stops
 * growing at 5 min: during a long outage a check tries about 12 times an hour, which heals within
 * minutes of the vendor and does not pile load on it. No attempt limit: `scheduleToCloseTimeout`
 * bounds the total instead, which reads better than a count of attempts of varying length.
 */
export const vendorRetryPolicy: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
};

export const lifecycleRetryPolicy: RetryPolicy = {
  ...vendorRetryPolicy,
  nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES, ...BLOCKING_FAILURE_TYPES],
};

export type VendorActivityName = 'createAgentVerification' | 'getAgentVerification' | 'associateAsyncRequest';

export const activityOptions: Record<VendorActivityName, ActivityOptions> = {
  /**
   * Creating is idempotent (stable Idempotency-Key), so it may keep trying through a day of
   * outage; after that a person should look rather than the check waiting silently.
   */
  createAgentVerification: {
    startToCloseTimeout: ONE_CALL,
    heartbeatTimeout: HEARTBEAT,
    scheduleToCloseTimeout: '24 hours',
    retry: vendorRetryPolicy,
  },
  /** A read for polling: the next poll asks again, so give up after 10 minutes. */
  getAgentVerification: {
    startToCloseTimeout: ONE_CALL,
    heartbeatTimeout: HEARTBEAT,
    scheduleToCloseTimeout: '10 minutes',
    retry: vendorRetryPolicy,
  },
  /**
   * 24 h covers one Attestr daily window (ATTESTR_DAILY_LIMIT_RETRY_DELAY, 1 h by default, at
   * most a day) plus outages; it is safe to repeat (see src/activities/attestr.ts).
   */
  associateAsyncRequest: {
    startToCloseTimeout: TWO_CALLS,
    heartbeatTimeout: HEARTBEAT,
    scheduleToCloseTimeout: '24 hours',
    retry: vendorRetryPolicy,
  },
};

export const lifecycleActivityOptions: Record<VendorActivityName, ActivityOptions> = {
  createAgentVerification: { ...activityOptions.createAgentVerification, retry: lifecycleRetryPolicy },
  getAgentVerification: { ...activityOptions.getAgentVerification, retry: lifecycleRetryPolicy },
  associateAsyncRequest: { ...activityOptions.associateAsyncRequest, retry: lifecycleRetryPolicy },
};
