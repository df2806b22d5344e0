/** Every row of Attestr's associate error table, through the client and the failure mapping. */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/failure-types';
import { ATTESTR_ERRORS } from '../../src/vendors/attestr/errors';
import { toApplicationFailure } from '../../src/vendors/failure';
import { VendorError } from '../../src/vendors/vendor-error';
import { mockVendors, policy, thrown } from './helpers';

const HOUR = 3_600_000;

// Written out from the seed page, independently of src/vendors/attestr/errors.ts.
const expected: [code: number, status: number, type: FailureType, retryable: boolean, delay: number | undefined][] = [
  [4001, 400, FailureType.BadRequest, false, undefined],
  [4003, 400, FailureType.BadRequest, false, undefined],
  [4005, 400, FailureType.LowCredits, true, 2 * HOUR],
  [40018, 400, FailureType.ProfileNotUsable, false, undefined],
  [40038, 400, FailureType.ProfileNotUsable, false, undefined],
  [40039, 400, FailureType.ProfileNotUsable, false, undefined],
  [4016, 401, FailureType.VendorAuthRejected, false, undefined],
  [4031, 403, FailureType.VendorAuthRejected, false, undefined],
  [4035, 403, FailureType.VendorAuthRejected, false, undefined],
  [4039, 403, FailureType.VendorAuthRejected, false, undefined],
  [4291, 429, FailureType.RateLimited, true, 1_000],
  [4292, 429, FailureType.RateLimited, true, 1_000],
  [4293, 429, FailureType.DailyLimitReached, true, 6 * HOUR],
  [4294, 429, FailureType.DailyLimitReached, true, 6 * HOUR],
  [5001, 500, FailureType.VendorUnavailable, true, undefined],
];

async function associateFailure(status: number, body: unknown, headers: Record<string, string> = {}, attempt = 1) {
  const { pool, attestr } = mockVendors();
  pool
    .intercept({ path: '/api/v1/public/factx/PR1/associate', method: 'PUT' })
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), { headers });
  const err = await thrown(() => attestr.associate('PR1', 'AR1'));
  expect(err).toBeInstanceOf(VendorError);
  const failure = toApplicationFailure(err, policy, attempt);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

describe('Attestr error table', () => {
  it('lists exactly the codes of the seed page', () => {
    expect(Object.keys(ATTESTR_ERRORS).map(Number).sort()).toEqual(expected.map(([code]) => code).sort());
  });

  it.each(expected)('code %i (HTTP %i) → %s, retryable %s, delay %s', async (code, status, type, retryable, delay) => {
    expect(ATTESTR_ERRORS[code as keyof typeof ATTESTR_ERRORS].httpStatus).toBe(status);
    const failure = await associateFailure(status, { code, message: 'vendor text', details: 'ada@example.org' });
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(!retryable);
    expect(failure.nextRetryDelay).toBe(delay);
    expect(failure.details).toEqual([expect.objectContaining({ vendor: 'attestr', httpStatus: status, code })]);
    // The vendor's free text (which may quote personal data) is not carried along.
    expect(JSON.stringify(failure.details) + failure.message).not.toMatch(/vendor text|ada@example/);
    if (!retryable) expect(failure.message).toContain('To fix:');
  });

  it('backs off per-second limits exponentially with jitter when there is no Retry-After', async () => {
    const third = await associateFailure(429, { code: 4291, message: 'x' }, {}, 3);
    expect(third.nextRetryDelay).toBe(4_000);
    const { jitteredBackoffMs } = await import('../../src/vendors/failure');
    expect(jitteredBackoffMs(3, { ...policy, random: () => 0 })).toBe(2_000);
    expect(jitteredBackoffMs(30, policy)).toBe(60_000);
  });

  it('honours Retry-After in seconds and as an HTTP date, capped', async () => {
    expect((await associateFailure(429, { code: 4292 }, { 'retry-after': '7' })).nextRetryDelay).toBe(7_000);
    const dated = await associateFailure(429, { code: 4291 }, { 'retry-after': 'Sat, 21 Nov 2026 12:02:00 GMT' });
    expect(dated.nextRetryDelay).toBe(120_000);
    expect((await associateFailure(429, { code: 4291 }, { 'retry-after': '999999' })).nextRetryDelay).toBe(HOUR);
    expect((await associateFailure(500, { code: 5001 }, { 'retry-after': '30' })).nextRetryDelay).toBe(30_000);
  });

  it('uses Retry-After for a daily limit when sent, the daily window otherwise', async () => {
    expect((await associateFailure(429, { code: 4294 }, { 'retry-after': '120' })).nextRetryDelay).toBe(120_000);
    expect((await associateFailure(429, { code: 4293 })).nextRetryDelay).toBe(6 * HOUR);
  });

  it('waits the low-credits delay whatever the headers say: a person must top up', async () => {
    expect((await associateFailure(400, { code: 4005 }, { 'retry-after': '1' })).nextRetryDelay).toBe(2 * HOUR);
  });

  it('judges unlisted codes and bodies by the HTTP status', async () => {
    expect((await associateFailure(429, { code: 4299 })).type).toBe(FailureType.RateLimited);
    expect((await associateFailure(503, '<html>bad gateway</html>')).type).toBe(FailureType.VendorUnavailable);
    expect((await associateFailure(403, '')).type).toBe(FailureType.VendorAuthRejected);
    const unknown = await associateFailure(400, { code: '40077', message: 'new in v4' });
    expect(unknown.type).toBe(FailureType.VendorContractBroken);
    expect(unknown.nonRetryable).toBe(true);
    expect(unknown.details).toEqual([expect.objectContaining({ code: 40077 })]);
  });
});
