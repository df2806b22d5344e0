/**
 * The ingress under hostile input, over real HTTP: each class of bad input gets its status and
 * an error body naming the field, nothing reaches Temporal, and the process still answers
 * `/healthz` afterwards.
 */
import { request as httpRequest } from 'node:http';
import { signPercentWebhook } from '../../src/ingress/percent-webhook';
import { postChunked } from '../helpers/post-chunked';
import { AUTH_TOKEN, WEBHOOK_SECRET, onboardingEvent, recordingChecks, startTestIngress } from './helpers';

/** A JSON body of about `bytes` bytes, sent chunked as the probe that used to take the ingress down. */
const chunkedEvent = (bytes: number, headers: Record<string, string> = {}) => ({
  bytes,
  headers: { authorization: `Bearer ${AUTH_TOKEN}`, ...headers },
  prefix: '{"eventId":"',
  suffix: '"}',
});

const fieldsOf = (body: Record<string, unknown>) =>
  ((body.error as { problems?: { field: string }[] }).problems ?? []).map((p) => p.field).sort();

describe('ingress under hostile input', () => {
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;
  let calls: string[];
  beforeEach(async () => {
    const recording = recordingChecks();
    calls = recording.calls;
    ingress = await startTestIngress({ checks: recording.checks, config: { maxBodyBytes: 256 * 1024 } });
  });
  afterEach(async () => {
    expect(calls).toEqual([]);
    expect((await fetch(`${ingress.url}/healthz`)).status).toBe(200);
    await ingress.close();
  });

  it.each([
    ['a misspelt field', { ...onboardingEvent(), asyncRequestID: 'AR1' }, ['asyncRequestID']],
    [
      'personal data in an unknown field',
      { ...onboardingEvent(), agent: { ...onboardingEvent().agent, ssn: '1' } },
      ['agent.ssn'],
    ],
    ['a NUL byte in the event id', onboardingEvent({ eventId: 'evt\u00001' }), ['eventId']],
    [
      'a control character in a name',
      { ...onboardingEvent(), agent: { ...onboardingEvent().agent, lastName: 'L\u001b[2J' } },
      ['agent.lastName'],
    ],
    ['an async request id Attestr refuses', onboardingEvent({ asyncRequestId: 'AR 1/../x' }), ['asyncRequestId']],
    [
      'several problems at once',
      { ...onboardingEvent({ eventId: '' }), extra: 1, agent: { ...onboardingEvent().agent, email: 'nope' } },
      ['agent.email', 'eventId', 'extra'],
    ],
  ])('answers 400 to %s, naming the field', async (_name, event, fields) => {
    const res = await ingress.post('/onboarding-events', event);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(fieldsOf(res.body)).toEqual(fields);
  });

  it('answers 400 to a __proto__ or constructor.prototype key', async () => {
    const event = JSON.stringify(onboardingEvent()).slice(0, -1);
    for (const raw of [`${event},"__proto__":{"x":1}}`, `${event},"constructor":{"prototype":{"x":1}}}`]) {
      const res = await ingress.post('/onboarding-events', raw);
      expect(res.status).toBe(400);
    }
  });

  it('answers 400 to a 30,000-deep object, before parsing it', async () => {
    const deep = '{"a":'.repeat(30_000) + '1' + '}'.repeat(30_000);
    const raw = JSON.stringify(onboardingEvent()).slice(0, -1) + `,"extra":${deep}}`;
    const res = await ingress.post('/onboarding-events', raw);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('too_deep');
  });

  it('answers 400 naming profileId to a malformed percent-encoding in the path', async () => {
    const res = await ingress.post('/profiles/%E0%A4%A/async-request', { asyncRequestId: 'AR1' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['profileId']);
  });

  it('answers 400 naming the field to an async request id Attestr refuses, on the async-request route', async () => {
    const res = await ingress.post('/profiles/profile-1/async-request', { asyncRequestId: 'AR 1/../x', extra: true });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['asyncRequestId', 'extra']);
  });

  it('answers 413 to an oversized body with or without Content-Length', async () => {
    const big = onboardingEvent({ eventId: 'x'.repeat(300 * 1024) });
    const res = await ingress.post('/onboarding-events', big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect(await postChunked(`${ingress.url}/onboarding-events`, chunkedEvent(300 * 1024))).toBe(413);
    expect(await postChunked(`${ingress.url}/onboarding-events`, chunkedEvent(5 * 1024 * 1024))).toBe(413);
    const signature = signPercentWebhook('x', WEBHOOK_SECRET);
    expect(
      await postChunked(
        `${ingress.url}/webhooks/percent`,
        chunkedEvent(5 * 1024 * 1024, { 'goodstack-signature': signature }),
      ),
    ).toBe(413);
  });

  it('stays up with bounded memory under the same chunked oversize body sent 100 times', async () => {
    // Warm up, then measure: a leak of the 1 MiB bodies would show as ~100 MiB of heap.
    for (let i = 0; i < 5; i++) await postChunked(`${ingress.url}/onboarding-events`, chunkedEvent(1024 * 1024));
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100; i++) {
      expect(await postChunked(`${ingress.url}/onboarding-events`, chunkedEvent(1024 * 1024))).toBe(413);
    }
    global.gc?.();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(40 * 1024 * 1024);
    expect((await fetch(`${ingress.url}/healthz`)).status).toBe(200);
  });

  it('answers 415 to a body that is not declared as JSON', async () => {
    const res = await ingress.post('/onboarding-events', 'eventId=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('answers 414 to an over-long URL and 431 to over-large headers', async () => {
    expect((await fetch(`${ingress.url}/healthz?${'q'.repeat(4000)}`)).status).toBe(414);
    expect((await ingress.post(`/profiles/${'p'.repeat(300)}/async-request`, { asyncRequestId: 'AR1' })).status).toBe(
      414,
    );
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${ingress.url}/healthz`, { headers: { 'x-big': 'h'.repeat(20_000) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
  });

  it('answers 404 and 405 in the error format', async () => {
    const missing = await fetch(`${ingress.url}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrong = await fetch(`${ingress.url}/profiles/p1/async-request`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('answers 400 to a body that is not JSON without echoing it', async () => {
    const res = await ingress.post('/onboarding-events', '{"eventId": "secret-value"');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(JSON.stringify(res.body)).not.toContain('secret-value');
  });
});
