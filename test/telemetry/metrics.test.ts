/**
 * The business metrics on the worker's Prometheus endpoint, read after scenario runs: one check
 * approved (after a Percent 429), one rejected with its reason, one blocked on low credits, one
 * failed on a permanent vendor error; and the ingress's webhook deliveries. Then the Grafana
 * dashboard of the compose stack is held against the same scrape: every metric a panel queries
 * is one these processes export, with the labels the panel uses.
 */
import { createServer } from 'node:net';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { Secret } from '../../src/secret';
import { prometheusMetrics } from '../../src/telemetry/metrics';
import { dashboardQueries, promqlRefs, SCRAPE_LABELS } from '../deploy/observability-files';
import { percentEvent, recordingChecks, startTestIngress } from '../ingress/helpers';
import { setUpLifecycle, type Lifecycle, type RunningWorkers } from '../workflows/lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;
let ingress: Awaited<ReturnType<typeof startTestIngress>>;
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
  // The ingress records on the same runtime's meter (one endpoint per process, as in production).
  ingress = await startTestIngress({ checks: recordingChecks().checks, metricMeter: Runtime.instance().metricMeter });
  await runScenarios();
});

afterAll(async () => {
  await ingress?.close();
  await workers?.stop();
  await lc?.tearDown();
});

/** The SDK's metrics the dashboard shows: task latencies, slots, sticky cache, failures. */
const SDK_METRICS = [
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_task_replay_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency',
  'temporal_activity_execution_failed_total',
  'temporal_workflow_completed_total',
  'temporal_workflow_failed_total',
  'temporal_worker_task_slots_available',
  'temporal_worker_task_slots_used',
  'temporal_sticky_cache_size',
  'temporal_sticky_cache_hit_total',
];

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The scrape as series (`name{labels} value` lines). */
async function scrape(): Promise<Series[]> {
  const text = await (await fetch(metricsUrl)).text();
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return series;
}

/** Sum of the series named `name` whose labels include all of `labels`. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await scrape())
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function runScenarios() {
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

  // Webhook deliveries at the ingress: one accepted, one with a bad signature.
  expect((await ingress.postWebhook(percentEvent())).status).toBe(200);
  expect((await ingress.postWebhook(percentEvent({ id: 'event_2' }), new Secret('not-the-secret'))).status).toBe(401);
}

it('counts checks started, closed by outcome and failure type, blocked by reason, and vendor calls', async () => {
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

it('counts webhook deliveries at the ingress by result', async () => {
  expect(await sample('bgcheck_webhook_deliveries_total', { result: 'accepted' })).toBe(1);
  expect(await sample('bgcheck_webhook_deliveries_total', { result: 'bad_signature' })).toBe(1);
});

describe('the Grafana dashboard (deploy/grafana/dashboards/)', () => {
  it('queries only metrics these processes export, by labels they carry', async () => {
    const series = await scrape();
    const labelsOf = new Map<string, Set<string>>();
    for (const s of series) {
      const labels = labelsOf.get(s.name) ?? new Set(SCRAPE_LABELS);
      // A histogram's `le` is on its _bucket series only, as the scrape shows.
      Object.keys(s.labels).forEach((l) => labels.add(l));
      labelsOf.set(s.name, labels);
    }
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { panel, expr } of queries) {
      const { metrics, labels } = promqlRefs(expr);
      const missing = metrics.filter((m) => !labelsOf.has(m));
      missing.forEach((metric) => problems.push(`${panel}: ${metric} is not exported`));
      if (missing.length > 0) continue;
      const known = new Set(metrics.flatMap((m) => [...labelsOf.get(m)!]));
      for (const label of labels.filter((l) => !known.has(l)))
        problems.push(`${panel}: no label ${label} on ${metrics}`);
    }
    expect(problems).toEqual([]);
  });

  it('covers the business metrics and the SDK task latencies, slots and sticky cache', () => {
    const queried = new Set(dashboardQueries().flatMap(({ expr }) => promqlRefs(expr).metrics));
    const families = [...queried].map((m) => m.replace(/_(bucket|sum|count)$/, ''));
    expect(new Set(families)).toEqual(
      new Set([
        'bgcheck_checks_started_total',
        'bgcheck_checks_closed_total',
        'bgcheck_check_decision_seconds',
        'bgcheck_checks_blocked_total',
        'bgcheck_vendor_calls_total',
        'bgcheck_vendor_rate_limited_total',
        'bgcheck_vendor_rate_limit_wait_seconds',
        'bgcheck_webhook_deliveries_total',
        ...SDK_METRICS,
      ]),
    );
  });
});
