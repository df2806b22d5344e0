import { inspect } from 'node:util';

/** AES-256 needs exactly 32 bytes of key material. */
export const KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A problem with the key list. The message names the key by position and id, never its material. */
export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

/**
 * The payload encryption keys, newest first. New payloads are encrypted with the newest key;
 * older keys stay in the ring only so that payloads written before a rotation can be read.
 *
 * Printing a key ring (logs, errors, `console.log`, JSON) shows the key ids, never the keys.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  /** Id of the key that encrypts new payloads. */
  readonly newestId: string;

  constructor(keys: readonly { id: string; key: Uint8Array }[]) {
    if (keys.length === 0) throw new KeyRingError('expected at least one key');
    const map = new Map<string, Buffer>();
    keys.forEach(({ id, key }, i) => {
      const where = `key ${i + 1}`;
      if (!KEY_ID.test(id)) {
        throw new KeyRingError(`${where}: expected a key id of 1-64 letters, digits, ".", "_" or "-"`);
      }
      if (map.has(id)) throw new KeyRingError(`${where}: the key id "${id}" appears twice`);
      if (key.length !== KEY_BYTES) {
        throw new KeyRingError(`${where} ("${id}"): is ${key.length} bytes, expected ${KEY_BYTES}`);
      }
      map.set(id, Buffer.from(key));
    });
    this.#keys = map;
    this.newestId = keys[0].id;
  }

  /** The key ids, newest first. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  /** Key material, for the cipher only. */
  key(id: string): Buffer | undefined {
    return this.#keys.get(id);
  }

  toString(): string {
    return `KeyRing(${this.ids.join(', ')})`;
  }

  toJSON(): { ids: string[] } {
    return { ids: this.ids };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Parses `id1:base64key,id2:base64key` (newest first). Whitespace around entries is ignored so
 * the list may be wrapped in a compose file. Errors say which entry is wrong and why, without
 * echoing any part of it beyond its id.
 */
export function parseKeyRing(text: string): KeyRing {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new KeyRingError('expected at least one key as "id:base64key"');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new KeyRingError(`key ${i + 1}: expected "id:base64key"`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    // Checked before the id is quoted in any message: a swapped "key:id" must not echo the key.
    if (!KEY_ID.test(id)) {
      throw new KeyRingError(`key ${i + 1}: expected a key id of 1-64 letters, digits, ".", "_" or "-"`);
    }
    if (!STRICT_BASE64.test(encoded)) {
      throw new KeyRingError(`key ${i + 1} ("${id}"): expected standard base64 (openssl rand -base64 32)`);
    }
    return { id, key: Buffer.from(encoded, 'base64') };
  });
  return new KeyRing(keys);
}
