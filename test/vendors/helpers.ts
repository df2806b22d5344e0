/** Vendor clients on an undici `MockAgent`: unit tests of mapping and parsing, no sockets. */
import { MockAgent } from 'undici';
import { AttestrClient } from '../../src/vendors/attestr/client';
import type { FailurePolicy } from '../../src/vendors/failure';
import { PercentClient } from '../../src/vendors/percent/client';
import { Secret } from '../../src/secret';

export const PERCENT_KEY = 'sk_test_unit_9f1c2e';
export const ATTESTR_TOKEN = 'attestr-unit-token-77ab';
export const ORIGIN = 'http://vendor.test';

export const policy: FailurePolicy = {
  retryAfterCapMs: 3_600_000,
  dailyLimitRetryDelayMs: 6 * 3_600_000,
  lowCreditsRetryDelayMs: 2 * 3_600_000,
  random: () => 1,
  now: () => Date.parse('2026-11-21T12:00:00Z'),
};

export function mockVendors() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const http = { connectTimeoutMs: 1000, headersTimeoutMs: 1000, bodyTimeoutMs: 1000, dispatcher: agent };
  const percent = new PercentClient({ ...http, vendor: 'percent', baseUrl: ORIGIN }, new Secret(PERCENT_KEY));
  const attestr = new AttestrClient({ ...http, vendor: 'attestr', baseUrl: ORIGIN }, 'v1', new Secret(ATTESTR_TOKEN));
  return { agent, pool: agent.get(ORIGIN), percent, attestr };
}

/** Runs `fn` and answers what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure, got success');
}

export const verification = (extra: Record<string, unknown> = {}) => ({
  id: 'agv_1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  organisationId: 'organisation_1',
  organisation: { id: 'organisation_1', email: null, name: 'Analytical Engines' },
  email: 'ada@example.org',
  language: 'en',
  validationRequestId: null,
  validationRequest: { name: null, title: null },
  rejectionReason: null,
  rejectionReasonCode: null,
  createdAt: '2026-11-21T10:00:00.000Z',
  status: 'pending_review',
  externalActionRequired: false,
  object: 'agent_verification',
  ...extra,
});
