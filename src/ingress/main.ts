/**
 * `npm run ingress`: the event ingress as a process. Configuration from the environment
 * (TEMPORAL_*, PERCENT_WEBHOOK_SECRET, INGRESS_PORT, LOG_LEVEL, PAYLOAD_CODEC_KEYS); stops
 * gracefully on SIGTERM/SIGINT, answering the requests in flight first.
 */
import { ConfigError, loadPercentWebhookConfig, loadProcessConfig, loadTemporalConfig } from '../config';
import { createLogger } from '../logger';
import { closeServer, listen } from './http';
import { createIngress } from './server';
import { DEFAULT_TEMPORAL_ADDRESS, createTemporalClient } from './temporal-client';

async function main(): Promise<void> {
  const processConfig = loadProcessConfig();
  const temporalConfig = loadTemporalConfig();
  const webhookConfig = loadPercentWebhookConfig();
  const logger = createLogger({ level: processConfig.LOG_LEVEL, fields: { service: 'ingress' } });

  const client = await createTemporalClient(temporalConfig, process.env, { lazy: true });
  const server = createIngress({ client, logger, config: { ...temporalConfig, ...webhookConfig } });
  const port = await listen(server, processConfig.INGRESS_PORT);
  logger.info('ingress listening', {
    port,
    temporalAddress: temporalConfig.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: temporalConfig.TEMPORAL_NAMESPACE,
    taskQueue: temporalConfig.TEMPORAL_TASK_QUEUE,
  });

  const stop = async (signal: string) => {
    logger.info('shutting down', { signal });
    await closeServer(server);
    await client.connection.close();
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
