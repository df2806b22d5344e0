/**
 * The worker process: three Temporal workers sharing one connection.
 *
 * - the lifecycle workflows, on TEMPORAL_TASK_QUEUE;
 * - the Percent activities, on PERCENT_TASK_QUEUE, at most PERCENT_MAX_ACTIVITIES_PER_SECOND
 *   across all workers of that queue (the server enforces `maxTaskQueueActivitiesPerSecond`);
 * - the Attestr activities, on ATTESTR_TASK_QUEUE, likewise with ATTESTR_MAX_ACTIVITIES_PER_SECOND.
 *
 * One queue per vendor is what makes the per-vendor limit possible: a burst of onboarding events
 * then queues up instead of meeting a storm of 429s.
 *
 * `createWorkers` is the factory (tests, `npm run dev` and benches call it); run this file for
 * the process (`npm run worker`): JSON logs, Prometheus metrics on METRICS_PORT, graceful
 * shutdown on SIGTERM/SIGINT.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter, Duration } from '@temporalio/common';
import {
  bundleWorkflowCode,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type Activities } from './activities';
import { createDataConverter, payloadEncryptionEnabled } from './codec';
import { ConfigError, loadWorkerConfig, type WorkerConfig } from './config';
import { createLogger, toTemporalLogger, type Logger } from './logger';
import { SearchAttributesMissingError, checkSearchAttributes } from './temporal/search-attributes';
import { nativeConnectionOptions } from './temporal/connection';
import { prometheusMetrics } from './telemetry/metrics';
import { WORKFLOW_INTERCEPTOR_MODULES, workerTracing } from './telemetry/temporal';
import { startTracing, type Tracing } from './telemetry/tracing';
import { AttestrClient } from './vendors/attestr/client';
import { failurePolicyFromConfig } from './vendors/failure';
import { PercentClient } from './vendors/percent/client';
import { createWorkerSettingsActivities } from './workflows/worker-settings';

/** What the workers need from the configuration (`loadWorkerConfig()` gives all of it). */
export type WorkersConfig = Pick<
  WorkerConfig,
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_TASK_QUEUE'
  | 'PERCENT_TASK_QUEUE'
  | 'PERCENT_MAX_ACTIVITIES_PER_SECOND'
  | 'ATTESTR_TASK_QUEUE'
  | 'ATTESTR_MAX_ACTIVITIES_PER_SECOND'
>;

export interface CreateWorkersOptions {
  connection: NativeConnection;
  /**
   * With `activities` given, only the queue settings are read; without, the full worker
   * configuration builds the vendor clients (and the workers close them when they stop).
   */
  config: WorkersConfig | WorkerConfig;
  activities?: Activities;
  /** Prebundled workflow code; bundled here (seconds) when absent. */
  workflowBundle?: WorkflowBundleOption;
  /** The same converter as the clients' (payload encryption); the default converter when absent. */
  dataConverter?: DataConverter;
  /** Tests only: continue checks as new after this many history events (default 10,000). */
  continueAsNewAfterEvents?: number;
  /** How long in-flight activities get to finish on shutdown. */
  shutdownGraceTime?: Duration;
  /** Tests only: workflows the workflow worker keeps cached (0 = no sticky queue); the SDK default when absent. */
  maxCachedWorkflows?: number;
  /** Where workflow spans go (`startTracing()`); without, they are dropped. */
  tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>;
}

export interface BackgroundCheckWorkers {
  workflow: Worker;
  percent: Worker;
  attestr: Worker;
  /** Runs the three until they are shut down; if one fails, stops the others and rethrows. */
  run(): Promise<void>;
  /** Starts a graceful shutdown of all three (`run()` resolves once they have stopped). */
  shutdown(): void;
}

/** The workflow code this process runs (`src/workflows/index.ts`). */
export const WORKFLOWS_PATH = require.resolve('./workflows');

/** Where `npm run build` leaves a prebuilt bundle for the compiled worker (`dist/workflow-bundle.js`). */
export const PREBUILT_BUNDLE_PATH = path.join(__dirname, 'workflow-bundle.js');

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: quietBundlerLogger,
  });
}

export async function createWorkers(options: CreateWorkersOptions): Promise<BackgroundCheckWorkers> {
  const { connection, config, dataConverter } = options;
  const namespace = config.TEMPORAL_NAMESPACE;
  const shutdownGraceTime = options.shutdownGraceTime ?? '20 seconds';
  const vendors = options.activities ? undefined : vendorActivitiesFrom(config as WorkerConfig);
  const activities = options.activities ?? (vendors as NonNullable<typeof vendors>).activities;
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows());

  // Every worker gets the tracing interceptors; the workflow sink only matters on the first.
  const { interceptors, sinks } = workerTracing(options.tracing);
  const common = { connection, namespace, dataConverter, shutdownGraceTime, interceptors, sinks };
  const workflow = await Worker.create({
    ...common,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    // Served as a local activity only: this worker polls no activity tasks.
    activities: createWorkerSettingsActivities({
      percentTaskQueue: config.PERCENT_TASK_QUEUE,
      attestrTaskQueue: config.ATTESTR_TASK_QUEUE,
      ...(options.continueAsNewAfterEvents !== undefined && {
        continueAsNewAfterEvents: options.continueAsNewAfterEvents,
      }),
    }),
    enableNonLocalActivities: false,
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
  const percent = await Worker.create({
    ...common,
    taskQueue: config.PERCENT_TASK_QUEUE,
    activities: {
      createAgentVerification: activities.createAgentVerification,
      getAgentVerification: activities.getAgentVerification,
    },
    maxTaskQueueActivitiesPerSecond: config.PERCENT_MAX_ACTIVITIES_PER_SECOND,
  });
  const attestr = await Worker.create({
    ...common,
    taskQueue: config.ATTESTR_TASK_QUEUE,
    activities: { associateAsyncRequest: activities.associateAsyncRequest },
    maxTaskQueueActivitiesPerSecond: config.ATTESTR_MAX_ACTIVITIES_PER_SECOND,
  });

  const all = [workflow, percent, attestr];
  const shutdown = () => {
    for (const worker of all) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  const run = async () => {
    try {
      await Promise.all(
        all.map((worker) =>
          worker.run().catch((err: unknown) => {
            shutdown();
            throw err;
          }),
        ),
      );
    } finally {
      await vendors?.close();
    }
  };
  return { workflow, percent, attestr, run, shutdown };
}

function vendorActivitiesFrom(config: WorkerConfig) {
  const percent = PercentClient.fromConfig(config, config);
  const attestr = AttestrClient.fromConfig(config, config);
  return {
    activities: createActivities({ percent, attestr, failurePolicy: failurePolicyFromConfig(config, config) }),
    close: async () => {
      await Promise.all([percent.close(), attestr.close()]);
    },
  };
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

async function loadWorkflowBundle(logger: Logger): Promise<WorkflowBundleOption> {
  if (existsSync(PREBUILT_BUNDLE_PATH)) {
    logger.info('Using the prebuilt workflow bundle', { path: PREBUILT_BUNDLE_PATH });
    return { codePath: PREBUILT_BUNDLE_PATH };
  }
  const started = Date.now();
  const bundle = await bundleWorkflows();
  logger.info('Bundled the workflow code', { ms: Date.now() - started, bytes: bundle.code.length });
  return bundle;
}

/** `node dist/worker.js bundle`: writes the prebuilt bundle next to the compiled worker. */
async function writePrebuiltBundle(): Promise<void> {
  const { code } = await bundleWorkflows();
  writeFileSync(PREBUILT_BUNDLE_PATH, code);
  process.stdout.write(`Wrote ${PREBUILT_BUNDLE_PATH} (${code.length} bytes)\n`);
}

/** `tsx src/worker.ts` / `node dist/worker.js`: the worker process. */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, fields: { component: 'worker' } });
  const dataConverter = createDataConverter();
  const temporalLevel = config.LOG_LEVEL === 'trace' ? 'TRACE' : config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: toTemporalLogger(logger),
    // Worker.run() is ended by these signals: polls stop, in-flight tasks get the grace time.
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: temporalLevel }), forward: {} },
      metrics: prometheusMetrics(config.METRICS_PORT),
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => logger.info('Shutting down', { signal }));
  }

  const tracing = startTracing({ config, defaultServiceName: 'bgcheck-worker' });
  const connectionOptions = nativeConnectionOptions(config);
  const connection = await NativeConnection.connect(connectionOptions).catch((err: unknown) => {
    throw new Error(
      `Cannot reach Temporal at ${connectionOptions.address} (TEMPORAL_ADDRESS): ${(err as Error).message}`,
    );
  });
  try {
    // Before polling: without its search attributes every check's workflow task would fail, again and again.
    if ((await checkSearchAttributes(connection.operatorService, config.TEMPORAL_NAMESPACE)) === 'unchecked') {
      logger.warn('Could not list the namespace search attributes (permission denied); not checked', {
        namespace: config.TEMPORAL_NAMESPACE,
      });
    }
    const workflowBundle = await loadWorkflowBundle(logger);
    const workers = await createWorkers({ connection, config, workflowBundle, dataConverter, tracing });
    logger.info('Worker started', {
      address: connectionOptions.address,
      tls: Boolean(connectionOptions.tls),
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueues: {
        workflows: config.TEMPORAL_TASK_QUEUE,
        percent: config.PERCENT_TASK_QUEUE,
        attestr: config.ATTESTR_TASK_QUEUE,
      },
      activitiesPerSecond: {
        percent: config.PERCENT_MAX_ACTIVITIES_PER_SECOND,
        attestr: config.ATTESTR_MAX_ACTIVITIES_PER_SECOND,
      },
      payloadEncryption: payloadEncryptionEnabled(),
      metrics: `http://0.0.0.0:${config.METRICS_PORT}/metrics`,
      tracing: tracing.enabled ? tracing.resource.attributes['service.name'] : 'off',
    });
    await workers.run();
    logger.info('Worker stopped');
  } finally {
    await tracing.shutdown();
    await connection.close();
  }
}

if (require.main === module) {
  (process.argv[2] === 'bundle' ? writePrebuiltBundle() : main()).catch((err: unknown) => {
    if (err instanceof ConfigError || err instanceof SearchAttributesMissingError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      createLogger().error('Worker failed', { error: err });
    }
    process.exit(1);
  });
}
