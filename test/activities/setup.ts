/** Activities built by the factory, on real HTTP against the vendor simulators. */
import { createActivities } from '../../src/activities';
import { Secret } from '../../src/secret';
import { startVendorSimulators, type VendorSimulators } from '../../src/simulators';
import { AttestrClient } from '../../src/vendors/attestr/client';
import type { FailurePolicy } from '../../src/vendors/failure';
import { PercentClient } from '../../src/vendors/percent/client';

export const HOUR = 3_600_000;

// Distinctive values, so a leak anywhere is caught by a plain substring search.
export const PERCENT_KEY = 'sk_test_activity_LEAKCHECK_5f3a';
export const ATTESTR_TOKEN = 'attestr-activity-LEAKCHECK-91c4';

export const failurePolicy: FailurePolicy = {
  retryAfterCapMs: HOUR,
  dailyLimitRetryDelayMs: 6 * HOUR,
  lowCreditsRetryDelayMs: 2 * HOUR,
  random: () => 1,
};

export interface Harness {
  sims: VendorSimulators;
  activities: ReturnType<typeof createActivities>;
  percent: PercentClient;
  attestr: AttestrClient;
  close(): Promise<void>;
}

export async function startHarness(
  options: { percentKey?: string; attestrToken?: string; headersTimeoutMs?: number; heartbeatIntervalMs?: number } = {},
): Promise<Harness> {
  const sims = await startVendorSimulators({ percentApiKey: PERCENT_KEY, attestrAuthToken: ATTESTR_TOKEN });
  const http = { connectTimeoutMs: 2_000, headersTimeoutMs: options.headersTimeoutMs ?? 10_000, bodyTimeoutMs: 10_000 };
  const percent = new PercentClient(
    { ...http, vendor: 'percent', baseUrl: sims.percentBaseUrl },
    new Secret(options.percentKey ?? PERCENT_KEY),
  );
  const attestr = new AttestrClient(
    { ...http, vendor: 'attestr', baseUrl: sims.attestrBaseUrl },
    'v1',
    new Secret(options.attestrToken ?? ATTESTR_TOKEN),
  );
  return {
    sims,
    activities: createActivities({ percent, attestr, failurePolicy, heartbeatIntervalMs: options.heartbeatIntervalMs }),
    percent,
    attestr,
    async close() {
      await sims.close();
      await Promise.all([percent.close(), attestr.close()]);
    },
  };
}

/** Resolves to what the promise rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure, got success');
}

export const agent = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.org',
  organisationId: 'organisation_1',
  language: 'en-GB',
};
