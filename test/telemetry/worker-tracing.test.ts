/**
 * One check, one trace (worker side): the start request made on the raw workflow service
 * (`startCheck`, as the ingress and CLI do) carries the trace into the workflow; the workflow's
 * run, each activity attempt and each vendor HTTP call hang below it, and the vendor simulator
 * receives `traceparent` on every call. From the ingress's request on (a webhook-decided check):
 * ingress-trace.test.ts.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { loadTelemetryConfig } from '../../src/config';
import { spanForest, type SpanNode } from '../../src/telemetry/span-tree';
import { startTracing, type Tracing } from '../../src/telemetry/tracing';
import { startCheck } from '../../src/temporal/start-check';
import { setUpLifecycle, type Lifecycle, type RunningWorkers } from '../workflows/lifecycle-harness';

let lc: Lifecycle;
let tracing: Tracing;
let workers: RunningWorkers;
const exporter = new InMemorySpanExporter();
/** `traceparent` of each request the simulator received, by path. */
const received: { path: string; traceparent: string | undefined }[] = [];
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  const path = request.url ?? '';
  if (path.startsWith('/v1/') || path.startsWith('/api/')) {
    received.push({ path, traceparent: request.headers.traceparent as string | undefined });
  }
};

beforeAll(async () => {
  tracing = startTracing({
    config: loadTelemetryConfig({}),
    defaultServiceName: 'test',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  subscribe('http.server.request.start', onRequest);
  lc = await setUpLifecycle('tracing');
  workers = await lc.startWorkers({ tracing });
});

afterAll(async () => {
  unsubscribe('http.server.request.start', onRequest);
  await workers?.stop();
  await lc?.tearDown();
  await tracing?.shutdown();
});

beforeEach(() => {
  exporter.reset();
  received.length = 0;
});

const names = (nodes: SpanNode[]): string[] => nodes.map((n) => n.span.name);
const find = (nodes: SpanNode[], name: string): SpanNode[] => {
  const out: SpanNode[] = [];
  const walk = (n: SpanNode) => {
    if (n.span.name === name) out.push(n);
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
};

async function runCheckInSpan(setUp?: () => void) {
  const event = lc.newEvent();
  setUp?.();
  const started = await trace
    .getTracer('test')
    .startActiveSpan('test request', (span) =>
      startCheck(lc.env.client, lc.config.TEMPORAL_TASK_QUEUE, event).finally(() => span.end()),
    );
  const handle = lc.env.client.workflow.getHandle(started.workflowId);
  await lc.decide(handle, 'approved');
  await handle.result();
  await tracing.flush();
  return { event, spans: exporter.getFinishedSpans() };
}

function traceOf(spans: ReadableSpan[], name: string): string {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name} among ${spans.map((s) => s.name).join(', ')}`);
  return span.spanContext().traceId;
}

describe('tracing a check through the worker', () => {
  it('puts the start, the run, each activity and each vendor call in one trace, in parent order', async () => {
    const { spans } = await runCheckInSpan();
    const traceId = traceOf(spans, 'test request');
    const [root, ...others] = spanForest(spans, traceId);
    expect(others).toEqual([]);
    expect(root.span.name).toBe('test request');
    expect(names(root.children)).toEqual(['StartWorkflow:backgroundCheck']);
    const [run] = root.children[0].children;
    expect(run.span.name).toBe('RunWorkflow:backgroundCheck');

    for (const activity of ['createAgentVerification', 'associateAsyncRequest']) {
      const [scheduled] = find([run], `StartActivity:${activity}`);
      const [attempt] = scheduled.children;
      expect(attempt.span.name).toBe(`RunActivity:${activity}`);
      expect(attempt.span.attributes.temporalActivityAttempt).toBe(1);
      // undici's span for the vendor call, below the attempt that made it.
      expect(attempt.children.map((c) => [c.span.kind, c.span.attributes['http.request.method']])).toEqual([
        [SpanKind.CLIENT, activity === 'createAgentVerification' ? 'POST' : 'PUT'],
      ]);
    }
    // Every vendor call carried this trace's context.
    expect(received.length).toBeGreaterThanOrEqual(2);
    for (const { traceparent } of received) expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('shows each attempt of a retried activity', async () => {
    const { spans } = await runCheckInSpan(() =>
      lc.sim.injectFault('percent.createAgentVerification', { kind: 'status', status: 503 }, { times: 1 }),
    );
    const [root] = spanForest(spans, traceOf(spans, 'test request'));
    const [scheduled] = find([root], 'StartActivity:createAgentVerification');
    expect(
      scheduled.children.map((c) => [c.span.name, c.span.attributes.temporalActivityAttempt, c.span.status.code]),
    ).toEqual([
      ['RunActivity:createAgentVerification', 1, 2],
      ['RunActivity:createAgentVerification', 2, 1],
    ]);
    const statuses = scheduled.children.map((c) => c.children[0]?.span.attributes['http.response.status_code']);
    expect(statuses).toEqual([503, 200]);
  });

  it("keeps the agent's name, e-mail and the vendor credentials out of every span", async () => {
    const { event, spans } = await runCheckInSpan();
    const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    for (const value of [
      event.agent.firstName,
      event.agent.lastName,
      event.agent.email,
      lc.sim.percentApiKey,
      lc.sim.attestrAuthToken,
    ]) {
      expect(everything).not.toContain(value);
    }
  });
});
