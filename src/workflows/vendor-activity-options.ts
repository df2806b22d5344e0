/**
 * PLACEHOLDER until `src/retry-policies.ts` (vendor layer) lands: activity options for the
 * vendor activities as the workflow schedules them.
 */
import type { ActivityOptions } from '@temporalio/common';
import { FailureType } from '../failure-types';

const nonRetryableErrorTypes = [
  FailureType.BadRequest,
  FailureType.ProfileNotUsable,
  FailureType.VendorAuthRejected,
  FailureType.IdempotencyConflict,
  FailureType.NotFound,
  // The workflow parks the check in `blocked` instead of retrying these every few seconds.
  FailureType.DailyLimitReached,
  FailureType.LowCredits,
];

export const percentActivityOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes },
};

export const attestrActivityOptions: ActivityOptions = percentActivityOptions;
