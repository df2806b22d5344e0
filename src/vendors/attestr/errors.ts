/**
 * Attestr's error table for the associate call (seed page `seed-attestr-associate-item.txt`) as
 * data: code → HTTP status, meaning, failure type, whether retrying can help, what to do.
 * Codes are per API version; these are v1's, which later versions keep for this call.
 */
import { FailureType } from '../../failure-types';

export interface AttestrErrorRow {
  httpStatus: number;
  meaning: string;
  type: FailureType;
  retryable: boolean;
  /** What a person must fix (non-retryable rows, and the blocking ones). */
  action?: string;
}

export const ATTESTR_ERRORS = {
  4001: {
    httpStatus: 400,
    meaning: 'malformed data or missing required values',
    type: FailureType.BadRequest,
    retryable: false,
    action: 'the worker sent an invalid associate request: check the profile id and asyncRequest id of the check',
  },
  4003: {
    httpStatus: 400,
    meaning: 'the asyncRequest id is invalid',
    type: FailureType.BadRequest,
    retryable: false,
    action: 'check the asyncRequest id given to the check: it must come from an Attestr async verification API',
  },
  4005: {
    httpStatus: 400,
    meaning: 'low credit balance',
    type: FailureType.LowCredits,
    retryable: true,
    action: 'top up the Attestr account credits, then send the check a `resume` signal',
  },
  40018: {
    httpStatus: 400,
    meaning: 'invalid profile id, or no access to the profile',
    type: FailureType.ProfileNotUsable,
    retryable: false,
    action: 'check the profileId of the onboarding event and that ATTESTR_AUTH_TOKEN belongs to the app owning it',
  },
  40038: {
    httpStatus: 400,
    meaning: 'the profile is archived',
    type: FailureType.ProfileNotUsable,
    retryable: false,
    action: 'the profile is archived for good: create a new Attestr profile and start a new check with it',
  },
  40039: {
    httpStatus: 400,
    meaning: 'this async request type cannot be associated with a background-check profile',
    type: FailureType.ProfileNotUsable,
    retryable: false,
    action: 'use an education, work or document verification request as the asyncRequest',
  },
  4016: {
    httpStatus: 401,
    meaning: 'invalid client authorization',
    type: FailureType.VendorAuthRejected,
    retryable: false,
    action: 'set ATTESTR_AUTH_TOKEN to the Basic token issued by the Attestr dashboard for ATTESTR_BASE_URL',
  },
  4031: {
    httpStatus: 403,
    meaning: 'unauthorized access',
    type: FailureType.VendorAuthRejected,
    retryable: false,
    action: 'give the Attestr app behind ATTESTR_AUTH_TOKEN access to background-check profiles',
  },
  4035: {
    httpStatus: 403,
    meaning: 'the service is not provisioned for the account',
    type: FailureType.VendorAuthRejected,
    retryable: false,
    action: 'ask Attestr to provision background-check profiles (factx) for the account',
  },
  4039: {
    httpStatus: 403,
    meaning: "the client's IP address is not allow-listed",
    type: FailureType.VendorAuthRejected,
    retryable: false,
    action: "add the worker's egress IP address to the Attestr app's allow-list",
  },
  4291: {
    httpStatus: 429,
    meaning: 'account rate limit (per second) exceeded',
    type: FailureType.RateLimited,
    retryable: true,
  },
  4292: {
    httpStatus: 429,
    meaning: 'API rate limit (per second) exceeded',
    type: FailureType.RateLimited,
    retryable: true,
  },
  4293: {
    httpStatus: 429,
    meaning: 'account daily limit exceeded',
    type: FailureType.DailyLimitReached,
    retryable: true,
    action: 'wait for the daily window (ATTESTR_DAILY_LIMIT_RETRY_DELAY) or ask Attestr to raise the daily limit',
  },
  4294: {
    httpStatus: 429,
    meaning: 'API daily limit exceeded',
    type: FailureType.DailyLimitReached,
    retryable: true,
    action: 'wait for the daily window (ATTESTR_DAILY_LIMIT_RETRY_DELAY) or ask Attestr to raise the daily limit',
  },
  5001: {
    httpStatus: 500,
    meaning: 'the request could not be processed',
    type: FailureType.VendorUnavailable,
    retryable: true,
  },
} as const satisfies Record<number, AttestrErrorRow>;

export type AttestrErrorCode = keyof typeof ATTESTR_ERRORS;

/**
 * A code the table does not list (a new version's code, or none at all): judge by the HTTP
 * status alone, the way the table groups them.
 */
export function attestrFallbackRow(httpStatus: number): AttestrErrorRow {
  if (httpStatus === 429)
    return { httpStatus, meaning: 'rate limited', type: FailureType.RateLimited, retryable: true };
  if (httpStatus >= 500) {
    return { httpStatus, meaning: 'Attestr is unavailable', type: FailureType.VendorUnavailable, retryable: true };
  }
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      httpStatus,
      meaning: 'Attestr refused the credentials',
      type: FailureType.VendorAuthRejected,
      retryable: false,
      action: 'check ATTESTR_AUTH_TOKEN, ATTESTR_BASE_URL and the app allow-list in the Attestr dashboard',
    };
  }
  return {
    httpStatus,
    meaning: 'Attestr answered an error its contract does not list',
    type: FailureType.VendorContractBroken,
    retryable: false,
    action: 'compare the Attestr API docs for ATTESTR_API_VERSION with src/vendors/attestr and update the client',
  };
}

export function attestrErrorRow(code: number | undefined, httpStatus: number): AttestrErrorRow {
  const row = code === undefined ? undefined : (ATTESTR_ERRORS as Record<number, AttestrErrorRow>)[code];
  return row ?? attestrFallbackRow(httpStatus);
}
