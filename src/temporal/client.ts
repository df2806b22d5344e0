/**
 * A Temporal `Client` for the processes that only talk to the cluster (ingress, CLI): the
 * connection from TEMPORAL_* (see `connection.ts`) and the shared data converter, so
 * what they write the worker can read.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { createDataConverter } from '../codec';
import type { TemporalConfig } from '../config';
import { clientTracingInterceptors } from '../telemetry/temporal';
import { clientConnectionOptions } from './connection';

export { DEFAULT_TEMPORAL_ADDRESS } from './connection';

/**
 * `lazy`: connect on first use, so a process (the ingress) starts while Temporal is down and
 * answers 503 until it is back, instead of crash-looping.
 */
export async function createTemporalClient(
  config: TemporalConfig,
  env: Record<string, string | undefined> = process.env,
  { lazy = false, dataConverter }: { lazy?: boolean; dataConverter?: DataConverter } = {},
): Promise<Client> {
  const options = clientConnectionOptions(config);
  const connection = lazy ? Connection.lazy(options) : await Connection.connect(options);
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter ?? createDataConverter(env),
    // The SDK's spans for signals, queries and starts made through the client API.
    interceptors: clientTracingInterceptors(),
  });
}
