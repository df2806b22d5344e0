/**
 * The business metrics on the worker's Prometheus endpoint, read after scenario runs: one check
 * approved (after a Percent 429), one rejected with its reason, one blocked on low credits, one
 * failed on a permanent vendor error.
 */
import { createServer } from 'node:net';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { prometheusMetrics } from '../../src/telemetry/metrics';
import { setUpLifecycle, type Lifecycle, type RunningWorkers } from '../workflows/lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;
let metricsUrl: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  Runtime.install({
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) },
      metrics: prometheusMetrics(port, '127.0.0.1'),
    },
  });
  lc = await setUpLifecycle('metrics');
  workers = await lc.startWorkers();
});

afterAll(async () => {
  await workers?.stop();
  await lc?.tearDown();
});

/** `name{labels} value` lines of the scrape whose labels include all of `labels`. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

it('counts checks started, closed by outcome and failure type, blocked by reason, and vendor calls', async () => {
  // Approved, after one 429 from Percent that asked for a 30 s wait.
  lc.sim.injectFault(
    'percent.createAgentVerification',
    { kind: 'percentError', status: 429, code: 'rate_limited', retryAfter: '30' },
    { times: 1 },
  );
  const approved = await lc.start(lc.newEvent());
  await lc.decide(approved, 'approved');
  await approved.result();

  const rejected = await lc.start(lc.newEvent());
  await lc.decide(rejected, 'rejected', 'identity_mismatch');
  await rejected.result();

  // Failed: Percent refuses the credentials (permanent).
  lc.sim.injectFault('percent.createAgentVerification', { kind: 'percentError', status: 401, code: 'unauthorized' });
  const failed = await lc.start(lc.newEvent());
  await expect(failed.result()).rejects.toThrow();
  lc.sim.clearFaults('percent.createAgentVerification');

  lc.sim.injectFault('attestr.associate', { kind: 'lowCredits' }, { times: 1 });
  const blocked = await lc.start(lc.newEvent());
  await lc.waitForStage(blocked, 'blocked');

  expect(await sample('bgcheck_checks_started_total')).toBe(4);
  expect(await sample('bgcheck_checks_closed_total', { outcome: 'approved', failure_type: 'none' })).toBe(1);
  expect(await sample('bgcheck_checks_closed_total', { outcome: 'rejected', failure_type: 'none' })).toBe(1);
  expect(await sample('bgcheck_checks_closed_total', { outcome: 'failed', failure_type: 'VendorAuthRejected' })).toBe(
    1,
  );
  expect(await sample('bgcheck_checks_closed_total')).toBe(3);
  expect(await sample('bgcheck_checks_blocked_total', { reason: 'LowCredits' })).toBe(1);
  expect(await sample('bgcheck_check_decision_seconds_count')).toBe(2);
  expect(await sample('bgcheck_check_decision_seconds_count', { outcome: 'rejected' })).toBe(1);

  const create = { vendor: 'percent', route: 'POST /v1/agent-verifications' };
  expect(await sample('bgcheck_vendor_calls_total', { ...create, status_class: '4xx' })).toBe(2);
  expect(await sample('bgcheck_vendor_calls_total', { ...create, status_class: '2xx' })).toBe(3);
  expect(await sample('bgcheck_vendor_rate_limited_total', create)).toBe(1);
  expect(await sample('bgcheck_vendor_rate_limit_wait_seconds_sum', { vendor: 'percent' })).toBe(30);
  expect(await sample('bgcheck_vendor_calls_total', { vendor: 'attestr', status_class: '2xx' })).toBe(2);
});
