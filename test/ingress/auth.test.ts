/**
 * Bearer tokens on the routes that start and steer checks; the HMAC signature on the webhook;
 * the published OpenAPI document.
 */
import { Secret } from '../../src/secret';
import { AUTH_TOKEN, onboardingEvent, percentEvent, recordingChecks, startTestIngress } from './helpers';

describe('ingress auth', () => {
  let ingress: Awaited<ReturnType<typeof startTestIngress>> | undefined;
  afterEach(async () => {
    await ingress?.close();
    ingress = undefined;
  });

  it('answers 401 without a token or with a wrong one, and applies nothing', async () => {
    const { checks, calls } = recordingChecks();
    ingress = await startTestIngress({ checks });
    for (const authorization of [
      '',
      'Bearer',
      `Basic ${AUTH_TOKEN}`,
      'Bearer wrong-token-0123456789',
      `Bearer ${AUTH_TOKEN}x`,
    ]) {
      const start = await ingress.post('/onboarding-events', onboardingEvent(), { authorization });
      expect(start.status).toBe(401);
      expect(start.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(start.body.error.code).toBe('unauthorized');
      const signal = await ingress.post(
        '/profiles/profile-1/async-request',
        { asyncRequestId: 'AR1' },
        { authorization },
      );
      expect(signal.status).toBe(401);
    }
    expect(calls).toEqual([]);
    const logs = ingress.logs();
    expect(logs).not.toContain(AUTH_TOKEN);
    expect(logs).not.toContain('wrong-token');
  });

  it('refuses before reading the body: an unauthenticated bad body is a 401, not a 400', async () => {
    ingress = await startTestIngress({ checks: recordingChecks().checks });
    const res = await ingress.post('/onboarding-events', '{"not json', { authorization: '' });
    expect(res.status).toBe(401);
  });

  it('accepts every configured token, so one rotates without downtime', async () => {
    const { checks, calls } = recordingChecks();
    const [oldToken, newToken] = ['old-token-0123456789abcdef', 'new-token-0123456789abcdef'];
    ingress = await startTestIngress({
      checks,
      config: { INGRESS_AUTH_TOKENS: [new Secret(oldToken), new Secret(newToken)] },
    });
    for (const token of [oldToken, newToken]) {
      const res = await ingress.post('/onboarding-events', onboardingEvent(), { authorization: `Bearer ${token}` });
      expect(res.status).toBe(202);
    }
    await ingress.close();
    // The old token removed: it no longer opens the door, the new one still does.
    ingress = await startTestIngress({ checks, config: { INGRESS_AUTH_TOKENS: [new Secret(newToken)] } });
    expect(
      (await ingress.post('/onboarding-events', onboardingEvent(), { authorization: `Bearer ${oldToken}` })).status,
    ).toBe(401);
    expect(
      (await ingress.post('/onboarding-events', onboardingEvent(), { authorization: `Bearer ${newToken}` })).status,
    ).toBe(202);
    expect(calls).toEqual(['start', 'start', 'start']);
  });

  it('needs no token on the webhook, but a signature: unsigned is a 401', async () => {
    const { checks, calls } = recordingChecks();
    ingress = await startTestIngress({ checks });
    const unsigned = await ingress.post('/webhooks/percent', JSON.stringify(percentEvent()), { authorization: '' });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('invalid_signature');
    expect(calls).toEqual([]);
    expect((await ingress.postWebhook(percentEvent())).status).toBe(200);
  });

  it('refuses to be created without tokens unless told to run without auth', async () => {
    await expect(
      startTestIngress({ checks: recordingChecks().checks, config: { INGRESS_AUTH_TOKENS: [] } }),
    ).rejects.toThrow(/INGRESS_AUTH_TOKENS/);
    const { checks, calls } = recordingChecks();
    ingress = await startTestIngress({ checks, config: { INGRESS_AUTH_TOKENS: [], INGRESS_INSECURE_NO_AUTH: true } });
    expect((await ingress.post('/onboarding-events', onboardingEvent(), { authorization: '' })).status).toBe(202);
    expect(calls).toEqual(['start']);
  });

  it('serves its OpenAPI document, generated from the zod schemas', async () => {
    ingress = await startTestIngress({ checks: recordingChecks().checks });
    const res = await fetch(`${ingress.url}/openapi.json`);
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read field by field
    const doc = (await res.json()) as any;
    expect(doc.openapi).toMatch(/^3\./);
    const start = doc.paths['/onboarding-events'].post;
    expect(start.security).toEqual([{ bearerAuth: [] }]);
    const body = start.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(expect.arrayContaining(['eventId', 'profileId', 'agent']));
    expect(body.properties.asyncRequestId.pattern).toBe('^[A-Za-z0-9_-]{1,128}$');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/onboarding-events', '/profiles/{profileId}/async-request', '/webhooks/percent']),
    );
  });
});
