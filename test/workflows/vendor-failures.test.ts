import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { FailureType } from '../../src/failure-types';
import { blockingOf, vendorFailureOf, workflowFailureFor } from '../../src/workflows/vendor-failures';

const activityFailed = (cause: Error) =>
  new ActivityFailure(
    'Activity task failed',
    'associateAsyncRequest',
    '1',
    RetryState.NON_RETRYABLE_FAILURE,
    'w',
    cause,
  );

const vendor = (type: string, message = `${type} happened`) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: [{ code: 40038 }] });

describe('vendor failures seen by the workflow', () => {
  it.each([FailureType.DailyLimitReached, FailureType.LowCredits])('%s blocks the check', (type) => {
    expect(blockingOf(activityFailed(vendor(type)))).toMatchObject({
      type,
      reason: expect.stringContaining('Attestr'),
    });
  });

  it('takes the wait from the failure details the vendor layer fills in', () => {
    const failure = ApplicationFailure.create({
      type: FailureType.DailyLimitReached,
      nonRetryable: true,
      details: [{ vendor: 'attestr', operation: 'PUT associate', retryDelayMs: 3_600_000 }],
    });
    expect(blockingOf(activityFailed(failure))?.retryDelayMs).toBe(3_600_000);
    expect(blockingOf(activityFailed(vendor(FailureType.LowCredits)))?.retryDelayMs).toBeUndefined();
  });

  it.each([FailureType.ProfileNotUsable, FailureType.RateLimited, FailureType.VendorAuthRejected])(
    '%s does not block',
    (type) => {
      expect(blockingOf(activityFailed(vendor(type)))).toBeUndefined();
    },
  );

  it('fails the workflow with the vendor type and message, non-retryable', () => {
    const failure = workflowFailureFor(
      activityFailed(vendor(FailureType.ProfileNotUsable, 'Attestr profile is archived')),
      'Associating',
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: FailureType.ProfileNotUsable,
      nonRetryable: true,
      message: 'Associating failed: Attestr profile is archived',
      details: [{ code: 40038 }],
    });
  });

  it('reports an activity that timed out as the vendor being unavailable', () => {
    const failure = workflowFailureFor(
      activityFailed(new TimeoutFailure('timed out', undefined, TimeoutType.SCHEDULE_TO_CLOSE)),
      'Reading',
    );
    expect(failure).toMatchObject({ type: FailureType.VendorUnavailable, nonRetryable: true });
    expect(failure?.message).toContain('did not answer in time');
  });

  it('leaves errors that are not Temporal failures to the caller (a bug: the workflow task retries)', () => {
    expect(workflowFailureFor(new TypeError('x is undefined'), 'Reading')).toBeUndefined();
    expect(vendorFailureOf(new TypeError('x'))).toBeUndefined();
  });
});
