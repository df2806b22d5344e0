/**
 * What tracing costs end to end: `npx tsx bench/tracing-overhead.ts [checks=200] [rounds=2]`.
 *
 * The throughput phase of bench/lifecycle.ts (checks POSTed to the ingress, decided by webhooks
 * through it, instant simulators) with tracing off and on, in one process against one embedded
 * Temporal, in the order off, on, on, off per round so drift hits both alike. Tracing on is what
 * the processes run with `OTEL_EXPORTER_OTLP_ENDPOINT` set: every check sampled
 * (`parentbased_always_on`), the ingress's incoming HTTP, the SDK's interceptors, undici's vendor
 * calls, all exported with the default `http/protobuf` exporter (batching) to an OTLP receiver in
 * this process (test/helpers/otlp-sink.ts, a collector stand-in that acknowledges each export).
 * Tracing off is the same workers without a tracer provider (the interceptors stay, as in
 * production, and do nothing).
 *
 * Prints, per phase and as medians: checks per second; CPU per check of this process (the
 * worker, the ingress and the simulators) and of the Temporal server process (the trace context
 * travels in workflow and activity headers, so the server carries more); and the overhead of
 * tracing on each. Nothing asserts a target (the issue asks < 10%). On a shared machine the
 * throughput moves with the neighbours' load more than the CPU per check does: read both.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { EMBEDDED_TEMPORAL_PATH } from '@bgcheck/embedded-temporal';
import { loadTelemetryConfig } from '../src/config';
import { clientTracingInterceptors } from '../src/telemetry/temporal';
import { startTracing } from '../src/telemetry/tracing';
import { bundleWorkflows } from '../src/worker';
import { searchAttributes } from '../src/workflows/definitions';
import { startOtlpSink, type OtlpSink } from '../test/helpers/otlp-sink';
import { runPhase } from './lifecycle';
import { cpuMs, serverPid } from './process-stats';

interface Figures {
  phase: string;
  tracing: 'off' | 'on';
  checks: number;
  failed: number;
  seconds: number;
  checksPerSecond: number;
  cpuMsPerCheck: number;
  serverCpuMsPerCheck: number;
  spansPerCheck?: number;
  exportedKiBPerCheck?: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function measure(
  env: TestWorkflowEnvironment,
  workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>,
  sink: OtlpSink,
  name: string,
  checks: number,
  traced: boolean,
): Promise<Figures> {
  let spans = 0;
  const counter: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (_span: ReadableSpan) => void (spans += 1),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const tracing = traced
    ? startTracing({
        config: loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint }),
        defaultServiceName: 'bench',
        spanProcessors: [counter],
        incomingHttp: true,
      })
    : undefined;
  // Traced, the ingress's client carries the trace into starts and signals, as in the processes.
  const client = traced
    ? new Client({ connection: env.connection, namespace: env.namespace, interceptors: clientTracingInterceptors() })
    : undefined;
  const bytesBefore = sink.stats.bytes;
  const server = serverPid(EMBEDDED_TEMPORAL_PATH);
  const serverCpuBefore = cpuMs(server);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await runPhase(env, workflowBundle, {
    name,
    checks,
    limits: { percentPerSecond: 100_000, attestrPerSecond: 100_000 },
    tracing,
    client,
  });
  // What is still buffered is exported now, and its cost counted with the phase's.
  await tracing?.shutdown();
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = cpuMs(server) - serverCpuBefore;
  const wall = (performance.now() - started) / 1000;
  return {
    phase: name,
    tracing: traced ? 'on' : 'off',
    checks,
    failed: result.failed,
    seconds: round(wall, 2),
    checksPerSecond: round(checks / result.seconds),
    cpuMsPerCheck: round((cpu.user + cpu.system) / 1000 / checks, 1),
    serverCpuMsPerCheck: round(serverCpu / checks, 1),
    ...(traced && {
      spansPerCheck: round(spans / checks),
      exportedKiBPerCheck: round((sink.stats.bytes - bytesBefore) / 1024 / checks, 2),
    }),
  };
}

async function main() {
  const checks = Number(process.argv[2] ?? 200);
  const rounds = Number(process.argv[3] ?? 2);
  if (!Number.isInteger(checks) || checks < 1 || checks > 10_000) throw new Error('checks: expected 1..10000');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('rounds: expected 1..20');
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const sink = await startOtlpSink();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: EMBEDDED_TEMPORAL_PATH },
      ip: '127.0.0.1',
      searchAttributes: Object.values(searchAttributes),
    },
  });
  const workflowBundle = await bundleWorkflows();
  const all: Figures[] = [];
  try {
    // A warm-up phase (JIT, connections, server caches), not counted.
    await measure(env, workflowBundle, sink, 'warm-up', Math.min(50, checks), false);
    for (let r = 1; r <= rounds; r++) {
      for (const traced of [false, true, true, false]) {
        const figures = await measure(env, workflowBundle, sink, `r${r}-${all.length}`, checks, traced);
        all.push(figures);
        console.log(JSON.stringify(figures));
      }
    }
  } finally {
    await env.teardown();
    await sink.close();
  }
  const KEYS = ['checksPerSecond', 'cpuMsPerCheck', 'serverCpuMsPerCheck'] as const;
  const medians = (traced: 'off' | 'on') =>
    Object.fromEntries(
      KEYS.map((key) => [key, round(median(all.filter((f) => f.tracing === traced).map((f) => f[key])))]),
    ) as Record<(typeof KEYS)[number], number>;
  const off = medians('off');
  const on = medians('on');
  const change = (key: (typeof KEYS)[number]) => `${round((100 * (on[key] - off[key])) / off[key])}%`;
  console.log(
    JSON.stringify({
      summary: `median of ${all.length / 2} phases each, ${checks} checks per phase`,
      off,
      on,
      spansPerCheck: round(median(all.flatMap((f) => (f.spansPerCheck === undefined ? [] : [f.spansPerCheck])))),
      exportedKiBPerCheck: round(
        median(all.flatMap((f) => (f.exportedKiBPerCheck === undefined ? [] : [f.exportedKiBPerCheck]))),
      ),
      checksPerSecondChange: change('checksPerSecond'),
      cpuPerCheckChange: change('cpuMsPerCheck'),
      serverCpuPerCheckChange: change('serverCpuMsPerCheck'),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
