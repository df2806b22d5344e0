/**
 * The background-check lifecycle end to end, on one machine, loopback only:
 * `npx tsx bench/lifecycle.ts [checks=500] [rateLimitedChecks=60]`.
 *
 * Embedded Temporal (dev-server mode), the production workers (`createWorkers`), the ingress and
 * the vendor simulators. Every check is POSTed to the ingress with its async request id in the
 * event; once Attestr accepted the association, the bench approves the verification at the
 * simulated Percent and POSTs the signed webhook to the ingress (resending on 404, as Percent does).
 *
 * 1. Throughput: checks per second from the first start to the last result, vendors instant and
 *    the per-vendor activity limits out of the way.
 * 2. Rate limits: the simulated vendors let Percent create 10 and Attestr associate 5 calls per
 *    second through (429 beyond), and the workers are set to the same limits
 *    (PERCENT_MAX_ACTIVITIES_PER_SECOND=10, ATTESTR_MAX_ACTIVITIES_PER_SECOND=5). Reports the
 *    share of vendor calls that met a 429, in the first second and after it (target: none after).
 *    Then with the workers at 90% of the vendors' limits, and without worker limits, for comparison.
 *
 * Prints figures only; nothing here asserts a target. Exits by itself (a phase gives up after
 * PHASE_TIMEOUT_MS).
 */
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { loadWorkerConfig } from '../src/config';
import { EMBEDDED_TEMPORAL_PATH } from '@bgcheck/embedded-temporal';
import { closeServer, listen } from '../src/ingress/http';
import { signPercentWebhook } from '../src/ingress/percent-webhook';
import { createIngress } from '../src/ingress/server';
import type { OnboardingEvent } from '../src/onboarding-event';
import { Secret } from '../src/secret';
import { startVendorSimulators, type VendorSimulators } from '../src/simulators';
import type { Tracing } from '../src/telemetry/tracing';
import { bundleWorkflows, createWorkers } from '../src/worker';
import { searchAttributes, type CheckResult } from '../src/workflows/definitions';

const PHASE_TIMEOUT_MS = 180_000;
const START_CONCURRENCY = 50;

type VendorRoute = 'percent.create' | 'percent.get' | 'attestr.associate';

interface VendorCall {
  route: VendorRoute;
  at: number;
  status: number;
}

/** Vendor answers as the workers' HTTP client (undici) saw them, from its diagnostics channel. */
function watchVendorCalls(origin: string) {
  const calls: VendorCall[] = [];
  const listeners: ((call: VendorCall, path: string) => void)[] = [];
  const onHeaders = (message: unknown) => {
    const { request, response } = message as {
      request: { origin: string | URL; method: string; path: string };
      response: { statusCode: number };
    };
    if (String(request.origin).replace(/\/$/, '') !== origin) return;
    const route: VendorRoute | undefined = request.path.endsWith('/associate')
      ? 'attestr.associate'
      : request.path.startsWith('/v1/agent-verifications')
        ? request.method === 'POST'
          ? 'percent.create'
          : 'percent.get'
        : undefined;
    if (!route) return;
    const call = { route, at: performance.now(), status: response.statusCode };
    calls.push(call);
    for (const listener of listeners) listener(call, request.path);
  };
  subscribe('undici:request:headers', onHeaders);
  return {
    calls,
    onCall: (listener: (call: VendorCall, path: string) => void) => listeners.push(listener),
    stop: () => unsubscribe('undici:request:headers', onHeaders),
  };
}

export interface PhaseOptions {
  name: string;
  checks: number;
  limits: { percentPerSecond: number; attestrPerSecond: number };
  /** Simulated vendor per-second limits (429 beyond); none when absent. */
  vendorLimits?: { percentCreatePerSecond: number; attestrAssociatePerSecond: number };
  /** Tracing for the workers (bench/tracing-overhead.ts); off when absent. */
  tracing?: Tracing;
  /** The client of the ingress and the bench (default the environment's). */
  client?: Client;
}

export interface PhaseResult {
  seconds: number;
  approved: number;
  failed: number;
  /** Failure of each failed check (the workflow's typed failure), counted. */
  failures: Record<string, number>;
  calls: VendorCall[];
  webhookResends: number;
}

export async function runPhase(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  options: PhaseOptions,
): Promise<PhaseResult> {
  const client: Client = options.client ?? env.client;
  const webhookSecret = new Secret(randomBytes(32).toString('hex'));
  const taskQueue = `bench-${options.name}-checks`;
  const ingress = createIngress({
    client,
    // The bench posts from this process only: no bearer token.
    config: { TEMPORAL_TASK_QUEUE: taskQueue, PERCENT_WEBHOOK_SECRET: webhookSecret, INGRESS_INSECURE_NO_AUTH: true },
  });
  const ingressUrl = `http://127.0.0.1:${await listen(ingress, 0, '127.0.0.1')}`;
  const sim: VendorSimulators = await startVendorSimulators({
    autoCreateProfiles: true,
    autoCreateAsyncRequests: true,
  });
  if (options.vendorLimits) {
    const { percentCreatePerSecond, attestrAssociatePerSecond } = options.vendorLimits;
    sim.injectFault('percent.createAgentVerification', {
      kind: 'rateLimit',
      perSecond: percentCreatePerSecond,
      retryAfter: true,
    });
    sim.injectFault('attestr.associate', { kind: 'rateLimit', perSecond: attestrAssociatePerSecond, retryAfter: true });
  }
  const vendorCalls = watchVendorCalls(sim.url);
  const workers = await createWorkers({
    connection: env.nativeConnection,
    config: loadWorkerConfig({
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      PERCENT_TASK_QUEUE: `bench-${options.name}-percent`,
      ATTESTR_TASK_QUEUE: `bench-${options.name}-attestr`,
      PERCENT_MAX_ACTIVITIES_PER_SECOND: String(options.limits.percentPerSecond),
      ATTESTR_MAX_ACTIVITIES_PER_SECOND: String(options.limits.attestrPerSecond),
      PERCENT_BASE_URL: sim.percentBaseUrl,
      PERCENT_API_KEY: sim.percentApiKey,
      ATTESTR_BASE_URL: sim.attestrBaseUrl,
      ATTESTR_AUTH_TOKEN: sim.attestrAuthToken,
      LOG_LEVEL: 'warn',
    }),
    workflowBundle,
    shutdownGraceTime: '1 second',
    tracing: options.tracing,
  });
  const running = workers.run();

  const post = async (path: string, body: string, headers: Record<string, string> = {}) =>
    (
      await fetch(ingressUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      })
    ).status;

  // The agent's e-mail names the profile, so an association can be traced to its verification.
  const emailOf = (profileId: string) => `agent-${profileId}@example.org`;
  const verificationByEmail = new Map<string, string>();
  let indexed = 0;
  const verificationOf = (profileId: string) => {
    const all = sim.percent.verifications();
    for (; indexed < all.length; indexed++) verificationByEmail.set(all[indexed].email, all[indexed].id);
    return verificationByEmail.get(emailOf(profileId));
  };

  // Percent decides once Attestr accepted the association; the webhook goes through the ingress.
  let webhookResends = 0;
  const decided = new Set<string>();
  const decide = async (profileId: string) => {
    const verificationId = verificationOf(profileId);
    if (!verificationId) throw new Error(`no verification for profile ${profileId}`);
    await sim.percent.setStatus(verificationId, 'approved', { sendWebhook: false });
    const raw = JSON.stringify({
      object: 'event',
      data: {
        id: `event_${profileId}`,
        eventType: 'agent_verification.approved',
        createdAt: new Date().toISOString(),
        eventData: { id: verificationId, status: 'approved', rejectionReasonCode: null },
      },
    });
    const signature = { 'goodstack-signature': signPercentWebhook(raw, webhookSecret) };
    // 404: the check's record of its verification is not visible yet; Percent would resend.
    for (let attempt = 0; (await post('/webhooks/percent', raw, signature)) === 404; attempt++) {
      if (attempt >= 50) throw new Error(`webhook for ${verificationId} never found its check`);
      webhookResends++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const decisions: Promise<void>[] = [];
  vendorCalls.onCall((call, path) => {
    if (call.route !== 'attestr.associate' || call.status !== 200) return;
    const profileId = decodeURIComponent(path.split('/').at(-2) ?? '');
    if (decided.has(profileId)) return;
    decided.add(profileId);
    decisions.push(decide(profileId));
  });

  const results: Promise<CheckResult | Error>[] = [];
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(START_CONCURRENCY, options.checks) }, async () => {
        while (next < options.checks) {
          const profileId = sim.attestr.addProfile(`${options.name}-${next++}`);
          const event: OnboardingEvent = {
            eventId: `bench-${profileId}`,
            profileId,
            agent: { firstName: 'Bench', lastName: 'Agent', email: emailOf(profileId), organisationId: 'org_bench' },
            asyncRequestId: `AR-${profileId}`,
          };
          const status = await post('/onboarding-events', JSON.stringify(event));
          if (status !== 202) throw new Error(`the ingress answered ${status} to the start of ${profileId}`);
          results.push(
            (client.workflow.getHandle(`bgcheck-${profileId}`).result() as Promise<CheckResult>).catch(
              (error: Error) => error,
            ),
          );
        }
      }),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`phase ${options.name} did not finish within ${PHASE_TIMEOUT_MS} ms`)),
        PHASE_TIMEOUT_MS,
      );
    });
    const outcomes = await Promise.race([Promise.all(results), timeout]);
    const seconds = (performance.now() - started) / 1000;
    await Promise.race([Promise.all(decisions), timeout]);
    return {
      seconds,
      approved: outcomes.filter((o) => !(o instanceof Error) && o.outcome === 'approved').length,
      failed: outcomes.filter((o) => o instanceof Error).length,
      failures: countFailures(outcomes.filter((o): o is Error => o instanceof Error)),
      calls: vendorCalls.calls,
      webhookResends,
    };
  } finally {
    clearTimeout(timer);
    vendorCalls.stop();
    workers.shutdown();
    await running.catch(() => undefined);
    await closeServer(ingress);
    await sim.close();
  }
}

function countFailures(errors: Error[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const error of errors) {
    const cause = error instanceof WorkflowFailedError ? error.cause : error;
    const key = cause instanceof ApplicationFailure ? `${cause.type}: ${cause.message}` : String(cause?.message);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Per route: calls, 429s, and 429s in the first second of the route's traffic and after it. */
function rateLimitFigures(calls: VendorCall[]) {
  const byRoute: Record<string, unknown> = {};
  for (const route of ['percent.create', 'attestr.associate', 'percent.get'] as const) {
    const mine = calls.filter((c) => c.route === route);
    if (mine.length === 0) continue;
    const first = mine[0].at;
    const limited = mine.filter((c) => c.status === 429);
    const inFirstSecond = limited.filter((c) => c.at - first < 1000).length;
    byRoute[route] = {
      calls: mine.length,
      answered429: limited.length,
      share429: `${((100 * limited.length) / mine.length).toFixed(1)}%`,
      in429FirstSecond: inFirstSecond,
      in429AfterFirstSecond: limited.length - inFirstSecond,
      // When the later ones came (seconds from the route's first call; the first 10).
      after429At: limited
        .filter((c) => c.at - first >= 1000)
        .slice(0, 10)
        .map((c) => Number(((c.at - first) / 1000).toFixed(2))),
      seconds: Number(((mine[mine.length - 1].at - first) / 1000).toFixed(2)),
    };
  }
  return byRoute;
}

async function main() {
  const checks = Number(process.argv[2] ?? 500);
  const limitedChecks = Number(process.argv[3] ?? 60);
  for (const [name, value] of [
    ['checks', checks],
    ['rateLimitedChecks', limitedChecks],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error(`${name}: expected 1..10000`);
  }
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const [env, workflowBundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: EMBEDDED_TEMPORAL_PATH },
        ip: '127.0.0.1',
        searchAttributes: Object.values(searchAttributes),
      },
    }),
    bundleWorkflows(),
  ]);
  try {
    const throughput = await runPhase(env, workflowBundle, {
      name: 'throughput',
      checks,
      limits: { percentPerSecond: 100_000, attestrPerSecond: 100_000 },
    });
    console.log(
      JSON.stringify({
        phase: 'end-to-end, instant simulators',
        checks,
        approved: throughput.approved,
        failed: throughput.failed,
        failures: throughput.failures,
        seconds: Number(throughput.seconds.toFixed(2)),
        checksPerSecond: Number((checks / throughput.seconds).toFixed(1)),
        vendorCalls: throughput.calls.length,
        webhookResends: throughput.webhookResends,
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );

    const vendorLimits = { percentCreatePerSecond: 10, attestrAssociatePerSecond: 5 };
    for (const phase of [
      {
        name: 'limited',
        title: 'vendor per-second limits (Percent create 10/s, Attestr associate 5/s), workers at the same limits',
        limits: { percentPerSecond: 10, attestrPerSecond: 5 },
      },
      {
        // A margin below the vendors' limits absorbs the jitter between dispatch and arrival.
        name: 'margin',
        title: 'the same vendor limits, workers at 90% of them (9/s, 4.5/s)',
        limits: { percentPerSecond: 9, attestrPerSecond: 4.5 },
      },
      {
        // For comparison: what the per-vendor task queue limits spare the vendors.
        name: 'unlimited',
        title: 'the same vendor limits, workers without activity limits (baseline)',
        limits: { percentPerSecond: 100_000, attestrPerSecond: 100_000 },
      },
    ]) {
      const result = await runPhase(env, workflowBundle, { ...phase, checks: limitedChecks, vendorLimits });
      const answered429 = result.calls.filter((c) => c.status === 429).length;
      console.log(
        JSON.stringify({
          phase: phase.title,
          checks: limitedChecks,
          approved: result.approved,
          failed: result.failed,
          failures: result.failures,
          seconds: Number(result.seconds.toFixed(2)),
          vendorCalls: result.calls.length,
          share429: `${((100 * answered429) / Math.max(1, result.calls.length)).toFixed(1)}%`,
          byRoute: rateLimitFigures(result.calls),
        }),
      );
    }
  } finally {
    await env.teardown();
  }
}

// Also a library: bench/servers.ts runs the throughput phase on each server, bench/tracing-overhead.ts with tracing on and off.
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
