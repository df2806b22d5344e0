/**
 * `npm run ingress`: the event ingress as a process. Configuration from the environment
 * (TEMPORAL_*, PERCENT_WEBHOOK_SECRET, INGRESS_AUTH_TOKENS or INGRESS_INSECURE_NO_AUTH,
 * INGRESS_PORT, METRICS_PORT, LOG_LEVEL, PAYLOAD_CODEC_KEYS, OTEL_*); stops gracefully on
 * SIGTERM/SIGINT, answering the requests in flight first.
 */
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { ConfigError, loadIngressConfig } from '../config';
import { createLogger, toTemporalLogger } from '../logger';
import { prometheusMetrics } from '../telemetry/metrics';
import { startTracing } from '../telemetry/tracing';
import { closeServer, listen } from './http';
import { createIngress } from './server';
import { DEFAULT_TEMPORAL_ADDRESS, createTemporalClient } from '../temporal/client';

async function main(): Promise<void> {
  const config = loadIngressConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, fields: { service: 'ingress' } });

  // Incoming requests begin (or continue, from a sender's traceparent) each check's trace.
  const tracing = startTracing({ config, defaultServiceName: 'bgcheck-ingress', incomingHttp: true });
  // The SDK's runtime serves the ingress's metrics on METRICS_PORT, as the worker's do.
  Runtime.install({
    logger: toTemporalLogger(logger),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: prometheusMetrics(config.METRICS_PORT),
    },
  });
  const metricMeter = Runtime.instance().metricMeter;

  const client = await createTemporalClient(config, process.env, { lazy: true });
  const server = createIngress({ client, logger, config, metricMeter });
  const port = await listen(server, config.INGRESS_PORT);
  logger.info('ingress listening', {
    port,
    temporalAddress: config.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    auth:
      config.INGRESS_AUTH_TOKENS.length > 0
        ? `${config.INGRESS_AUTH_TOKENS.length} bearer token(s)`
        : 'none (INGRESS_INSECURE_NO_AUTH)',
    metrics: `http://0.0.0.0:${config.METRICS_PORT}/metrics`,
    tracing: tracing.enabled ? tracing.resource.attributes['service.name'] : 'off',
  });
  if (config.INGRESS_AUTH_TOKENS.length === 0) {
    logger.warn('no authentication on /onboarding-events and /profiles/:profileId/async-request: local use only');
  }

  const stop = async (signal: string) => {
    logger.info('shutting down', { signal });
    await closeServer(server);
    await client.connection.close();
    await tracing.shutdown();
    logger.info('stopped');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop(signal).then(
        () => process.exit(0),
        (error) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `ingress failed to start: ${String(error)}`}\n`,
  );
  process.exit(1);
});
