/**
 * A Temporal `Client` for the processes that only talk to the cluster (ingress, CLI): connection
 * from TEMPORAL_* (TLS and API key optional, for Temporal Cloud) and the shared data converter,
 * so what they write the worker can read.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { createDataConverter } from '../codec';
import type { TemporalConfig } from '../config';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

export function temporalConnectionOptions(config: TemporalConfig): ConnectionOptions {
  const apiKey = config.TEMPORAL_API_KEY?.reveal();
  const clientCert =
    config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
      ? { crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH), key: readFileSync(config.TEMPORAL_TLS_KEY_PATH) }
      : undefined;
  const tls = config.TEMPORAL_TLS || apiKey !== undefined || clientCert !== undefined;
  return {
    address: config.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS,
    ...(tls
      ? {
          tls: {
            ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
            ...(clientCert ? { clientCertPair: clientCert } : {}),
          },
        }
      : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
  };
}

/**
 * `lazy`: connect on first use, so a process (the ingress) starts while Temporal is down and
 * answers 503 until it is back, instead of crash-looping.
 */
export async function createTemporalClient(
  config: TemporalConfig,
  env: Record<string, string | undefined> = process.env,
  { lazy = false }: { lazy?: boolean } = {},
): Promise<Client> {
  const options = temporalConnectionOptions(config);
  const connection = lazy ? Connection.lazy(options) : await Connection.connect(options);
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: createDataConverter(env) });
}
