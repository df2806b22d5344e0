/**
 * The codec server under hostile input, over real HTTP: each bad request gets its status and a
 * `{ message }` body, nothing reaches the codec, and the server still answers afterwards.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { createCodecServer, listen } from '../../src/codec-server';
import { Secret } from '../../src/secret';
import { postChunked } from '../helpers/post-chunked';

const UI = 'http://localhost:8233';
const TOKEN = 'codec-token-for-tests';
const LIMIT = 64 * 1024;

/** A codec that records calls and can be held (to test close) or made to fail. */
function recordingCodec() {
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  let failWith: Error | undefined;
  let called!: () => void;
  const firstCall = new Promise<void>((resolve) => (called = resolve));
  const run = async (op: string, payloads: Payload[]) => {
    calls.push(op);
    called();
    await gate;
    if (failWith) throw failWith;
    return payloads;
  };
  const codec: PayloadCodec = { encode: (p) => run('encode', p), decode: (p) => run('decode', p) };
  return {
    codec,
    calls,
    firstCall,
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
    fail: (error: Error | undefined) => (failWith = error),
  };
}

describe('codec server under hostile input', () => {
  let server: FastifyInstance;
  let base: string;
  let recording: ReturnType<typeof recordingCodec>;

  beforeEach(async () => {
    recording = recordingCodec();
    server = createCodecServer({
      codec: recording.codec,
      corsOrigins: [UI],
      authToken: new Secret(TOKEN),
      maxBodyBytes: LIMIT,
    });
    base = await listen(server, 0);
  });
  afterEach(async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await server.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
      body,
    });
  const messageOf = async (res: Response) => ((await res.json()) as { message: string }).message;

  it('answers 413 to a chunked body over the limit, 20 times in a row, and stays up', async () => {
    for (let i = 0; i < 20; i++)
      expect(
        await postChunked(`${base}/decode`, {
          bytes: 4 * LIMIT,
          headers: { authorization: `Bearer ${TOKEN}` },
          prefix: '{"payloads":[{"data":"',
          suffix: '"}]}',
        }),
      ).toBe(413);
    expect(recording.calls).toEqual([]);
  });

  it('answers 413 to a Content-Length over the limit, with the CORS grant for the UI', async () => {
    const res = await post('/decode', JSON.stringify({ payloads: [{ data: 'a'.repeat(LIMIT) }] }), { Origin: UI });
    expect(res.status).toBe(413);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await messageOf(res)).toBe('the request body is too large');
    expect(recording.calls).toEqual([]);
  });

  it.each([
    ['not JSON', '{"payloads": [', /not valid JSON/],
    ['an empty body', '', /empty/],
    // Fastify's parser refuses prototype keys as it parses.
    ['a __proto__ key', '{"payloads": [], "__proto__": {"x": 1}}', /not valid JSON/],
    ['JSON nested too deep', `{"payloads": [], "x": ${'['.repeat(40)}${']'.repeat(40)}}`, /nests deeper/],
  ])('answers %s with 400', async (_, body, message) => {
    const res = await post('/decode', body);
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toMatch(message);
    expect(recording.calls).toEqual([]);
  });

  it('answers 415 to a body that is not application/json', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await post('/encode', '{"payloads":[]}', { 'Content-Type': type });
      expect(res.status).toBe(415);
      expect(await messageOf(res)).toBe('expected Content-Type: application/json');
    }
    expect(recording.calls).toEqual([]);
  });

  it('answers 401 before reading the body of an unauthenticated request', async () => {
    const res = await post('/decode', 'not even json', { Authorization: 'Bearer wrong', 'Content-Type': 'text/plain' });
    expect(res.status).toBe(401);
  });

  it('answers 404 to unknown routes and 405 with Allow to other methods', async () => {
    const unknown = await post('/decode/more', '{"payloads":[]}');
    expect(unknown.status).toBe(404);
    expect(await messageOf(unknown)).toBe('no such route');
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${base}/default/encode`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    expect(recording.calls).toEqual([]);
  });

  it('accepts a trailing slash and the UI X-Namespace header', async () => {
    const res = await post('/decode/', '{"payloads":[]}', { 'X-Namespace': 'default' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
    expect(recording.calls).toEqual(['decode']);
  });

  it('answers a codec failure with 500 and no detail, and keeps serving', async () => {
    recording.fail(new Error('secret detail'));
    const res = await post('/decode', '{"payloads":[]}');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ message: 'internal error' });
    expect(text).not.toContain('secret');
    recording.fail(undefined);
    expect((await post('/decode', '{"payloads":[]}')).status).toBe(200);
  });

  it('answers the request in flight on close(), then closes its connection', async () => {
    await server.close();
    recording = recordingCodec();
    server = createCodecServer({ codec: recording.codec, corsOrigins: [], authToken: new Secret(TOKEN) });
    let closeBegan!: () => void;
    const closing = new Promise<void>((resolve) => (closeBegan = resolve));
    server.addHook('preClose', async () => closeBegan());
    base = await listen(server, 0);

    const release = recording.hold();
    const answer = post('/encode', '{"payloads":[]}');
    await recording.firstCall;
    const closed = server.close();
    await closing;
    release();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
    // Without this the keep-alive connection would hold close() open for the client's idle timeout.
    expect(res.headers.get('connection')).toBe('close');
    await closed;
    // afterEach's /healthz and close() need a running server.
    server = createCodecServer({ codec: recording.codec, corsOrigins: [], authToken: new Secret(TOKEN) });
    base = await listen(server, 0);
  });
});
