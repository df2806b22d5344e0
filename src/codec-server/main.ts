/**
 * `npm run codec-server`: serves /encode and /decode for the Temporal UI and CLI.
 *
 * Needs PAYLOAD_CODEC_KEYS (the same list as the worker). Listens on CODEC_SERVER_HOST
 * (default 127.0.0.1) and CODEC_SERVER_PORT (default 8888); anything but a loopback address
 * requires CODEC_SERVER_AUTH_TOKEN, so decrypted personal data is never served to anyone who
 * can reach the port.
 */
import { ConfigError, loadCodecServerConfig } from '../config';
import { EncryptionCodec } from '../codec/encryption-codec';
import { createCodecServer, listen } from './server';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

async function main() {
  const config = loadCodecServerConfig();
  if (!config.PAYLOAD_CODEC_KEYS) {
    throw new ConfigError(['PAYLOAD_CODEC_KEYS: required: the codec server needs the keys the worker encrypts with']);
  }
  if (!config.CODEC_SERVER_AUTH_TOKEN && !LOOPBACK.test(config.CODEC_SERVER_HOST)) {
    throw new ConfigError([
      `CODEC_SERVER_AUTH_TOKEN: required when CODEC_SERVER_HOST is not a loopback address (decrypted payloads hold personal data)`,
    ]);
  }
  const server = createCodecServer({
    codec: new EncryptionCodec(config.PAYLOAD_CODEC_KEYS),
    corsOrigins: config.CODEC_SERVER_CORS_ORIGINS,
    authToken: config.CODEC_SERVER_AUTH_TOKEN,
  });
  const url = await listen(server, config.CODEC_SERVER_PORT, config.CODEC_SERVER_HOST);
  log('info', 'codec server listening', {
    url,
    keyIds: config.PAYLOAD_CODEC_KEYS.ids,
    corsOrigins: config.CODEC_SERVER_CORS_ORIGINS,
    auth: config.CODEC_SERVER_AUTH_TOKEN ? 'bearer token' : 'none (loopback only)',
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
