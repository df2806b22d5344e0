/**
 * How the lifecycle reads a failed vendor activity: park the check (`blocked`) or fail it with
 * the vendor's typed failure so the Temporal UI shows it red with the reason. Pure.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { BLOCKING_FAILURE_TYPES, FailureType } from '../failure-types';

export interface Blocking {
  type: FailureType;
  /** Shown in the `status` query and the UI while the check is blocked. */
  reason: string;
  /**
   * How long to wait before trying again, as the vendor layer decided it (Retry-After, or
   * ATTESTR_DAILY_LIMIT_RETRY_DELAY / ATTESTR_LOW_CREDITS_RETRY_DELAY). It travels in the
   * failure's details because a workflow does not see an activity failure's `nextRetryDelay`.
   */
  retryDelayMs?: number;
}

/** The typed failure an activity ended with, when it was an `ApplicationFailure`. */
export function vendorFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}

const BLOCKED_REASONS: Partial<Record<FailureType, string>> = {
  DailyLimitReached: 'Attestr daily limit reached',
  LowCredits: 'Attestr credit balance too low: top up the account, then send `resume`',
};

/** A failure that must not fail the check but park it until the vendor can take it again. */
export function blockingOf(err: unknown): Blocking | undefined {
  const failure = vendorFailureOf(err);
  const type = failure?.type as FailureType | undefined;
  if (type === undefined || !BLOCKING_FAILURE_TYPES.includes(type)) return undefined;
  const delay = (failure?.details?.[0] as { retryDelayMs?: unknown } | undefined)?.retryDelayMs;
  const retryDelayMs = typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? delay : undefined;
  return { type, reason: BLOCKED_REASONS[type] ?? type, ...(retryDelayMs !== undefined && { retryDelayMs }) };
}

/**
 * The failure the workflow ends with for an activity that gave up. It keeps the vendor's type
 * (`ProfileNotUsable`, `VendorAuthRejected`...) and message, which name the cause and what a
 * person must fix, and never holds request bodies or credentials (the vendor layer's rule).
 */
export function workflowFailureFor(err: unknown, doing: string): ApplicationFailure | undefined {
  const failure = vendorFailureOf(err);
  if (failure !== undefined) {
    return ApplicationFailure.create({
      type: failure.type ?? FailureType.VendorContractBroken,
      message: `${doing} failed: ${failure.message}`,
      details: failure.details ?? undefined,
      nonRetryable: true,
      cause: err as Error,
    });
  }
  if (err instanceof ActivityFailure) {
    const timedOut = err.cause instanceof TimeoutFailure;
    return ApplicationFailure.create({
      type: FailureType.VendorUnavailable,
      message: `${doing} failed: ${timedOut ? 'the vendor did not answer in time' : 'the activity gave up'} (${err.cause?.message ?? 'no cause'})`,
      nonRetryable: true,
      cause: err,
    });
  }
  if (err instanceof ApplicationFailure) return err;
  // Anything else is a bug in workflow code: the caller rethrows it as is, which fails the
  // workflow task (Temporal retries it), so a fixed deployment can carry the check on.
  return undefined;
}
