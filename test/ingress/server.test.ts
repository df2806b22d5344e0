/**
 * The ingress over HTTP with a stubbed Temporal side (`BackgroundChecks`): validation, status
 * codes, signature checks and what reaches Temporal. `temporal.test.ts` runs the same routes
 * against a real (embedded) Temporal service.
 */
import type { BackgroundChecks, Delivery } from '../../src/ingress/background-checks';
import { TemporalUnavailableError } from '../../src/temporal/unavailable';
import { Secret } from '../../src/secret';
import type { VerificationStatusChanged } from '../../src/workflows/definitions';
import { AUTH_TOKEN, WEBHOOK_SECRET, onboardingEvent, percentEvent, startTestIngress } from './helpers';

function stubChecks(overrides: Partial<BackgroundChecks> = {}) {
  const calls = {
    start: [] as unknown[],
    asyncRequest: [] as [string, string][],
    status: [] as VerificationStatusChanged[],
  };
  const checks: BackgroundChecks = {
    start: async (event) => {
      calls.start.push(event);
      return { workflowId: `bgcheck-${event.profileId}`, runId: 'run-1', started: calls.start.length === 1 };
    },
    sendAsyncRequest: async (profileId, asyncRequestId) => {
      calls.asyncRequest.push([profileId, asyncRequestId]);
      return { outcome: 'delivered', workflowId: `bgcheck-${profileId}` };
    },
    sendVerificationStatus: async (change) => {
      calls.status.push(change);
      return { outcome: 'delivered', workflowId: 'bgcheck-profile-1' };
    },
    ping: async () => undefined,
    ...overrides,
  };
  return { checks, calls };
}

const unavailable = async (): Promise<never> => {
  throw new TemporalUnavailableError(new Error('14 UNAVAILABLE: No connection established'));
};

describe('ingress (stubbed Temporal)', () => {
  let ingress: Awaited<ReturnType<typeof startTestIngress>> | undefined;
  afterEach(async () => {
    await ingress?.close();
    ingress = undefined;
  });

  describe('GET /healthz and /readyz', () => {
    it('answers liveness without Temporal, readiness only with it', async () => {
      ingress = await startTestIngress({ checks: stubChecks({ ping: unavailable }).checks });
      expect((await fetch(`${ingress.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${ingress.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('5');
    });
  });

  describe('POST /onboarding-events', () => {
    it('starts the check and answers 202 with its workflow id', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const res = await ingress.post('/onboarding-events', onboardingEvent());
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ workflowId: 'bgcheck-profile-1', runId: 'run-1', started: true });
      expect(calls.start).toEqual([onboardingEvent()]);
    });

    it('answers 400 naming every invalid field, and starts nothing', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const event = { ...onboardingEvent(), profileId: 'not a profile!', agent: { firstName: 'Ada', email: 'nope' } };
      const res = await ingress.post('/onboarding-events', event);
      expect(res.status).toBe(400);
      const fields = (res.body.error.problems as { field: string }[]).map((p) => p.field).sort();
      expect(fields).toEqual(['agent.email', 'agent.lastName', 'profileId']);
      expect(JSON.stringify(res.body)).not.toContain('not a profile!');
      expect(calls.start).toHaveLength(0);
    });

    it('refuses a body that is not JSON, not declared as JSON, or too large', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks, config: { maxBodyBytes: 1024 } });
      expect((await ingress.post('/onboarding-events', '{"eventId":')).status).toBe(400);
      const text = await fetch(`${ingress.url}/onboarding-events`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${AUTH_TOKEN}` },
        body: JSON.stringify(onboardingEvent()),
      });
      expect(text.status).toBe(415);
      const big = onboardingEvent({ eventId: 'x'.repeat(2000) });
      expect((await ingress.post('/onboarding-events', big)).status).toBe(413);
      expect(calls.start).toHaveLength(0);
    });

    it('answers 503 with Retry-After when Temporal is unavailable', async () => {
      ingress = await startTestIngress({ checks: stubChecks({ start: unavailable }).checks });
      const res = await ingress.post('/onboarding-events', onboardingEvent());
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.error.code).toBe('temporal_unavailable');
    });

    it('answers 500 without details on an unexpected failure', async () => {
      const start = async (): Promise<never> => {
        throw new Error('internal detail that must not leak');
      };
      ingress = await startTestIngress({ checks: stubChecks({ start }).checks });
      const res = await ingress.post('/onboarding-events', onboardingEvent());
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('internal detail');
    });
  });

  describe('POST /profiles/:profileId/async-request', () => {
    it('signals the running check of the profile', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const res = await ingress.post('/profiles/profile-7/async-request', { asyncRequestId: 'req-9' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ workflowId: 'bgcheck-profile-7' });
      expect(calls.asyncRequest).toEqual([['profile-7', 'req-9']]);
    });

    it('answers 404 when no check is running for the profile', async () => {
      const sendAsyncRequest = async (): Promise<Delivery> => ({ outcome: 'no_running_check' });
      ingress = await startTestIngress({ checks: stubChecks({ sendAsyncRequest }).checks });
      const res = await ingress.post('/profiles/profile-7/async-request', { asyncRequestId: 'req-9' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('no_running_check');
    });

    it('answers 400 naming the profile id and the missing async request id', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const res = await ingress.post('/profiles/bad%20id/async-request', {});
      expect(res.status).toBe(400);
      expect((res.body.error.problems as { field: string }[]).map((p) => p.field)).toEqual([
        'profileId',
        'asyncRequestId',
      ]);
      expect(calls.asyncRequest).toHaveLength(0);
    });
  });

  describe('POST /webhooks/percent', () => {
    it('maps a signed agent verification event to verificationStatusChanged', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const event = percentEvent({
        id: 'event_42',
        eventType: 'agent_verification.rejected',
        createdAt: '2026-03-04T05:06:07.000Z',
        eventData: { id: 'agentVerification_9', status: 'rejected', rejectionReasonCode: 'fake_documentation' },
      });
      const res = await ingress.postWebhook(event);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, applied: true, workflowId: 'bgcheck-profile-1' });
      expect(calls.status).toEqual([
        {
          eventId: 'event_42',
          agentVerificationId: 'agentVerification_9',
          status: 'rejected',
          rejectionReasonCode: 'fake_documentation',
          occurredAt: '2026-03-04T05:06:07.000Z',
        },
      ]);
    });

    it('takes the status from the event type when eventData has none', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const event = percentEvent({ eventType: 'agent_verification.pending_review' });
      delete (event.data.eventData as Record<string, unknown>).status;
      expect((await ingress.postWebhook(event)).status).toBe(200);
      expect(calls.status[0].status).toBe('pending_review');
    });

    it('answers 401 to a missing, malformed or wrong signature and applies nothing', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const raw = JSON.stringify(percentEvent());
      expect((await ingress.post('/webhooks/percent', raw)).status).toBe(401);
      expect((await ingress.post('/webhooks/percent', raw, { 'goodstack-signature': 'abc' })).status).toBe(401);
      const wrongKey = await ingress.postWebhook(percentEvent(), new Secret('another-secret'));
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.body.error.code).toBe('invalid_signature');
      expect(calls.status).toHaveLength(0);
    });

    it('verifies the raw bytes: a re-serialised body with the same JSON meaning fails', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const { signPercentWebhook } = await import('../../src/ingress/percent-webhook');
      const signedRaw = JSON.stringify(percentEvent());
      const sentRaw = JSON.stringify(percentEvent(), null, 2);
      const res = await ingress.post('/webhooks/percent', sentRaw, {
        'goodstack-signature': signPercentWebhook(signedRaw, WEBHOOK_SECRET),
      });
      expect(res.status).toBe(401);
      expect(calls.status).toHaveLength(0);
    });

    it('acknowledges events the lifecycle does not use without applying them', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const res = await ingress.postWebhook(percentEvent({ eventType: 'validation_request.approved' }));
      expect(res.status).toBe(200);
      expect(res.body.applied).toBe(false);
      expect(calls.status).toHaveLength(0);
    });

    it('answers 404 for a verification no check has recorded (Percent resends it later)', async () => {
      const sendVerificationStatus = async (): Promise<Delivery> => ({ outcome: 'unknown' });
      ingress = await startTestIngress({ checks: stubChecks({ sendVerificationStatus }).checks });
      const res = await ingress.postWebhook(percentEvent());
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('unknown_verification');
    });

    it('acknowledges an event for a closed check', async () => {
      const sendVerificationStatus = async (): Promise<Delivery> => ({ outcome: 'no_running_check' });
      ingress = await startTestIngress({ checks: stubChecks({ sendVerificationStatus }).checks });
      const res = await ingress.postWebhook(percentEvent());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: false, reason: 'check closed' });
    });

    it('answers 400 naming the field when a signed agent event lacks the verification id', async () => {
      ingress = await startTestIngress({ checks: stubChecks().checks });
      const event = percentEvent();
      delete (event.data.eventData as Record<string, unknown>).id;
      const res = await ingress.postWebhook(event);
      expect(res.status).toBe(400);
      expect(res.body.error.problems).toEqual([expect.objectContaining({ field: 'data.eventData.id' })]);
    });

    it('refuses a verification id that is not a plain identifier (it goes into a visibility query)', async () => {
      const { checks, calls } = stubChecks();
      ingress = await startTestIngress({ checks });
      const res = await ingress.postWebhook(percentEvent({ eventData: { id: "x' OR WorkflowId != '" } }));
      expect(res.status).toBe(400);
      expect(res.body.error.problems).toEqual([expect.objectContaining({ field: 'data.eventData.id' })]);
      expect(calls.status).toHaveLength(0);
    });

    it('answers 503 when Temporal is unavailable, so Percent resends', async () => {
      ingress = await startTestIngress({ checks: stubChecks({ sendVerificationStatus: unavailable }).checks });
      const res = await ingress.postWebhook(percentEvent());
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    });
  });

  it('logs one access line per request with the route template, without personal data or secrets', async () => {
    ingress = await startTestIngress({ checks: stubChecks().checks });
    await ingress.post('/onboarding-events', onboardingEvent());
    await ingress.post('/profiles/profile-secretive/async-request', { asyncRequestId: 'req-1' });
    await ingress.postWebhook(percentEvent());
    const logs = ingress.logs();
    const access = logs
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.msg === 'http request');
    expect(access.map((r) => [r.route, r.status])).toEqual([
      ['/onboarding-events', 202],
      ['/profiles/:profileId/async-request', 202],
      ['/webhooks/percent', 200],
    ]);
    for (const leak of ['ada@example.org', 'Lovelace', WEBHOOK_SECRET.reveal()]) expect(logs).not.toContain(leak);
  });

  it('answers 404 to unknown routes and 405 to a wrong method', async () => {
    ingress = await startTestIngress({ checks: stubChecks().checks });
    expect((await fetch(`${ingress.url}/nope`)).status).toBe(404);
    const res = await fetch(`${ingress.url}/onboarding-events`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
