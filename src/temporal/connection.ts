/**
 * How every process reaches Temporal: the worker (`NativeConnection`), and the CLI and ingress
 * (client `Connection`), from the same TEMPORAL_* settings. Plain TCP for a local server; TLS,
 * mTLS and an API key for Temporal Cloud or a secured cluster.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type TemporalConfig } from '../config';

/** Where a local `temporal server start-dev` listens. */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

export interface TemporalEndpoint {
  address: string;
  /** `false` for plain TCP. */
  tls: TLSConfig | false;
  /** Temporal Cloud API key (sent as a bearer token; never logged). */
  apiKey?: string;
}

type ReadFile = (path: string) => Buffer;

/**
 * TLS is on when TEMPORAL_TLS is true, a client certificate is given, or an API key is set
 * (Temporal Cloud refuses API keys over plain TCP). Throws `ConfigError` naming the variable
 * when a certificate file is missing or half of a pair is set.
 */
export function temporalEndpoint(config: TemporalConfig, readFile: ReadFile = readFileSync): TemporalEndpoint {
  const certPath = config.TEMPORAL_TLS_CERT_PATH;
  const keyPath = config.TEMPORAL_TLS_KEY_PATH;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError([
      'TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH: expected both (a client certificate and its key) or neither',
    ]);
  }
  const read = (variable: string, path: string): Buffer => {
    try {
      return readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError([`${variable}: cannot read the file (${code})`]);
    }
  };
  const apiKey = config.TEMPORAL_API_KEY?.reveal();
  const useTls = config.TEMPORAL_TLS || certPath !== undefined || apiKey !== undefined;
  const tls: TLSConfig | false = useTls
    ? {
        ...(config.TEMPORAL_TLS_SERVER_NAME !== undefined && { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME }),
        ...(certPath !== undefined &&
          keyPath !== undefined && {
            clientCertPair: {
              crt: read('TEMPORAL_TLS_CERT_PATH', certPath),
              key: read('TEMPORAL_TLS_KEY_PATH', keyPath),
            },
          }),
      }
    : false;
  return {
    address: config.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS,
    tls,
    ...(apiKey !== undefined && { apiKey }),
  };
}

/** For `NativeConnection.connect` (workers). */
export function nativeConnectionOptions(config: TemporalConfig, readFile?: ReadFile): NativeConnectionOptions {
  const { address, tls, apiKey } = temporalEndpoint(config, readFile);
  return { address, tls, ...(apiKey !== undefined && { apiKey }) };
}

/** For `Connection.connect` (clients: the CLI, the ingress). */
export function clientConnectionOptions(config: TemporalConfig, readFile?: ReadFile): ConnectionOptions {
  const { address, tls, apiKey } = temporalEndpoint(config, readFile);
  return { address, tls, ...(apiKey !== undefined && { apiKey }) };
}
