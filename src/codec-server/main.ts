/**
 * `npm run codec-server`: serves /encode and /decode for the Temporal UI and CLI.
 *
 * Needs PAYLOAD_CODEC_KEYS (the same list as the worker). Listens on CODEC_SERVER_HOST
 * (default 127.0.0.1) and CODEC_SERVER_PORT (default 8888); anything but a loopback address
 * requires auth: CODEC_SERVER_AUTH_TOKEN and/or CODEC_SERVER_OIDC_ISSUER (see src/codec/README.md).
 */
import { ConfigError } from '../config';
import { startCodecServerFromEnv } from './start';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

async function main() {
  const { server, url, config } = await startCodecServerFromEnv();
  log('info', 'codec server listening', {
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
    log('info', 'codec server stopping', { signal });
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log('error', error instanceof ConfigError ? error.message : `codec server failed: ${String(error)}`);
  process.exit(1);
});
