import { Writable } from 'node:stream';
import type { BackgroundChecks } from '../../src/ingress/background-checks';
import type { OnboardingEvent } from '../../src/onboarding-event';
import { closeServer, listen } from '../../src/ingress/http';
import { createIngress, type IngressOptions } from '../../src/ingress/server';
import { signPercentWebhook } from '../../src/ingress/percent-webhook';
import { createLogger } from '../../src/logger';
import { Secret } from '../../src/secret';

export const WEBHOOK_SECRET = new Secret('whsec_test_only_value');
export const AUTH_TOKEN = 'test-ingress-token-0123456789';

export function onboardingEvent(overrides: Partial<OnboardingEvent> = {}): OnboardingEvent {
  return {
    eventId: 'evt-1',
    profileId: 'profile-1',
    agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'org_1' },
    ...overrides,
  };
}

export function percentEvent(
  overrides: { id?: string; eventType?: string; createdAt?: string; eventData?: Record<string, unknown> } = {},
) {
  return {
    object: 'event',
    data: {
      id: overrides.id ?? 'event_1',
      eventType: overrides.eventType ?? 'agent_verification.approved',
      createdAt: overrides.createdAt ?? '2026-01-02T03:04:05.000Z',
      eventData: {
        id: 'agentVerification_1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.org',
        organisationId: 'org_1',
        status: 'approved',
        rejectionReasonCode: null,
        ...overrides.eventData,
      },
    },
  };
}

type TestIngressOptions = Omit<IngressOptions, 'config' | 'logger'> & { config?: Partial<IngressOptions['config']> };

/** Runs the ingress on an ephemeral port and captures its log lines. */
export async function startTestIngress(options: TestIngressOptions) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const server = createIngress({
    ...options,
    config: {
      TEMPORAL_TASK_QUEUE: 'background-checks',
      PERCENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      INGRESS_AUTH_TOKENS: [new Secret(AUTH_TOKEN)],
      ...options.config,
    },
    logger: createLogger({ level: 'debug', stream }),
  } as IngressOptions);
  const port = await listen(server, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_TOKEN}`, ...headers },
      body: text,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };

  const postWebhook = (event: unknown, secret = WEBHOOK_SECRET) => {
    const raw = JSON.stringify(event);
    return post('/webhooks/percent', raw, { 'goodstack-signature': signPercentWebhook(raw, secret) });
  };

  return { url, post, postWebhook, logs: () => lines.join('\n'), close: () => closeServer(server) };
}

/** A stand-in for Temporal that answers every call and records which were made. */
export function recordingChecks() {
  const calls: string[] = [];
  const checks: BackgroundChecks = {
    start: async (event) => {
      calls.push('start');
      return { workflowId: `bgcheck-${event.profileId}`, runId: 'run-1', started: true };
    },
    sendAsyncRequest: async (profileId) => {
      calls.push('asyncRequest');
      return { outcome: 'delivered', workflowId: `bgcheck-${profileId}` };
    },
    sendVerificationStatus: async () => {
      calls.push('status');
      return { outcome: 'delivered', workflowId: 'bgcheck-profile-1' };
    },
    ping: async () => undefined,
  };
  return { checks, calls };
}
