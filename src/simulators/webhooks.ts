/** Percent (Goodstack) webhooks: signed POSTs of status-change events. */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import { idFactory } from './random';
import type { AgentVerification, PercentWebhookEvent } from './types';

/** `Goodstack-Signature`: hex HMAC-SHA256 of the raw body, keyed with the subscription secret. */
export function signWebhookBody(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export function agentVerificationEvent(
  id: string,
  verification: AgentVerification,
  title: string | null,
): PercentWebhookEvent {
  return {
    object: 'event',
    data: {
      id,
      eventType: `agent_verification.${verification.status}`,
      createdAt: new Date().toISOString(),
      eventData: {
        id: verification.id,
        firstName: verification.firstName,
        lastName: verification.lastName,
        organisationId: verification.organisationId,
        email: verification.email,
        language: verification.language,
        validationRequestId: verification.validationRequestId,
        title,
        rejectionReasonCode: verification.rejectionReasonCode,
        metadata: {},
        createdAt: verification.createdAt,
        status: verification.status,
      },
    },
  };
}

const deliveryTimeoutMs = 10_000;
// A bounded pool: a benchmark's burst of status changes must not open a socket per event.
const maxConnections = 16;

export class WebhookSender {
  private readonly eventsById = new Map<string, { event: PercentWebhookEvent; body: string }>();
  private readonly nextEventId = idFactory('event_', 10);
  private deliveries = 0;
  private readonly dispatcher: Agent | undefined;

  constructor(private readonly target: { url: string; secret: string } | undefined) {
    this.dispatcher = target === undefined ? undefined : new Agent({ connections: maxConnections });
  }

  get enabled(): boolean {
    return this.target !== undefined;
  }

  sent(): number {
    return this.deliveries;
  }

  events(): PercentWebhookEvent[] {
    return [...this.eventsById.values()].map(({ event }) => event);
  }

  /**
   * Emits a new event (unique `data.id`) and delivers it once; resolves to the HTTP status
   * (0: not delivered). Without a webhook URL nothing is sent or kept.
   */
  emit(verification: AgentVerification, title: string | null): Promise<number> {
    if (this.target === undefined) return Promise.resolve(0);
    const event = agentVerificationEvent(this.nextEventId(), verification, title);
    const body = JSON.stringify(event);
    this.eventsById.set(event.data.id, { event, body });
    return this.deliver(body);
  }

  redeliver(eventId: string): Promise<number> {
    const stored = this.eventsById.get(eventId);
    if (!stored) return Promise.reject(new Error(`redeliverWebhook: unknown event id "${eventId}"`));
    return this.deliver(stored.body);
  }

  // A failed delivery is not retried here: tests drive redelivery with `redeliver`.
  /** Ends open deliveries (they resolve to 0). */
  async close(): Promise<void> {
    await this.dispatcher?.destroy();
  }

  private async deliver(body: string): Promise<number> {
    if (this.target === undefined) return 0;
    this.deliveries += 1;
    try {
      const response = await request(this.target.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'goodstack-signature': signWebhookBody(body, this.target.secret),
        },
        body,
        headersTimeout: deliveryTimeoutMs,
        bodyTimeout: deliveryTimeoutMs,
      });
      await response.body.dump();
      return response.statusCode;
    } catch {
      return 0;
    }
  }
}
