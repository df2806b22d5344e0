import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { FailureType } from '../../src/failure-types';
import { HOUR, rejection, startHarness, type Harness } from './setup';

let h: Harness;
let profileId: string;
let asyncRequestId: string;

beforeEach(async () => {
  h = await startHarness();
  profileId = h.sims.attestr.addProfile();
  asyncRequestId = h.sims.attestr.addAsyncRequest('education');
});
afterEach(async () => {
  await h.close();
});

const associate = (attempt = 1, input = { profileId, asyncRequestId }) =>
  new MockActivityEnvironment({ attempt }).run(h.activities.associateAsyncRequest, input);

async function associateFailure(attempt = 1, input = { profileId, asyncRequestId }): Promise<ApplicationFailure> {
  const err = await rejection(associate(attempt, input));
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

// Independent of src/vendors/attestr/errors.ts: written from the seed page.
const table: [code: number, type: FailureType, nonRetryable: boolean, delay: number | undefined][] = [
  [4001, FailureType.BadRequest, true, undefined],
  [4003, FailureType.BadRequest, true, undefined],
  [4005, FailureType.LowCredits, false, 2 * HOUR],
  [40018, FailureType.ProfileNotUsable, true, undefined],
  [40038, FailureType.ProfileNotUsable, true, undefined],
  [40039, FailureType.ProfileNotUsable, true, undefined],
  [4016, FailureType.VendorAuthRejected, true, undefined],
  [4031, FailureType.VendorAuthRejected, true, undefined],
  [4035, FailureType.VendorAuthRejected, true, undefined],
  [4039, FailureType.VendorAuthRejected, true, undefined],
  [4291, FailureType.RateLimited, false, 1_000],
  [4292, FailureType.RateLimited, false, 1_000],
  [4293, FailureType.DailyLimitReached, false, 6 * HOUR],
  [4294, FailureType.DailyLimitReached, false, 6 * HOUR],
  [5001, FailureType.VendorUnavailable, false, undefined],
];

describe('Attestr activities', () => {
  it('associates the async request with the profile in one call on a first attempt', async () => {
    expect(await associate()).toEqual({ alreadyAssociated: false });
    expect(h.sims.attestr.profileItems(profileId)).toEqual([asyncRequestId]);
    expect(h.sims.requestCount('attestr.associate')).toBe(1);
    expect(h.sims.requestCount('attestr.getProfile')).toBe(0);
  });

  it('is safe to repeat after a lost response: a retry finds the item and does not associate again', async () => {
    // Attestr carries the first attempt out, but its answer never comes back.
    h.sims.injectFault('attestr.associate', { kind: 'dropConnection', afterProcessing: true }, { times: 1 });
    expect(await associateFailure(1)).toMatchObject({ type: FailureType.VendorUnavailable, nonRetryable: false });
    expect(h.sims.attestr.profileItems(profileId)).toEqual([asyncRequestId]);

    expect(await associate(2)).toEqual({ alreadyAssociated: true });
    expect(h.sims.requestCount('attestr.associate')).toBe(1);
    expect(h.sims.attestr.profileItems(profileId)).toEqual([asyncRequestId]);
  });

  it('associates on a retry when the earlier attempt did not get through', async () => {
    expect(await associate(3)).toEqual({ alreadyAssociated: false });
    expect(h.sims.requestCount('attestr.getProfile')).toBe(1);
    expect(h.sims.attestr.profileItems(profileId)).toEqual([asyncRequestId]);
  });

  it.each(table)('maps code %i to %s (non-retryable: %s, delay %s)', async (code, type, nonRetryable, delay) => {
    h.sims.injectFault('attestr.associate', { kind: 'attestrError', code }, { times: 1 });
    const failure = await associateFailure();
    expect(failure).toMatchObject({ type, nonRetryable });
    expect(failure.nextRetryDelay).toBe(delay);
    expect(failure.details?.[0]).toMatchObject({ vendor: 'attestr', code });
    if (nonRetryable) expect(failure.message).toContain('To fix:');
  });

  it('meets the real errors of the contract: unknown and archived profiles, bad items, wrong token', async () => {
    expect(await associateFailure(1, { profileId: 'PRunknown', asyncRequestId })).toMatchObject({
      type: FailureType.ProfileNotUsable,
      details: [expect.objectContaining({ code: 40018 })],
    });
    expect(await associateFailure(1, { profileId, asyncRequestId: 'ARunknown' })).toMatchObject({
      type: FailureType.BadRequest,
      details: [expect.objectContaining({ code: 4003 })],
    });
    const kyc = h.sims.attestr.addAsyncRequest('kyc');
    expect(await associateFailure(1, { profileId, asyncRequestId: kyc })).toMatchObject({
      type: FailureType.ProfileNotUsable,
      details: [expect.objectContaining({ code: 40039 })],
    });
    h.sims.attestr.archiveProfile(profileId);
    expect(await associateFailure()).toMatchObject({
      type: FailureType.ProfileNotUsable,
      details: [expect.objectContaining({ code: 40038 })],
    });

    const wrong = await startHarness({ attestrToken: 'not-the-token' });
    try {
      const err = await rejection(
        new MockActivityEnvironment().run(wrong.activities.associateAsyncRequest, { profileId, asyncRequestId }),
      );
      expect(err).toMatchObject({ type: FailureType.VendorAuthRejected, nonRetryable: true });
      expect((err as Error).message).toContain('ATTESTR_AUTH_TOKEN');
    } finally {
      await wrong.close();
    }
  });

  it('honours Retry-After on per-second and daily limits, capped', async () => {
    h.sims.injectFault('attestr.associate', { kind: 'attestrError', code: 4291, retryAfter: '5' }, { times: 1 });
    expect((await associateFailure()).nextRetryDelay).toBe(5_000);
    h.sims.injectFault('attestr.associate', { kind: 'attestrError', code: 4293, retryAfter: '86400' }, { times: 1 });
    expect((await associateFailure()).nextRetryDelay).toBe(HOUR);
  });

  it('waits the daily window after the daily limit and the low-credits delay on low credits', async () => {
    h.sims.injectFault('attestr.associate', { kind: 'dailyLimit', perDay: 0 });
    expect(await associateFailure()).toMatchObject({ type: FailureType.DailyLimitReached, nextRetryDelay: 6 * HOUR });
    h.sims.clearFaults();
    h.sims.injectFault('attestr.associate', { kind: 'lowCredits' });
    expect(await associateFailure()).toMatchObject({ type: FailureType.LowCredits, nextRetryDelay: 2 * HOUR });
  });

  it('backs off under a real per-second limiter', async () => {
    h.sims.injectFault('attestr.associate', { kind: 'rateLimit', perSecond: 0 });
    expect(await associateFailure(2)).toMatchObject({ type: FailureType.RateLimited, nextRetryDelay: 2_000 });
  });

  it('aborts its HTTP request when the activity is cancelled', async () => {
    h.sims.injectFault('attestr.associate', { kind: 'hang' });
    const env = new MockActivityEnvironment();
    const running = rejection(env.run(h.activities.associateAsyncRequest, { profileId, asyncRequestId }));
    await h.sims.waitForRequests('attestr.associate', 1);
    env.cancel();
    expect(await running).toBeInstanceOf(CancelledFailure);
    // The simulator sees the hung request's connection closed by the client (it would hang otherwise).
    await h.sims.waitForSettled('attestr.associate');
    expect(h.sims.attestr.profileItems(profileId)).toEqual([]);
  });
});
