/** Random payload encryption keys for tests, in the `PAYLOAD_CODEC_KEYS` format. */
import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from '../../src/codec/key-ring';

export interface TestKey {
  id: string;
  /** Base64 of 32 random bytes. */
  base64: string;
}

export function randomKey(id: string): TestKey {
  return { id, base64: randomBytes(KEY_BYTES).toString('base64') };
}

/** `PAYLOAD_CODEC_KEYS` value for the given keys, newest first. */
export function codecKeysValue(...keys: TestKey[]): string {
  return keys.map((k) => `${k.id}:${k.base64}`).join(',');
}

/** An env with one fresh key, ready for `createDataConverter(env)`. */
export function codecEnv(...ids: string[]): { PAYLOAD_CODEC_KEYS: string } {
  const keys = (ids.length ? ids : ['test-key']).map(randomKey);
  return { PAYLOAD_CODEC_KEYS: codecKeysValue(...keys) };
}
