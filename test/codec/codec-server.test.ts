import type { FastifyInstance } from 'fastify';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, parseKeyRing } from '../../src/codec';
import { createCodecServer, fromJson, listen, toJson, type PayloadsBody } from '../../src/codec-server';
import { Secret } from '../../src/secret';
import { codecKeysValue, randomKey } from '../helpers/codec-keys';

const UI = 'http://localhost:8233';
const TOKEN = 'codec-token-for-tests';
const agent = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org' };

let server: FastifyInstance;
let base: string;
const codec = new EncryptionCodec(parseKeyRing(codecKeysValue(randomKey('k1'))));

beforeAll(async () => {
  server = createCodecServer({ codec, corsOrigins: [UI], authToken: new Secret(TOKEN) });
  base = await listen(server, 0);
});
afterAll(() => server.close());

const json = async (res: Response) => (await res.json()) as PayloadsBody & { message?: string };

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('codec server', () => {
  it('encodes and decodes the JSON payloads the UI and CLI send', async () => {
    const clear = toJson([defaultPayloadConverter.toPayload(agent)]);
    const encoded = await post('/encode', clear, { 'X-Namespace': 'default' });
    expect(encoded.status).toBe(200);
    const encrypted = await json(encoded);
    expect(Buffer.from(encrypted.payloads[0].metadata?.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encrypted.payloads[0].data ?? '', 'base64').toString('latin1')).not.toContain('Hopper');

    const decoded = await post('/decode', encrypted);
    expect(decoded.status).toBe(200);
    const [payload] = fromJson(await json(decoded));
    expect(defaultPayloadConverter.fromPayload(payload)).toEqual(agent);
  });

  it('decodes payloads that an in-process codec encrypted (the worker)', async () => {
    const fromWorker = await codec.encode([defaultPayloadConverter.toPayload(agent)]);
    const res = await post('/decode', toJson(fromWorker));
    expect(defaultPayloadConverter.fromPayload(fromJson(await json(res))[0])).toEqual(agent);
  });

  it('answers the browser preflight for the UI origin without asking for auth', async () => {
    const res = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-namespace']),
    );
  });

  it('gives no CORS grant to other origins', async () => {
    const preflight = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const res = await post('/decode', { payloads: [] }, { Origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('adds the CORS grant to responses for the UI origin, 401s included', async () => {
    const ok = await post('/decode', { payloads: [] }, { Origin: UI });
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    const denied = await post('/decode', { payloads: [] }, { Origin: UI, Authorization: '' });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-token' }],
    ['a token prefix', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['another scheme', { Authorization: `Basic ${TOKEN}` }],
  ])('refuses %s with 401', async (_, headers: Record<string, string>) => {
    const res = await fetch(`${base}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('rejects a malformed body with 400 naming the field', async () => {
    const res = await post('/decode', { payloads: [{ data: 42 }] });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toMatch(/payloads\.0\.data/);
  });

  it('reports an undecryptable payload with 422 and the key id', async () => {
    const other = new EncryptionCodec(parseKeyRing(codecKeysValue(randomKey('retired'))));
    const res = await post('/decode', toJson(await other.encode([defaultPayloadConverter.toPayload(agent)])));
    expect(res.status).toBe(422);
    expect((await json(res)).message).toMatch(/key id "retired"/);
  });

  it('serves the routes under a namespace segment, as the CLI templates them', async () => {
    const encrypted = await json(await post('/default/encode', toJson([defaultPayloadConverter.toPayload(agent)])));
    const res = await post('/default/decode', encrypted);
    expect(defaultPayloadConverter.fromPayload(fromJson(await json(res))[0])).toEqual(agent);
  });

  it('answers 404 on other paths and 405 on other methods', async () => {
    expect((await post('/elsewhere', {})).status).toBe(404);
    expect((await post('/a/b/decode', { payloads: [] })).status).toBe(404);
    expect((await fetch(`${base}/decode`)).status).toBe(405);
  });
});
