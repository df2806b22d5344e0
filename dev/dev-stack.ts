/**
 * `npm run dev`: the whole system on one machine, then a demo check to its decision.
 *
 * With no TEMPORAL_ADDRESS it starts the embedded Temporal service (dev-server mode, the
 * lifecycle's search attributes registered), or with `--temporal official` (DEV_TEMPORAL=official)
 * Temporal's own dev server and its Web UI; with TEMPORAL_ADDRESS it connects there. Then the vendor
 * simulators (signed webhooks to the ingress, verifications decided on a wall-clock schedule),
 * the workers and the ingress. Vendor settings point at the simulators; the webhook secret, the
 * ingress's bearer token and, if PAYLOAD_CODEC_KEYS is unset, the payload key are random per run
 * (never written in code, never printed). What the CLI and curl need of them goes to a private,
 * git-ignored file (`.dev/secrets.env`, mode 0600) that the printed commands read.
 *
 * With the UI on (the default of `npm run dev`; `--no-ui` turns it off) the official Temporal UI
 * is served at TEMPORAL_UI_PORT (8233) together with a codec server for this run's key, so the
 * encrypted payloads show decoded in the browser.
 *
 * Runs until SIGINT/SIGTERM, or after the demo with `--exit-after-demo` (DEV_EXIT_AFTER_DEMO=true).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import { parseArgs } from 'node:util';
import { workflowPageUrl } from '@bgcheck/temporal-ui';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { EMBEDDED_TEMPORAL_PATH, retryServerStart } from '@bgcheck/embedded-temporal';
import { officialTemporal } from '../scripts/official-temporal';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import pretty from 'pino-pretty';
import { createDataConverter, payloadEncryptionEnabled } from '../src/codec';
import {
  ConfigError,
  loadIngressAuthConfig,
  loadPercentWebhookConfig,
  loadProcessConfig,
  loadTelemetryConfig,
  loadTemporalConfig,
  loadWorkerConfig,
} from '../src/config';
import type { FastifyInstance } from 'fastify';
import { closeServer, listen } from '../src/ingress/http';
import { createIngress } from '../src/ingress/server';
import { createLogger, toTemporalLogger, type Logger } from '../src/logger';
import type { OnboardingEvent } from '../src/onboarding-event';
import { startVendorSimulators, type VendorSimulators } from '../src/simulators';
import { prometheusMetrics } from '../src/telemetry/metrics';
import { formatSpanTree } from '../src/telemetry/span-tree';
import { clientTracingInterceptors } from '../src/telemetry/temporal';
import { startTracing, TRACER_NAME, tracesUrl, type Tracing } from '../src/telemetry/tracing';
import { clientConnectionOptions, nativeConnectionOptions } from '../src/temporal/connection';
import {
  FINAL_STAGES,
  SEARCH_ATTRIBUTE_TYPES,
  searchAttributes,
  statusQuery,
  type Stage,
} from '../src/workflows/definitions';
import { createWorkers, type BackgroundCheckWorkers } from '../src/worker';
import { startUiWithCodec } from './ui';

type Env = Record<string, string | undefined>;

const ROOT = path.resolve(__dirname, '..');
/** Default place of the run's secrets file, relative to the repository root (where npm runs). */
export const DEV_SECRETS_FILE = '.dev/secrets.env';

/** Which Temporal `npm run dev` starts when TEMPORAL_ADDRESS is unset. */
export type DevTemporal = 'embedded' | 'official';

export interface DevOptions {
  env?: Env;
  /**
   * `embedded` (default): the embedded service. `official`: Temporal's own dev server
   * (`temporal server start-dev` from `scripts/install-official-temporal.sh`), with its Web UI.
   */
  temporal?: DevTemporal;
  /** Port of the official dev server's UI; default the SDK's (Temporal port + 1000). */
  temporalUiPort?: number;
  /** Port for the embedded Temporal service; default a free one. */
  temporalPort?: number;
  /** Run the demo check (default true). */
  demo?: boolean;
  /** Demo progress lines go here (default stdout). */
  out?: { write(text: string): unknown };
  logger?: Logger;
  /** Give up on the demo after this long; default 2 minutes. */
  demoTimeoutMs?: number;
  /** The Prometheus endpoint `main()` installed, printed with the addresses. */
  metricsUrl?: string;
  /**
   * Serve the Temporal UI (and a codec server for it); off unless given. `port` defaults to
   * TEMPORAL_UI_PORT (8233), falling back to a free port when that one is taken and not set explicitly.
   */
  ui?: { port?: number };
}

export interface DevStack {
  temporalAddress: string;
  namespace: string;
  ingressUrl: string;
  /** The bearer token of the ingress for this run. */
  ingressToken: string;
  /** Where the run's secrets were written, as printed. */
  secretsFile: string;
  /** The Temporal UI, when started. */
  uiUrl?: string;
  /** The codec server the UI decodes payloads with, when the UI is started. */
  codecUrl?: string;
  simulators: VendorSimulators;
  client: Client;
  /** Settles when the demo check reached its decision (or failed to). */
  demo: Promise<DemoOutcome | undefined>;
  close(): Promise<void>;
}

export interface DemoOutcome {
  workflowId: string;
  /** The demo check's trace (one trace from the ingress request to the vendor calls). */
  traceId?: string;
  stages: Stage[];
  result?: unknown;
  failure?: string;
}

/** Registers the lifecycle's search attributes on a cluster; existing ones are left alone. */
async function ensureSearchAttributes(connection: Connection, namespace: string, logger: Logger): Promise<void> {
  const { IndexedValueType } = temporal.api.enums.v1;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.keys(SEARCH_ATTRIBUTE_TYPES).filter((name) => !(name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    logger.info('registered search attributes', { names: missing });
  } catch (error) {
    // Temporal Cloud refuses the operator API to workers: there they are set up in the console.
    logger.warn('could not check the search attributes; register them if checks fail to start', { error });
  }
}

interface TemporalSide {
  address: string;
  /** What runs it, for the banner: `embedded`, `official dev server`, or nothing for a cluster. */
  kind?: string;
  /** The Temporal Web UI, when this process started one. */
  uiUrl?: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

async function startTemporal(env: Env, options: DevOptions, logger: Logger): Promise<TemporalSide> {
  const config = loadTemporalConfig(env);
  const dataConverter = createDataConverter(env);
  if (config.TEMPORAL_ADDRESS) {
    const connection = await Connection.connect(clientConnectionOptions(config));
    const nativeConnection = await NativeConnection.connect(nativeConnectionOptions(config));
    await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE, logger);
    return {
      address: config.TEMPORAL_ADDRESS,
      client: new Client({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        dataConverter,
        interceptors: clientTracingInterceptors(),
      }),
      nativeConnection,
      close: async () => {
        await nativeConnection.close();
        await connection.close();
      },
    };
  }
  const official = options.temporal === 'official';
  const testEnv = await retryServerStart(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: official ? officialTemporal().cli : EMBEDDED_TEMPORAL_PATH },
        namespace: config.TEMPORAL_NAMESPACE,
        ...(options.temporalPort !== undefined ? { port: options.temporalPort } : {}),
        ...(official && {
          ui: true,
          ...(options.temporalUiPort !== undefined && { uiPort: options.temporalUiPort }),
          // Its start-up warnings (a generated cluster id) are not the stack's problems.
          log: { format: 'pretty', level: 'error' },
        }),
        searchAttributes: Object.values(searchAttributes),
      },
    }),
  );
  // The SDK puts the UI at the Temporal port + 1000 unless told otherwise.
  const uiPort = options.temporalUiPort ?? Number(testEnv.address.split(':').at(-1)) + 1000;
  return {
    address: testEnv.address,
    kind: official ? 'official dev server' : 'embedded',
    ...(official && { uiUrl: `http://127.0.0.1:${uiPort}` }),
    client: new Client({
      connection: testEnv.connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter,
      interceptors: clientTracingInterceptors(),
    }),
    nativeConnection: testEnv.nativeConnection,
    close: () => testEnv.teardown(),
  };
}

/** A key ring of one random key, for this run only: histories stay encrypted in dev too. */
const ephemeralCodecKeys = () => `dev-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}`;

/** Listens on `port`, or on a free one when the default is taken (a Fastify app listens once: made anew). */
async function listenWithFallback(
  create: () => FastifyInstance,
  port: number,
  explicit: boolean,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = create();
  try {
    return { app, port: await listen(app, port) };
  } catch (error) {
    await app.close();
    if (explicit || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const fallback = create();
    return { app: fallback, port: await listen(fallback, 0) };
  }
}

/**
 * Writes the run's secrets for the CLI and tools (`BGCHECK_ENV_FILE=<file> npm run client ...`),
 * readable by the owner only: they are never printed.
 */
function writeSecretsFile(file: string, values: Record<string, string | undefined>): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const lines = Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  writeFileSync(
    file,
    `# npm run dev: this run's settings for the CLI and curl. Do not share or commit.\n${lines.join('\n')}\n`,
    {
      mode: 0o600,
    },
  );
}

export async function startDev(options: DevOptions = {}): Promise<DevStack> {
  const env: Env = { ...(options.env ?? process.env) };
  const out = options.out ?? process.stdout;
  const processConfig = loadProcessConfig(env);
  const logger = options.logger ?? createLogger({ level: processConfig.LOG_LEVEL, fields: { service: 'dev' } });
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error('shutdown step failed', { error }));
    }
  };

  // Traces are kept in memory (the demo's is printed as a tree), and exported when OTEL_* says so.
  const spans = new InMemorySpanExporter();
  const telemetryConfig = loadTelemetryConfig(env);
  const otlp = tracesUrl(telemetryConfig);
  const tracing = startTracing({
    config: telemetryConfig,
    defaultServiceName: 'bgcheck-dev',
    spanProcessors: [new SimpleSpanProcessor(spans)],
    incomingHttp: true,
  });
  cleanups.push(() => tracing.shutdown());

  try {
    // Secrets of this run: random, never printed.
    env.PERCENT_WEBHOOK_SECRET = randomBytes(32).toString('hex');
    const ingressToken = randomBytes(24).toString('base64url');
    env.INGRESS_AUTH_TOKENS = ingressToken;
    const ephemeralKey = !env.PAYLOAD_CODEC_KEYS;
    if (ephemeralKey) env.PAYLOAD_CODEC_KEYS = ephemeralCodecKeys();

    const temporalSide = await startTemporal(env, options, logger);
    cleanups.push(() => temporalSide.close());
    const { client } = temporalSide;
    const temporalConfig = loadTemporalConfig(env);

    const ingressConfig = { ...temporalConfig, ...loadPercentWebhookConfig(env), ...loadIngressAuthConfig(env) };
    const { app: ingress, port: ingressPort } = await listenWithFallback(
      () => createIngress({ client, logger, config: ingressConfig }),
      processConfig.INGRESS_PORT,
      env.INGRESS_PORT !== undefined,
    );
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    cleanups.push(() => closeServer(ingress));

    const simulators = await startVendorSimulators({
      webhook: { url: `${ingressUrl}/webhooks/percent`, secret: env.PERCENT_WEBHOOK_SECRET },
      autoAdvance: { toPendingReviewAfterMs: 1500, decideAfterMs: 2500, decision: 'approved' },
      autoCreateProfiles: true,
    });
    cleanups.push(() => simulators.close());
    Object.assign(env, {
      PERCENT_BASE_URL: simulators.percentBaseUrl,
      PERCENT_API_KEY: simulators.percentApiKey,
      ATTESTR_BASE_URL: simulators.attestrBaseUrl,
      ATTESTR_AUTH_TOKEN: simulators.attestrAuthToken,
    });

    const workers: BackgroundCheckWorkers = await createWorkers({
      connection: temporalSide.nativeConnection,
      config: loadWorkerConfig(env),
      dataConverter: createDataConverter(env),
      shutdownGraceTime: '5 seconds',
      tracing,
    });
    const running = workers.run();
    cleanups.push(async () => {
      workers.shutdown();
      await running;
    });
    running.catch((error: unknown) => logger.error('workers stopped', { error }));

    const secretsFile = path.resolve(ROOT, env.DEV_SECRETS_FILE || DEV_SECRETS_FILE);
    writeSecretsFile(secretsFile, {
      TEMPORAL_ADDRESS: temporalSide.address,
      TEMPORAL_NAMESPACE: temporalConfig.TEMPORAL_NAMESPACE,
      // A key the user set is theirs to pass on; the random one exists only here.
      PAYLOAD_CODEC_KEYS: ephemeralKey ? env.PAYLOAD_CODEC_KEYS : undefined,
      INGRESS_AUTH_TOKEN: ingressToken,
    });
    const shownSecretsFile = path.relative(process.cwd(), secretsFile) || secretsFile;
    const curlAuth = `-H "authorization: Bearer $(sed -n 's/^INGRESS_AUTH_TOKEN=//p' ${shownSecretsFile})"`;
    const ui = options.ui
      ? await startUiWithCodec({
          ...options.ui,
          env,
          connection: client.connection as Connection,
          namespace: temporalConfig.TEMPORAL_NAMESPACE,
          progress: (line) => out.write(`${line}\n`),
        })
      : undefined;
    if (ui) cleanups.push(ui.close);

    out.write(
      [
        '',
        ...(ui
          ? [`Temporal UI     ${ui.url}${ui.codecUrl ? `  (payloads decoded by the codec server ${ui.codecUrl})` : ''}`]
          : []),
        `Temporal        ${temporalSide.address} (namespace ${temporalConfig.TEMPORAL_NAMESPACE})${
          temporalSide.kind ? `, ${temporalSide.kind}` : ''
        }`,
        ...(temporalSide.uiUrl ? [`Temporal UI     ${temporalSide.uiUrl}`] : []),
        `Ingress         ${ingressUrl}  (POST /onboarding-events, /profiles/:profileId/async-request, /webhooks/percent)`,
        `Simulators      ${simulators.url}`,
        `Payloads        ${payloadEncryptionEnabled(env) ? 'encrypted' : 'in clear'}${
          ephemeralKey ? ` (random key for this run, in ${shownSecretsFile})` : ''
        }`,
        `Secrets         ${shownSecretsFile} (ingress token${ephemeralKey ? ', payload key' : ''}; private, never printed)`,
        `CLI             BGCHECK_ENV_FILE=${shownSecretsFile} npm run client -- list${
          ephemeralKey ? '' : '   (with your PAYLOAD_CODEC_KEYS set)'
        }`,
        `Ingress call    curl -X POST ${ingressUrl}/onboarding-events ${curlAuth} -H 'content-type: application/json' -d @event.json`,
        ...(options.metricsUrl ? [`Metrics         ${options.metricsUrl}`] : []),
        `Traces          in memory (the demo's is printed)${otlp ? `, exported to ${otlp}` : ''}`,
        '',
      ].join('\n'),
    );

    const demo =
      options.demo === false
        ? Promise.resolve(undefined)
        : runDemo({
            client,
            ingressUrl,
            ingressToken,
            simulators,
            out,
            tracing,
            spans,
            timeoutMs: options.demoTimeoutMs ?? 120_000,
            pageUrl: ui && ((workflowId) => workflowPageUrl(ui.url, temporalConfig.TEMPORAL_NAMESPACE, workflowId)),
          });
    return {
      temporalAddress: temporalSide.address,
      namespace: temporalConfig.TEMPORAL_NAMESPACE,
      ingressUrl,
      ingressToken,
      secretsFile: shownSecretsFile,
      ...(ui && { uiUrl: ui.url, codecUrl: ui.codecUrl }),
      simulators,
      client,
      demo,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A JSON POST to the ingress with its bearer token, as an onboarding system sends one. */
export async function postJson(
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * One check through the real front door: the event is POSTed to the ingress, the async request
 * id is POSTed when the check waits for it, and the simulators' webhooks bring the decision.
 */
async function runDemo(input: {
  client: Client;
  ingressUrl: string;
  ingressToken: string;
  simulators: VendorSimulators;
  out: { write(text: string): unknown };
  tracing: Tracing;
  spans: InMemorySpanExporter;
  timeoutMs: number;
  /** The check's page in the Temporal UI, when it runs. */
  pageUrl?: (workflowId: string) => string;
}): Promise<DemoOutcome> {
  const { client, ingressUrl, ingressToken, simulators, out } = input;
  const say = (line: string) => out.write(`[demo] ${line}\n`);
  const profileId = simulators.attestr.addProfile();
  const asyncRequestId = simulators.attestr.addAsyncRequest('education');
  const event: OnboardingEvent = {
    eventId: `demo-${randomUUID()}`,
    profileId,
    agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'org_demo' },
    // A short poll interval: if a webhook is missed, polling still reaches the decision quickly.
    options: { pollInterval: '10 seconds' },
  };

  // The trace begins here, as it would at the system that sends onboarding events.
  const { started, traceId } = await trace
    .getTracer(TRACER_NAME)
    .startActiveSpan('demo: send onboarding event', { kind: SpanKind.PRODUCER }, async (span) => {
      try {
        return {
          started: await postJson(`${ingressUrl}/onboarding-events`, ingressToken, event),
          traceId: span.spanContext().traceId,
        };
      } finally {
        span.end();
      }
    });
  if (started.status !== 202)
    throw new Error(`the ingress answered ${started.status}: ${JSON.stringify(started.body)}`);
  const workflowId = String(started.body.workflowId);
  say(`onboarding event accepted: check ${workflowId}`);
  const showTrace = async () => {
    if (!input.tracing.enabled) return;
    await input.tracing.flush();
    const tree = formatSpanTree(input.spans.getFinishedSpans(), traceId);
    out.write(`[trace] ${traceId}\n${tree.replace(/^/gm, '[trace]   ')}\n`);
  };
  if (input.pageUrl) say(`the check in the Temporal UI: ${input.pageUrl(workflowId)}`);

  const handle = client.workflow.getHandle(workflowId);
  const seen: Stage[] = [];
  let asyncRequestSent = false;
  const deadline = Date.now() + input.timeoutMs;
  // Progress by querying the check: the demo's only wait loop (the tests wait on events).
  while (Date.now() < deadline) {
    const status = await handle.query(statusQuery).catch(() => undefined);
    for (const { stage } of status?.stages.slice(seen.length) ?? []) {
      seen.push(stage);
      say(`stage ${stage}`);
    }
    if (status?.stage === 'awaiting_async_request' && !asyncRequestSent) {
      asyncRequestSent = true;
      const sent = await postJson(`${ingressUrl}/profiles/${profileId}/async-request`, ingressToken, {
        asyncRequestId,
      });
      say(`async request id sent through the ingress (HTTP ${sent.status})`);
    }
    if (status && FINAL_STAGES.includes(status.stage)) break;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  try {
    const result = await client.withDeadline(Math.max(deadline, Date.now() + 1000), () => handle.result());
    say(`decision: ${JSON.stringify(result)}`);
    await showTrace();
    return { workflowId, traceId, stages: seen, result };
  } catch (error) {
    const failure = error instanceof WorkflowFailedError ? (error.cause?.message ?? error.message) : String(error);
    say(`the demo check did not reach a decision: ${failure}`);
    await showTrace();
    return { workflowId, traceId, stages: seen, failure };
  }
}

/** `port` if it is free (or was asked for explicitly), else any free port. */
function freePortOr(port: number, explicit: boolean): Promise<number> {
  const tryListen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createTcpServer()
        .once('error', reject)
        .listen(p, '127.0.0.1', () => {
          const { port: bound } = server.address() as { port: number };
          server.close(() => resolve(bound));
        });
    });
  return explicit ? Promise.resolve(port) : tryListen(port).catch(() => tryListen(0));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'exit-after-demo': { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      'temporal-port': { type: 'string' },
      temporal: { type: 'string' },
      'temporal-ui-port': { type: 'string' },
      'no-ui': { type: 'boolean' },
    },
  });
  const temporal = values.temporal ?? process.env.DEV_TEMPORAL ?? 'embedded';
  if (temporal !== 'embedded' && temporal !== 'official') {
    throw new ConfigError([
      `--temporal (DEV_TEMPORAL): expected embedded or official, got ${JSON.stringify(temporal)}`,
    ]);
  }
  const exitAfterDemo = values['exit-after-demo'] || /^(1|true)$/i.test(process.env.DEV_EXIT_AFTER_DEMO ?? '');
  const processConfig = loadProcessConfig();
  loadTelemetryConfig(); // a bad OTEL_* variable stops here, before anything starts
  // Readable lines for a person at a terminal (the processes themselves log JSON).
  const stream = pretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'service' });
  const logger = createLogger({ level: processConfig.LOG_LEVEL, fields: { service: 'dev' }, stream });
  // The SDK's own lines (worker state changes, activity logs) only from warn up, unless debugging.
  const sdkLevel = processConfig.LOG_LEVEL === 'debug' || processConfig.LOG_LEVEL === 'trace' ? 'debug' : 'warn';
  const metricsPort = await freePortOr(processConfig.METRICS_PORT, process.env.METRICS_PORT !== undefined);
  Runtime.install({
    logger: toTemporalLogger(
      createLogger({ level: sdkLevel, fields: { service: 'dev', component: 'temporal-sdk' }, stream }),
    ),
    // Shutdown is ordered below (ingress, workers, simulators, Temporal), not by the runtime.
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: prometheusMetrics(metricsPort, '127.0.0.1'),
    },
  });

  const stack = await startDev({
    logger,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    demo: !values['no-demo'],
    temporal,
    // Temporal's own dev server brings its own Web UI (printed above); ours serves the embedded service and clusters.
    ...(values['no-ui'] || temporal === 'official' ? {} : { ui: {} }),
    ...(values['temporal-port'] ? { temporalPort: Number(values['temporal-port']) } : {}),
    ...(values['temporal-ui-port'] ? { temporalUiPort: Number(values['temporal-ui-port']) } : {}),
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Shutting down...\n');
    await stack.close();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

  const outcome = await stack.demo;
  if (exitAfterDemo) {
    await stop(outcome?.result !== undefined ? 0 : 1);
    return;
  }
  process.stdout.write(
    [
      '',
      'Up and waiting for events (Ctrl-C to stop). Try:',
      `  the commands above (the CLI and curl read ${stack.secretsFile})`,
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `dev failed: ${String(error)}`}\n`);
    process.exit(1);
  });
}
