import { ConfigError } from '../../src/config';
import { startCodecServerFromEnv } from '../../src/codec-server';
import { codecEnv, codecKeysValue, randomKey } from '../helpers/codec-keys';

async function startError(env: Record<string, string>): Promise<ConfigError> {
  const error = await startCodecServerFromEnv(env).then(
    async ({ server }) => {
      await server.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('codec server start-up', () => {
  it('refuses to start without keys', async () => {
    expect((await startError({ CODEC_SERVER_PORT: '0' })).message).toContain('PAYLOAD_CODEC_KEYS: required');
  });

  it('refuses a non-loopback address without an auth token', async () => {
    const error = await startError({ ...codecEnv(), CODEC_SERVER_HOST: '0.0.0.0', CODEC_SERVER_PORT: '0' });
    expect(error.message).toContain(
      'CODEC_SERVER_AUTH_TOKEN or CODEC_SERVER_OIDC_ISSUER: required when CODEC_SERVER_HOST is not a loopback',
    );
  });

  it('reports a bad key list without the key', async () => {
    const key = randomKey('k1');
    const short = `k1:${key.base64.slice(0, 20)}`;
    const error = await startError({ PAYLOAD_CODEC_KEYS: short, CODEC_SERVER_PORT: '0' });
    expect(error.message).toMatch(/PAYLOAD_CODEC_KEYS: key 1 \("k1"\)/);
    expect(error.message).not.toContain(key.base64.slice(0, 20));
  });

  it('starts on loopback without a token, and anywhere with one', async () => {
    for (const env of [
      { PAYLOAD_CODEC_KEYS: codecKeysValue(randomKey('k1')), CODEC_SERVER_PORT: '0' },
      {
        PAYLOAD_CODEC_KEYS: codecKeysValue(randomKey('k1')),
        CODEC_SERVER_PORT: '0',
        CODEC_SERVER_HOST: '0.0.0.0',
        CODEC_SERVER_AUTH_TOKEN: 'token',
      },
    ]) {
      const { server, url } = await startCodecServerFromEnv(env);
      try {
        const port = new URL(url).port;
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      } finally {
        await server.close();
      }
    }
  });
});
