/** Every Percent error class, through the client and the failure mapping. */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/failure-types';
import { toApplicationFailure } from '../../src/vendors/failure';
import { PERCENT_ERRORS } from '../../src/vendors/percent/errors';
import { VendorError } from '../../src/vendors/vendor-error';
import { mockVendors, policy, thrown } from './helpers';

const envelope = (code: string) =>
  JSON.stringify({ error: { code, title: 'T', message: 'ada@example.org is bad', reasons: ['email'] } });

// Written out from /shared/vendors/percent.md, independently of src/vendors/percent/errors.ts.
const expected: [status: number, body: string, type: FailureType, retryable: boolean][] = [
  [400, envelope('idempotency/original_call_in_progress'), FailureType.IdempotencyInProgress, true],
  [400, envelope('idempotency/same_key_different_data'), FailureType.IdempotencyConflict, false],
  [400, envelope('idempotency/key_already_in_use'), FailureType.IdempotencyConflict, false],
  [400, envelope('validation_error'), FailureType.BadRequest, false],
  [401, '', FailureType.VendorAuthRejected, false],
  [403, envelope('forbidden'), FailureType.VendorAuthRejected, false],
  [404, envelope('not_found'), FailureType.NotFound, false],
  [429, envelope('rate_limited'), FailureType.RateLimited, true],
  [500, envelope('internal_error'), FailureType.VendorUnavailable, true],
  [503, '<html>maintenance</html>', FailureType.VendorUnavailable, true],
  [409, envelope('conflict'), FailureType.VendorContractBroken, false],
];

const request = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'organisation_1' };

async function createFailure(status: number, body: string, headers: Record<string, string> = {}) {
  const { pool, percent } = mockVendors();
  pool.intercept({ path: '/v1/agent-verifications', method: 'POST' }).reply(status, body, { headers });
  const err = await thrown(() => percent.createAgentVerification(request, 'check-1'));
  expect(err).toBeInstanceOf(VendorError);
  return toApplicationFailure(err, policy) as ApplicationFailure;
}

describe('Percent error classes', () => {
  it('covers every row of the table', () => {
    const covered = new Set(expected.map(([, , type]) => type));
    for (const row of PERCENT_ERRORS) expect(covered).toContain(row.type);
  });

  it.each(expected)('HTTP %i %s → %s, retryable %s', async (status, body, type, retryable) => {
    const failure = await createFailure(status, body);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(!retryable);
    expect(failure.details).toEqual([expect.objectContaining({ vendor: 'percent', httpStatus: status })]);
    expect(JSON.stringify(failure.details) + failure.message).not.toContain('ada@example.org');
    if (!retryable) expect(failure.message).toContain('To fix:');
  });

  it('honours Retry-After on 429 and 5xx (seconds, HTTP date, capped) and backs off without it', async () => {
    expect((await createFailure(429, '', { 'retry-after': '3' })).nextRetryDelay).toBe(3_000);
    expect((await createFailure(503, '', { 'retry-after': 'Sat, 21 Nov 2026 12:00:10 GMT' })).nextRetryDelay).toBe(
      10_000,
    );
    expect((await createFailure(429, '', { 'retry-after': '86400' })).nextRetryDelay).toBe(3_600_000);
    expect((await createFailure(429, '')).nextRetryDelay).toBe(1_000);
    expect((await createFailure(500, '')).nextRetryDelay).toBeUndefined();
  });

  it('names the fix for a refused key without showing the key', async () => {
    const failure = await createFailure(401, '');
    expect(failure.message).toContain('PERCENT_API_KEY');
    expect(failure.message).not.toContain('sk_test_unit');
  });
});
