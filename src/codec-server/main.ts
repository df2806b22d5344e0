/**
 * `npm run codec-server`: serves /encode and /decode for the Temporal UI and CLI.
 *
 * Needs PAYLOAD_CODEC_KEYS (the same list as the worker). Listens on CODEC_SERVER_HOST
 * (default 127.0.0.1) and CODEC_SERVER_PORT (default 8888); anything but a loopback address
 * requires auth: CODEC_SERVER_AUTH_TOKEN and/or CODEC_SERVER_OIDC_ISSUER (see src/codec/README.md).
 */
import { ConfigError } from '../config';
import { createLogger } from '../logger';
import { startCodecServerFromEnv } from './start';

const logger = createLogger({ fields: { service: 'codec-server' } });

async function main() {
  const { server, url, config } = await startCodecServerFromEnv(process.env, { logger });
  logger.info('codec server listening', {
    url,
    keyIds: config.PAYLOAD_CODEC_KEYS?.ids,
    corsOrigins: config.CODEC_SERVER_CORS_ORIGINS,
    auth:
      [
        config.CODEC_SERVER_AUTH_TOKEN && 'bearer token',
        config.CODEC_SERVER_OIDC_ISSUER && `OIDC access tokens from ${config.CODEC_SERVER_OIDC_ISSUER}`,
      ]
        .filter(Boolean)
        .join(' or ') || 'none',
  });

  const stop = (signal: string) => {
    logger.info('codec server stopping', { signal });
    // Requests in flight are answered first; idle keep-alive connections are closed.
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  logger.error(error instanceof ConfigError ? error.message : `codec server failed: ${String(error)}`);
  process.exit(1);
});
