import type { FastifyInstance } from 'fastify';
import { EncryptionCodec } from '../codec/encryption-codec';
import { ConfigError, loadCodecServerConfig, type CodecServerConfig } from '../config';
import type { Logger } from '../logger';
import { OidcTokenVerifier } from './oidc';
import { createCodecServer, listen } from './server';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export interface StartedCodecServer {
  /** Fastify: `await server.close()` answers the requests in flight, then stops. */
  server: FastifyInstance;
  url: string;
  config: CodecServerConfig;
}

/**
 * Validates the codec server's configuration and starts it. Refuses to start without keys, and
 * on a non-loopback address without auth (a token or an OIDC issuer) unless told explicitly:
 * decrypted payloads hold personal data and must not be served to whoever can reach the port.
 */
export async function startCodecServerFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: { logger?: Logger } = {},
): Promise<StartedCodecServer> {
  const config = loadCodecServerConfig(env);
  const problems: string[] = [];
  if (!config.PAYLOAD_CODEC_KEYS) {
    problems.push('PAYLOAD_CODEC_KEYS: required: the codec server needs the keys the worker encrypts with');
  }
  const authenticated = config.CODEC_SERVER_AUTH_TOKEN !== undefined || config.CODEC_SERVER_OIDC_ISSUER !== undefined;
  if (!authenticated && !config.CODEC_SERVER_INSECURE_NO_AUTH && !LOOPBACK.test(config.CODEC_SERVER_HOST)) {
    problems.push(
      'CODEC_SERVER_AUTH_TOKEN or CODEC_SERVER_OIDC_ISSUER: required when CODEC_SERVER_HOST is not a loopback address ' +
        '(decrypted payloads hold personal data); CODEC_SERVER_INSECURE_NO_AUTH=true only if the port is reachable from this machine alone',
    );
  }
  if (problems.length > 0 || !config.PAYLOAD_CODEC_KEYS) throw new ConfigError(problems);
  const server = createCodecServer({
    codec: new EncryptionCodec(config.PAYLOAD_CODEC_KEYS),
    corsOrigins: config.CODEC_SERVER_CORS_ORIGINS,
    authToken: config.CODEC_SERVER_AUTH_TOKEN,
    oidc: config.CODEC_SERVER_OIDC_ISSUER
      ? new OidcTokenVerifier({
          issuer: config.CODEC_SERVER_OIDC_ISSUER,
          audience: config.CODEC_SERVER_OIDC_AUDIENCE,
          jwksUrl: config.CODEC_SERVER_OIDC_JWKS_URL,
        })
      : undefined,
    logger: options.logger,
  });
  const url = await listen(server, config.CODEC_SERVER_PORT, config.CODEC_SERVER_HOST);
  return { server, url, config };
}
