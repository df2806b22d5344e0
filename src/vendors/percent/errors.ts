/**
 * Percent's error classes as data: HTTP status (and error code) → failure type, whether retrying
 * can help, and what a person must fix. Source: /shared/vendors/percent.md. The first matching row
 * wins, so specific codes come before their status's catch-all.
 */
import { FailureType } from '../../failure-types';

export interface PercentErrorRow {
  /** An HTTP status, or `'5xx'` for any server error. */
  status: number | '5xx';
  /** `error.code` of the body; absent = any code for this status. */
  code?: string;
  type: FailureType;
  retryable: boolean;
  meaning: string;
  /** What a person must fix (non-retryable rows). */
  action?: string;
}

export const PERCENT_ERRORS: readonly PercentErrorRow[] = [
  {
    status: 400,
    code: 'idempotency/original_call_in_progress',
    type: FailureType.IdempotencyInProgress,
    retryable: true,
    meaning: 'the first call with this Idempotency-Key is still in progress',
  },
  {
    status: 400,
    code: 'idempotency/same_key_different_data',
    type: FailureType.IdempotencyConflict,
    retryable: false,
    meaning: 'this Idempotency-Key was already used with different data',
    action:
      "the check's idempotency key was reused with other agent data: find the verification created with this key in Percent and decide which data is right; do not retry with the same key",
  },
  {
    status: 400,
    code: 'idempotency/key_already_in_use',
    type: FailureType.IdempotencyConflict,
    retryable: false,
    meaning: 'this Idempotency-Key is already in use',
    action: "the check's idempotency key is used by another request: find the verification created with it in Percent",
  },
  {
    status: 400,
    type: FailureType.BadRequest,
    retryable: false,
    meaning: 'Percent refused the request as invalid',
    action: 'correct the agent data of the onboarding event (see the error code) and start a new check',
  },
  {
    status: 401,
    type: FailureType.VendorAuthRejected,
    retryable: false,
    meaning: 'Percent refused the API key',
    action: 'set PERCENT_API_KEY to a valid secret key (sk_..., or sandbox_sk_... for the sandbox) of PERCENT_BASE_URL',
  },
  {
    status: 403,
    type: FailureType.VendorAuthRejected,
    retryable: false,
    meaning: 'the API key lacks the scope for agent verifications',
    action:
      'give PERCENT_API_KEY access to agent verifications in the Goodstack dashboard (a publishable pk_ key is refused)',
  },
  {
    status: 404,
    type: FailureType.NotFound,
    retryable: false,
    meaning: 'no such agent verification',
    action:
      'check the agent verification id and that PERCENT_BASE_URL points at the account (sandbox or production) that created it',
  },
  {
    status: 429,
    type: FailureType.RateLimited,
    retryable: true,
    meaning: 'rate limited',
  },
  {
    status: '5xx',
    type: FailureType.VendorUnavailable,
    retryable: true,
    meaning: 'Percent is unavailable',
  },
];

/** Any status the contract does not list (e.g. 409, 422): the API changed under us. */
export const PERCENT_UNLISTED_STATUS: Omit<PercentErrorRow, 'status'> = {
  type: FailureType.VendorContractBroken,
  retryable: false,
  meaning: 'Percent answered a status its contract does not list',
  action: 'compare the Percent API changelog with src/vendors/percent and update the client',
};

export function percentErrorRow(status: number, code: string | undefined): Omit<PercentErrorRow, 'status'> {
  const row = PERCENT_ERRORS.find(
    (r) =>
      (r.status === status || (r.status === '5xx' && status >= 500 && status <= 599)) &&
      (r.code === undefined || r.code === code),
  );
  return row ?? PERCENT_UNLISTED_STATUS;
}
