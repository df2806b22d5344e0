/**
 * Stable `ApplicationFailure.type` values, one per class of vendor failure. Workflows, retry
 * policies, dashboards and alerts match on these strings: never rename one.
 */
export const FailureType = {
  /** 429 per-second limits (Attestr 4291/4292, Percent 429). Retryable, honours Retry-After. */
  RateLimited: 'RateLimited',
  /** Attestr 4293/4294: daily quota spent. Retryable after the configured daily window. */
  DailyLimitReached: 'DailyLimitReached',
  /** Attestr 4005: a person must top up credits. Retryable after a long delay, or on `resume`. */
  LowCredits: 'LowCredits',
  /** The request is malformed or refers to an invalid request id (Attestr 4001/4003, Percent 400). */
  BadRequest: 'BadRequest',
  /** The Attestr profile cannot take the item: invalid or inaccessible (40018), archived (40038), type not associable (40039). */
  ProfileNotUsable: 'ProfileNotUsable',
  /** Credentials, scope, provisioning or IP allow-list (Attestr 401/403, Percent 401/403): configuration. */
  VendorAuthRejected: 'VendorAuthRejected',
  /** Percent idempotency: same key with different data, or key already in use. */
  IdempotencyConflict: 'IdempotencyConflict',
  /** Percent idempotency: the original call is still in progress. Transient. */
  IdempotencyInProgress: 'IdempotencyInProgress',
  /** Percent 404 for an agent verification id. */
  NotFound: 'NotFound',
  /** 5xx, connection reset, timeout: retry with back-off. */
  VendorUnavailable: 'VendorUnavailable',
  /** The vendor answered something the contract does not allow (unparseable body, unknown error). */
  VendorContractBroken: 'VendorContractBroken',
  /** The onboarding event failed validation at workflow start. */
  InvalidOnboardingEvent: 'InvalidOnboardingEvent',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Failures after which the lifecycle parks the check in `blocked` instead of failing it. */
export const BLOCKING_FAILURE_TYPES: readonly FailureType[] = [FailureType.DailyLimitReached, FailureType.LowCredits];
