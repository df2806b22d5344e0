/**
 * `npm run ui`: the official Temporal UI for any cluster, at http://127.0.0.1:8233
 * (TEMPORAL_UI_PORT). It reaches Temporal with the same TEMPORAL_* settings as the worker (TLS,
 * mTLS, API key); with PAYLOAD_CODEC_KEYS set, a codec server on loopback shows the encrypted
 * payloads decoded. The dev stack (`npm run dev`) starts the same pair through `startUiWithCodec`.
 *
 * Development only: not part of the production build or image.
 */
import { startUiServer } from '@bgcheck/temporal-ui';
import { Connection } from '@temporalio/client';
import { startCodecServerFromEnv } from '../src/codec-server/start';
import { ConfigError, loadProcessConfig, loadTemporalConfig } from '../src/config';
import { clientConnectionOptions } from '../src/temporal/connection';

type Env = Record<string, string | undefined>;

export interface UiWithCodec {
  url: string;
  /** Undefined when payloads are not encrypted (no PAYLOAD_CODEC_KEYS). */
  codecUrl?: string;
  close(): Promise<void>;
}

export async function startUiWithCodec(options: {
  env: Env;
  connection: Connection;
  namespace: string;
  /** Default TEMPORAL_UI_PORT; a taken default port falls back to a free one, an explicit one is an error. */
  port?: number;
  progress?: (line: string) => void;
}): Promise<UiWithCodec> {
  const { env } = options;
  const explicit = options.port !== undefined || (env.TEMPORAL_UI_PORT ?? '') !== '';
  const port = options.port ?? loadProcessConfig(env).TEMPORAL_UI_PORT;
  const start = (p: number) =>
    startUiServer({
      connection: options.connection,
      defaultNamespace: options.namespace,
      port: p,
      progress: options.progress,
    });
  let ui: Awaited<ReturnType<typeof start>>;
  try {
    ui = await start(port);
  } catch (error) {
    if (explicit || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    ui = await start(0);
  }
  if (!env.PAYLOAD_CODEC_KEYS) return { url: ui.url, close: ui.close };
  try {
    // The browser calls the codec server from the UI's origin; loopback only, so no auth.
    const codec = await startCodecServerFromEnv({
      ...env,
      CODEC_SERVER_HOST: '127.0.0.1',
      CODEC_SERVER_PORT: '0',
      CODEC_SERVER_CORS_ORIGINS: [ui.url, ui.url.replace('127.0.0.1', 'localhost')].join(','),
      // The UI forwards no token to a local codec server.
      CODEC_SERVER_AUTH_TOKEN: '',
      CODEC_SERVER_OIDC_ISSUER: '',
    });
    ui.setCodecEndpoint(codec.url);
    return {
      url: ui.url,
      codecUrl: codec.url,
      close: async () => {
        await codec.server.close();
        await ui.close();
      },
    };
  } catch (error) {
    await ui.close();
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadTemporalConfig();
  // Lazy: the UI comes up even while the cluster is unreachable, and says so on each page.
  const connection = Connection.lazy(clientConnectionOptions(config));
  const ui = await startUiWithCodec({
    env: process.env,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    progress: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `Temporal UI ${ui.url} for ${config.TEMPORAL_ADDRESS ?? 'localhost:7233'} (namespace ${config.TEMPORAL_NAMESPACE})` +
      `${ui.codecUrl ? `, payloads decoded by ${ui.codecUrl}` : ''}. Ctrl-C to stop.\n`,
  );
  const stop = () => {
    void ui
      .close()
      .then(() => connection.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `ui failed: ${String(error)}`}\n`);
    process.exit(1);
  });
}
