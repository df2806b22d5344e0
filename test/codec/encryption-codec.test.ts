import { inspect } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, loadCodecConfig } from '../../src/config';
import {
  createDataConverter,
  ENCODING_ENCRYPTED,
  EncryptionCodec,
  METADATA_KEY_ID,
  parseKeyRing,
  PayloadCodecError,
} from '../../src/codec';
import { codecKeysValue, randomKey } from '../helpers/codec-keys';

const agent = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

function codecFor(...keys: ReturnType<typeof randomKey>[]) {
  return new EncryptionCodec(parseKeyRing(codecKeysValue(...keys)));
}

async function roundTrip(writer: EncryptionCodec, reader: EncryptionCodec, value: unknown) {
  const [encoded] = await writer.encode([defaultPayloadConverter.toPayload(value)]);
  const [decoded] = await reader.decode([encoded]);
  return { encoded, value: defaultPayloadConverter.fromPayload(decoded) };
}

describe('EncryptionCodec', () => {
  it('round-trips a value and stores nothing of it in clear', async () => {
    const codec = codecFor(randomKey('k1'));
    const { encoded, value } = await roundTrip(codec, codec, agent);
    expect(value).toEqual(agent);
    expect(text(encoded.metadata?.encoding)).toBe(ENCODING_ENCRYPTED);
    expect(text(encoded.metadata?.[METADATA_KEY_ID])).toBe('k1');
    const stored = Buffer.concat([encoded.data!, ...Object.values(encoded.metadata!)]).toString('latin1');
    expect(stored).not.toContain('Lovelace');
    expect(stored).not.toContain('ada@example.org');
    expect(stored).not.toContain('json/plain');
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = codecFor(randomKey('k1'));
    const [a, b] = await codec.encode([
      defaultPayloadConverter.toPayload(agent),
      defaultPayloadConverter.toPayload(agent),
    ]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('keeps old payloads readable after a newer key is added, and encrypts new ones with it', async () => {
    const k1 = randomKey('2026-01');
    const k2 = randomKey('2026-06');
    const before = codecFor(k1);
    const after = codecFor(k2, k1);
    const [old] = await before.encode([defaultPayloadConverter.toPayload(agent)]);
    expect(defaultPayloadConverter.fromPayload((await after.decode([old]))[0])).toEqual(agent);
    const { encoded } = await roundTrip(after, after, agent);
    expect(text(encoded.metadata?.[METADATA_KEY_ID])).toBe('2026-06');
  });

  it('rejects a payload whose key id is not configured, naming the id', async () => {
    const [payload] = await codecFor(randomKey('retired')).encode([defaultPayloadConverter.toPayload(agent)]);
    const reader = codecFor(randomKey('current'));
    const error = await reader.decode([payload]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect(error).toMatchObject({ reason: 'unknown-key-id', keyId: 'retired' });
    expect((error as Error).message).toMatch(/key id "retired".*PAYLOAD_CODEC_KEYS.*current/);
  });

  it.each([
    ['a flipped ciphertext bit', (p: Payload) => ({ ...p, data: flip(p.data!, 20) })],
    ['a flipped IV bit', (p: Payload) => ({ ...p, data: flip(p.data!, 0) })],
    ['a truncated tag', (p: Payload) => ({ ...p, data: p.data!.subarray(0, p.data!.length - 1) })],
  ])('rejects a payload with %s as tampered', async (_, tamper) => {
    const key = randomKey('k1');
    const codec = codecFor(key);
    const [payload] = await codec.encode([defaultPayloadConverter.toPayload(agent)]);
    const error = await codec.decode([tamper(payload)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect(error).toMatchObject({ reason: 'tampered', keyId: 'k1' });
    expect((error as Error).message).toMatch(/failed authentication/);
    expect((error as Error).message).not.toContain(key.base64);
  });

  it('rejects a payload relabelled with another configured key id', async () => {
    const k1 = randomKey('k1');
    const k2 = randomKey('k2');
    const codec = codecFor(k2, k1);
    const [payload] = await codec.encode([defaultPayloadConverter.toPayload(agent)]);
    const relabelled = { ...payload, metadata: { ...payload.metadata, [METADATA_KEY_ID]: Buffer.from('k1') } };
    await expect(codec.decode([relabelled])).rejects.toMatchObject({ reason: 'tampered', keyId: 'k1' });
  });

  it('passes through payloads written before encryption was switched on', async () => {
    const codec = codecFor(randomKey('k1'));
    const clear = defaultPayloadConverter.toPayload(agent);
    expect(await codec.decode([clear])).toEqual([clear]);
  });
});

describe('PAYLOAD_CODEC_KEYS', () => {
  const key = randomKey('k1');

  it.each([
    ['no colon', 'justakey', /key 1: expected "id:base64key"/],
    ['a short key', `k1:${Buffer.alloc(16).toString('base64')}`, /key 1 \("k1"\): is 16 bytes, expected 32/],
    ['bad base64', 'k1:not*base64', /key 1 \("k1"\): expected standard base64/],
    [
      'a duplicate id',
      `${codecKeysValue(key)},${codecKeysValue(randomKey('k1'))}`,
      /key 2: the key id "k1" appears twice/,
    ],
    ['a bad id', `bad id:${key.base64}`, /key 1: expected a key id/],
  ])('rejects %s with an error naming the variable', (_, value, problem) => {
    const error = (() => {
      try {
        loadCodecConfig({ PAYLOAD_CODEC_KEYS: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/PAYLOAD_CODEC_KEYS: /);
    expect((error as ConfigError).message).toMatch(problem);
    expect((error as ConfigError).message).not.toContain(key.base64);
    expect((error as ConfigError).message).not.toContain(value.split(':')[1] ?? value);
  });

  it('never prints key material', () => {
    const { PAYLOAD_CODEC_KEYS: ring } = loadCodecConfig({ PAYLOAD_CODEC_KEYS: codecKeysValue(key) });
    for (const shown of [String(ring), JSON.stringify(ring), inspect(ring), inspect({ ring }, { depth: 5 })]) {
      expect(shown).toContain('k1');
      expect(shown).not.toContain(key.base64);
      expect(shown).not.toContain(Buffer.from(key.base64, 'base64').toString('hex'));
    }
  });

  it('builds a data converter with the codec when set, and none when unset', () => {
    expect(createDataConverter({ PAYLOAD_CODEC_KEYS: codecKeysValue(key) }).payloadCodecs).toHaveLength(1);
    expect(createDataConverter({}).payloadCodecs ?? []).toHaveLength(0);
  });
});

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] ^= 1;
  return copy;
}
