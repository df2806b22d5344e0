/**
 * The CLI's payload codec: the shared encryption codec, except that a payload it cannot decrypt
 * (no PAYLOAD_CODEC_KEYS at all, or not the key it was written with) is shown as a placeholder
 * string instead of failing the whole command, and is counted per key id so the CLI can say,
 * in words, which key is missing and which variable to set. Encoding is unchanged.
 */
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { ENCODING_ENCRYPTED, METADATA_KEY_ID, PayloadCodecError } from '../codec';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class UnreadablePayloadsCodec implements PayloadCodec {
  /** Key id → how many payloads written with it could not be read. */
  readonly unreadable = new Map<string, number>();

  constructor(private readonly inner?: PayloadCodec) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.inner ? this.inner.encode(payloads) : Promise.resolve(payloads);
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || fromUtf8.decode(encoding) !== ENCODING_ENCRYPTED) return payload;
    const rawKeyId = payload.metadata?.[METADATA_KEY_ID];
    const keyId = rawKeyId ? fromUtf8.decode(rawKeyId) : '(none)';
    if (this.inner) {
      try {
        return (await this.inner.decode([payload]))[0];
      } catch (error) {
        if (!(error instanceof PayloadCodecError) || error.reason !== 'unknown-key-id') throw error;
      }
    }
    this.unreadable.set(keyId, (this.unreadable.get(keyId) ?? 0) + 1);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8.encode('json/plain') },
      data: utf8.encode(JSON.stringify(`[encrypted with key id "${keyId}": not readable with PAYLOAD_CODEC_KEYS]`)),
    };
  }

  /** The warning to print when some payloads could not be read, or undefined. */
  warning(keysConfigured: boolean): string | undefined {
    if (this.unreadable.size === 0) return undefined;
    const ids = [...this.unreadable.entries()].map(([id, n]) => `"${id}" (${n} payload${n === 1 ? '' : 's'})`);
    return [
      `warning: some payloads are encrypted with key id ${ids.join(', ')}, ${
        keysConfigured ? 'which is not in PAYLOAD_CODEC_KEYS' : 'and PAYLOAD_CODEC_KEYS is not set'
      }; they are shown as placeholders.`,
      '  Set PAYLOAD_CODEC_KEYS to the key list the worker uses (npm run dev writes its per-run key to',
      '  .dev/secrets.env: run the CLI as BGCHECK_ENV_FILE=.dev/secrets.env npm run client -- ...).',
    ].join('\n');
  }
}
