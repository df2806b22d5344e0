import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing } from './key-ring';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
/** Metadata key naming the key a payload was encrypted with, so keys can rotate. */
export const METADATA_KEY_ID = 'encryption-key-id';
/** Metadata key naming the cipher, so a later format can be told apart from this one. */
export const METADATA_CIPHER = 'encryption-cipher';
export const CIPHER = 'AES-256-GCM';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export type PayloadCodecErrorReason = 'unknown-key-id' | 'tampered' | 'malformed';

/**
 * A payload that cannot be decrypted. The message says which key id and why, in words an
 * operator can act on; it never holds key material or payload contents.
 */
export class PayloadCodecError extends Error {
  constructor(
    readonly reason: PayloadCodecErrorReason,
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = 'PayloadCodecError';
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Encrypts every payload with AES-256-GCM.
 *
 * The whole payload (its metadata such as `encoding: json/plain` and its data) is serialized
 * and encrypted, so Temporal stores only `encoding: binary/encrypted`, the key id and the
 * cipher name in clear. The wire format of `data` is `IV (12 bytes) | ciphertext | tag (16 bytes)`
 * with a fresh random IV per payload. The key id is authenticated data: a payload whose key id
 * was edited fails to decrypt instead of being read with another key.
 *
 * Payloads that were never encrypted (written before the codec was switched on) decode as they
 * are, so turning encryption on does not strand running checks.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  encrypt(payload: Payload): Payload {
    const keyId = this.keys.newestId;
    const key = this.keys.key(keyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(utf8.encode(keyId));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8.encode(ENCODING_ENCRYPTED),
        [METADATA_KEY_ID]: utf8.encode(keyId),
        [METADATA_CIPHER]: utf8.encode(CIPHER),
      },
      data: new Uint8Array(data),
    };
  }

  decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || fromUtf8.decode(encoding) !== ENCODING_ENCRYPTED) return payload;

    const rawKeyId = payload.metadata?.[METADATA_KEY_ID];
    if (!rawKeyId) {
      throw new PayloadCodecError('malformed', `Encrypted payload has no "${METADATA_KEY_ID}" metadata`);
    }
    const keyId = fromUtf8.decode(rawKeyId);
    const cipherName = payload.metadata?.[METADATA_CIPHER];
    if (cipherName && fromUtf8.decode(cipherName) !== CIPHER) {
      throw new PayloadCodecError(
        'malformed',
        `Encrypted payload uses cipher "${fromUtf8.decode(cipherName)}"; this codec reads ${CIPHER} only`,
        keyId,
      );
    }
    const key = this.keys.key(keyId);
    if (!key) {
      throw new PayloadCodecError(
        'unknown-key-id',
        `Payload was encrypted with key id "${keyId}", which is not in PAYLOAD_CODEC_KEYS ` +
          `(configured ids: ${this.keys.ids.join(', ')}). Add that key back to the list to read it.`,
        keyId,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadCodecError(
        'malformed',
        `Encrypted payload (key id "${keyId}") is ${data.length} bytes, too short to hold an IV and a tag`,
        keyId,
      );
    }
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const body = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(rawKeyId);
      decipher.setAuthTag(tag);
      plain = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new PayloadCodecError(
        'tampered',
        `Encrypted payload (key id "${keyId}") failed authentication: it was altered or truncated, ` +
          `or the key configured under "${keyId}" is not the one it was written with`,
        keyId,
      );
    }
    const { metadata, data: inner } = temporal.api.common.v1.Payload.decode(plain);
    return { metadata, data: inner };
  }
}
