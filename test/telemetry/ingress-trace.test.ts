/**
 * One check, one trace, from the front door: the onboarding event is POSTed to the ingress
 * process (`src/ingress/main.ts`, as `npm run ingress` runs it, exporting its spans over OTLP to a
 * receiver in this test), and the check is decided by the simulated Percent's signed webhook
 * POSTed to the same ingress. The check's trace begins with the ingress's request span and holds
 * the workflow start and run, each activity attempt and each vendor call (the simulator received
 * this trace's `traceparent`); the webhook delivery is a trace of its own, linked to the check's.
 * The worker side alone (retries, no personal data in spans) is in worker-tracing.test.ts.
 *
 * The ingress runs as a process because its incoming-HTTP spans come from the node:http
 * instrumentation, which patches `node:http` through a require hook that jest's module system
 * bypasses; the workers run here (their spans do not depend on require hooks).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivitiesFromEnv } from '../../src/activities';
import { loadTelemetryConfig } from '../../src/config';
import { startVendorSimulators, type VendorSimulators } from '../../src/simulators';
import { spanForest, type SpanNode } from '../../src/telemetry/span-tree';
import { startTracing, type Tracing } from '../../src/telemetry/tracing';
import { createWorkers } from '../../src/worker';
import { statusQuery } from '../../src/workflows/definitions';
import { startOtlpSink, type OtlpSink } from '../helpers/otlp-sink';
import { createLocalEnv } from '../helpers/temporal-env';
import { testWorkersConfig } from '../helpers/workers-config';
import { appWorkflowBundle } from '../helpers/workflow-bundle';
import { AUTH_TOKEN, WEBHOOK_SECRET } from '../ingress/helpers';

const ROOT = path.resolve(__dirname, '../..');
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let env: TestWorkflowEnvironment;
let sink: OtlpSink;
let ingress: { url: string; process: ChildProcess; exited: Promise<number | null> };
let sim: VendorSimulators;
let stopWorkers: () => Promise<void>;
const config = testWorkersConfig('ingress-trace', 'default');

/** `traceparent` of each request the vendor simulator received. */
const vendorRequests: { path: string; traceparent: string | undefined }[] = [];
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  if (sim && `http://${request.headers.host}` === sim.url) {
    vendorRequests.push({ path: request.url ?? '', traceparent: request.headers.traceparent as string | undefined });
  }
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts `npm run ingress`'s entry point and resolves once it logged that it listens. */
async function startIngressProcess(environment: Record<string, string>) {
  const port = await freePort();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/ingress/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, INGRESS_PORT: String(port), METRICS_PORT: String(await freePort()), ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"ingress listening"')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`the ingress exited (${code}): ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, process: child, exited };
}

/**
 * A POST through node:http, which this process does not trace (undici's calls are traced here
 * and would send a `traceparent`): the ingress's request span is then the root of the trace.
 */
function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_TOKEN}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  tracing = startTracing({
    config: loadTelemetryConfig({}),
    defaultServiceName: 'test',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  subscribe('http.server.request.start', onRequest);
  sink = await startOtlpSink();
  // One after the other: the SDK gives the server 5 s to come up, which bundling beside it can eat.
  env = await createLocalEnv();
  const workflowBundle = await appWorkflowBundle();
  ingress = await startIngressProcess({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    PERCENT_WEBHOOK_SECRET: WEBHOOK_SECRET.reveal(),
    INGRESS_AUTH_TOKENS: AUTH_TOKEN,
    LOG_LEVEL: 'info', // its 'ingress listening' line says it is up
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  });
  sim = await startVendorSimulators({
    webhook: { url: `${ingress.url}/webhooks/percent`, secret: WEBHOOK_SECRET.reveal() },
  });
  const { activities, close } = createActivitiesFromEnv({
    PERCENT_BASE_URL: sim.url,
    PERCENT_API_KEY: sim.percentApiKey,
    ATTESTR_BASE_URL: sim.url,
    ATTESTR_AUTH_TOKEN: sim.attestrAuthToken,
  });
  const workers = await createWorkers({
    connection: env.nativeConnection,
    config,
    activities,
    workflowBundle,
    shutdownGraceTime: '1 second',
    tracing,
  });
  const running = workers.run();
  stopWorkers = async () => {
    workers.shutdown();
    await running;
    await close();
  };
});

afterAll(async () => {
  unsubscribe('http.server.request.start', onRequest);
  ingress?.process.kill('SIGTERM');
  await ingress?.exited;
  await stopWorkers?.();
  await sim?.close();
  await sink?.close();
  await env?.teardown();
  await tracing?.shutdown();
});

const walk = (nodes: SpanNode[]): SpanNode[] => nodes.flatMap((n) => [n, ...walk(n.children)]);
const named = (nodes: SpanNode[], name: string) => walk(nodes).filter((n) => n.span.name === name);
/** The ingress's own span of an incoming request (node:http instrumentation) to `path`. */
const serverSpan = (spans: ReadableSpan[], path: string) =>
  spans.filter((s) => s.kind === SpanKind.SERVER && s.attributes['http.target'] === path);

it('puts the ingress request, the workflow, each activity attempt and each vendor call in one trace; the webhook delivery links to it', async () => {
  const profileId = sim.attestr.addProfile('ingress-trace-profile');
  const event = {
    eventId: 'ingress-trace-event',
    profileId,
    agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'org_trace' },
    asyncRequestId: sim.attestr.addAsyncRequest('education'),
    // No polling within the test: the decision can only come by the webhook.
    options: { pollInterval: '30 days' },
  };
  const accepted = await post(`${ingress.url}/onboarding-events`, event);
  expect(accepted.status).toBe(202);
  const handle = env.client.workflow.getHandle(String(accepted.body.workflowId));

  // Once Attestr was asked to associate, the check has recorded its verification (the ingress
  // finds the check by it): Percent's decision now reaches it as a webhook to the ingress.
  await sim.waitForRequests('attestr.associate', 1);
  const { agentVerificationId } = await handle.query(statusQuery);
  await sim.percent.setStatus(String(agentVerificationId), 'approved');
  expect(await handle.result()).toMatchObject({ outcome: 'approved', agentVerificationId });
  // The ingress exports what it buffered when it stops (SIGTERM, as on a deploy).
  ingress.process.kill('SIGTERM');
  expect(await ingress.exited).toBe(0);
  await tracing.flush();
  const spans = [...sink.spans, ...exporter.getFinishedSpans()];

  // The check's trace begins at the ingress request and holds the whole check, in parent order.
  const [request] = serverSpan(spans, '/onboarding-events');
  expect(request.parentSpanId).toBeUndefined();
  expect(request.resource.attributes['service.name']).toBe('bgcheck-ingress');
  const traceId = request.spanContext().traceId;
  const [root, ...others] = spanForest(spans, traceId);
  expect(others).toEqual([]);
  expect(root.span).toBe(request);
  const [start] = named([root], 'StartWorkflow:backgroundCheck');
  const [run] = named([root], 'RunWorkflow:backgroundCheck');
  expect(start).toBeDefined();
  expect(start.children.map((c) => c.span.name)).toContain('RunWorkflow:backgroundCheck');
  for (const [activity, method] of [
    ['createAgentVerification', 'POST'],
    ['associateAsyncRequest', 'PUT'],
  ]) {
    const [scheduled] = named([run], `StartActivity:${activity}`);
    const attempts = scheduled.children.filter((c) => c.span.name === `RunActivity:${activity}`);
    expect(attempts.map((a) => a.span.attributes.temporalActivityAttempt)).toEqual([1]);
    // undici's span of the vendor call, below the attempt that made it.
    expect(attempts[0].children.map((c) => [c.span.kind, c.span.attributes['http.request.method']])).toEqual([
      [SpanKind.CLIENT, method],
    ]);
  }
  // Each vendor call carried this trace's context to the vendor.
  expect(vendorRequests.map((r) => r.path)).toEqual([
    '/v1/agent-verifications',
    expect.stringMatching(/^\/api\/v\d\/public\/factx\/[^/]+\/associate$/),
  ]);
  for (const { traceparent } of vendorRequests)
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  // Nothing of the webhook's delivery is in the check's trace...
  expect(walk([root]).filter((n) => n.span.attributes['http.target'] === '/webhooks/percent')).toEqual([]);

  // ...which is a trace of its own: the webhook request, then the delivery to the check, linked
  // to the check's trace, and the signal it sent (the SDK's client interceptor) below it.
  const [webhook] = serverSpan(spans, '/webhooks/percent');
  expect(webhook.attributes['http.status_code']).toBe(200);
  expect(webhook.spanContext().traceId).not.toBe(traceId);
  const [delivery] = named(spanForest(spans, webhook.spanContext().traceId), 'Deliver:verificationStatusChanged');
  expect(delivery.span.parentSpanId).toBe(webhook.spanContext().spanId);
  expect(delivery.span.links.map((l) => [l.context.traceId, l.attributes?.['bgcheck.link']])).toEqual([
    [traceId, 'check'],
  ]);
  expect(delivery.children.map((c) => c.span.name)).toContain('SignalWorkflow:verificationStatusChanged');
});
