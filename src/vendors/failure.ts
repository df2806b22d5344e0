/**
 * Turns a vendor or network failure into the Temporal `ApplicationFailure` the retry policies and
 * the lifecycle match on: a stable `type` (src/failure-types.ts), `nonRetryable` when no retry can
 * heal it, a message saying what a person must fix, and `nextRetryDelay` when the vendor (or the
 * kind of limit) says how long to wait.
 *
 * Details carry vendor, operation, HTTP status and vendor code only: never headers (credentials)
 * nor bodies (personal data).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { AttestrConfig, HttpConfig } from '../config';
import { FailureType } from '../failure-types';
import { retryAfterMs } from './retry-after';
import { VendorError } from './vendor-error';

export interface FailurePolicy {
  /** VENDOR_RETRY_AFTER_CAP */
  retryAfterCapMs: number;
  /** ATTESTR_DAILY_LIMIT_RETRY_DELAY: Attestr does not say when a daily limit resets. */
  dailyLimitRetryDelayMs: number;
  /** ATTESTR_LOW_CREDITS_RETRY_DELAY: a person must top up; poll rarely. */
  lowCreditsRetryDelayMs: number;
  /** First and largest delay of the jittered back-off for 429s without `Retry-After`. */
  rateLimitBaseDelayMs?: number;
  rateLimitMaxDelayMs?: number;
  /** Injectable for tests; `Math.random` by default. */
  random?: () => number;
  /** Injectable for tests; `Date.now` by default (HTTP-date `Retry-After`). */
  now?: () => number;
}

export const failurePolicyFromConfig = (http: HttpConfig, attestr: AttestrConfig): FailurePolicy => ({
  retryAfterCapMs: http.VENDOR_RETRY_AFTER_CAP,
  dailyLimitRetryDelayMs: attestr.ATTESTR_DAILY_LIMIT_RETRY_DELAY,
  lowCreditsRetryDelayMs: attestr.ATTESTR_LOW_CREDITS_RETRY_DELAY,
});

/** What `ApplicationFailure.details[0]` holds for a vendor failure. */
export interface VendorFailureDetails {
  vendor: string;
  operation: string;
  httpStatus?: number;
  code?: string | number;
  networkCode?: string;
  /** The delay asked for (also in `nextRetryDelay`), so the lifecycle can show when it resumes. */
  retryDelayMs?: number;
  action?: string;
}

/**
 * A `VendorError` becomes an `ApplicationFailure`; anything else (Temporal's own cancellation,
 * an `ApplicationFailure` already) is returned unchanged.
 *
 * @param attempt the activity attempt (1-based), for the back-off of 429s without `Retry-After`
 */
export function toApplicationFailure(err: unknown, policy: FailurePolicy, attempt = 1): unknown {
  if (!(err instanceof VendorError)) return err;
  const data = err.data;
  const retryDelayMs = data.retryable ? nextRetryDelayMs(err, policy, attempt) : undefined;
  const details: VendorFailureDetails = {
    vendor: data.vendor,
    operation: data.operation,
    ...(data.httpStatus !== undefined && { httpStatus: data.httpStatus }),
    ...(data.code !== undefined && { code: data.code }),
    ...(data.networkCode !== undefined && { networkCode: data.networkCode }),
    ...(retryDelayMs !== undefined && { retryDelayMs }),
    ...(data.action !== undefined && { action: data.action }),
  };
  const fix = data.action === undefined ? '' : `. To fix: ${data.action}`;
  return ApplicationFailure.create({
    message: `${err.message}${fix}`,
    type: data.type,
    nonRetryable: !data.retryable,
    details: [details],
    nextRetryDelay: retryDelayMs,
  });
}

function nextRetryDelayMs(err: VendorError, policy: FailurePolicy, attempt: number): number | undefined {
  const { type, retryAfter } = err.data;
  const now = policy.now?.() ?? Date.now();
  const asked = retryAfterMs(retryAfter, policy.retryAfterCapMs, now);
  switch (type) {
    case FailureType.LowCredits:
      // Credits come back when a person acts, whatever a header says.
      return policy.lowCreditsRetryDelayMs;
    case FailureType.DailyLimitReached:
      return asked ?? policy.dailyLimitRetryDelayMs;
    case FailureType.RateLimited:
      return asked ?? jitteredBackoffMs(attempt, policy);
    default:
      // 5xx and the rest: the vendor's word if any, else the retry policy's back-off.
      return asked;
  }
}

/**
 * Exponential back-off with jitter (half fixed, half random) for per-second limits: workers that
 * were throttled together must not all come back in the same second. Temporal's own back-off has
 * no jitter, hence this.
 */
export function jitteredBackoffMs(attempt: number, policy: FailurePolicy): number {
  const base = policy.rateLimitBaseDelayMs ?? 1_000;
  const max = policy.rateLimitMaxDelayMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const random = policy.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
