import { msToNumber } from '@temporalio/common/lib/time';
import { loadHttpConfig } from '../src/config';
import { BLOCKING_FAILURE_TYPES, FailureType } from '../src/failure-types';
import { activityOptions, lifecycleActivityOptions, NON_RETRYABLE_TYPES } from '../src/retry-policies';
import { ATTESTR_ERRORS } from '../src/vendors/attestr/errors';
import { PERCENT_ERRORS } from '../src/vendors/percent/errors';

const names = Object.keys(activityOptions) as (keyof typeof activityOptions)[];

describe('retry policies', () => {
  it('never lists as non-retryable a failure the vendor tables call retryable, nor the reverse', () => {
    for (const row of [...PERCENT_ERRORS, ...Object.values(ATTESTR_ERRORS)]) {
      expect([row.type, NON_RETRYABLE_TYPES.includes(row.type)]).toEqual([row.type, !row.retryable]);
    }
  });

  it('lets the lifecycle see daily limits and low credits at once, and standalone use wait them out', () => {
    for (const name of names) {
      expect(lifecycleActivityOptions[name].retry?.nonRetryableErrorTypes).toEqual(
        expect.arrayContaining([...BLOCKING_FAILURE_TYPES]),
      );
      for (const blocking of BLOCKING_FAILURE_TYPES) {
        expect(activityOptions[name].retry?.nonRetryableErrorTypes).not.toContain(blocking);
      }
      expect(activityOptions[name].retry?.nonRetryableErrorTypes).not.toContain(FailureType.RateLimited);
    }
  });

  it('gives every call time for the default HTTP timeouts, and heartbeats to carry cancellation', () => {
    const http = loadHttpConfig({});
    const oneCall = http.VENDOR_CONNECT_TIMEOUT + http.VENDOR_HEADERS_TIMEOUT + http.VENDOR_BODY_TIMEOUT;
    for (const name of names) {
      const options = activityOptions[name];
      expect(msToNumber(options.startToCloseTimeout!)).toBeGreaterThan(oneCall);
      expect(options.heartbeatTimeout).toBeDefined();
      expect(msToNumber(options.scheduleToCloseTimeout!)).toBeGreaterThan(msToNumber(options.startToCloseTimeout!));
    }
    // Associate may read the profile before associating on a retry: two calls.
    expect(msToNumber(activityOptions.associateAsyncRequest.startToCloseTimeout!)).toBeGreaterThan(2 * oneCall);
  });
});
