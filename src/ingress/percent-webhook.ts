/**
 * Percent (Goodstack) webhooks: signature check and mapping to `verificationStatusChanged`.
 * Pure functions; the HTTP route in `server.ts` decides what each outcome answers.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Secret } from '../secret';
import type { VerificationStatusChanged } from '../workflows/definitions';
import { VERIFICATION_ID_PATTERN } from '../field-formats';

export const SIGNATURE_HEADER = 'goodstack-signature';

/** Hex HMAC-SHA256 of the raw body, keyed with the subscription secret. */
export function signPercentWebhook(rawBody: Buffer | string, secret: Secret): string {
  return createHmac('sha256', secret.reveal()).update(rawBody).digest('hex');
}

/** Constant-time comparison of the `Goodstack-Signature` header with the body's HMAC. */
export function verifyPercentSignature(rawBody: Buffer, header: string | undefined, secret: Secret): boolean {
  if (!header || !/^[0-9a-fA-F]{64}$/.test(header.trim())) return false;
  const expected = Buffer.from(signPercentWebhook(rawBody, secret), 'hex');
  return timingSafeEqual(Buffer.from(header.trim(), 'hex'), expected);
}

const AGENT_EVENT_PREFIX = 'agent_verification.';

// Only what the lifecycle needs is read; names and e-mails in `eventData` are never kept.
const eventSchema = z.object({
  data: z.object({
    id: z.string().trim().min(1),
    eventType: z.string().min(1),
    createdAt: z.string().min(1).optional(),
    eventData: z.unknown().optional(),
  }),
});

const agentVerificationSchema = z.object({
  id: z.string().regex(VERIFICATION_ID_PATTERN, { error: 'expected an agent verification id' }),
  status: z.string().min(1).optional(),
  rejectionReasonCode: z.string().nullable().optional(),
});

export type PercentWebhook =
  | { kind: 'agent_verification'; eventType: string; change: VerificationStatusChanged }
  /** Events the lifecycle does not use (e.g. `validation_request.*`): acknowledged, not applied. */
  | { kind: 'ignored'; eventId: string; eventType: string }
  | { kind: 'invalid'; problems: { field: string; message: string }[] };

const problemsOf = (error: z.ZodError, prefix = '') =>
  error.issues.map((i) => ({ field: [prefix, ...i.path].filter(Boolean).join('.') || '(body)', message: i.message }));

export function parsePercentWebhook(body: unknown): PercentWebhook {
  const event = eventSchema.safeParse(body);
  if (!event.success) return { kind: 'invalid', problems: problemsOf(event.error) };
  const { id: eventId, eventType, createdAt, eventData } = event.data.data;
  if (!eventType.startsWith(AGENT_EVENT_PREFIX)) return { kind: 'ignored', eventId, eventType };

  const verification = agentVerificationSchema.safeParse(eventData);
  if (!verification.success) return { kind: 'invalid', problems: problemsOf(verification.error, 'data.eventData') };
  // The event type names the status; `eventData.status` wins if both are present.
  const status = verification.data.status ?? eventType.slice(AGENT_EVENT_PREFIX.length);
  return {
    kind: 'agent_verification',
    eventType,
    change: {
      eventId,
      agentVerificationId: verification.data.id,
      status,
      rejectionReasonCode: verification.data.rejectionReasonCode ?? null,
      ...(createdAt ? { occurredAt: createdAt } : {}),
    },
  };
}
