/**
 * zod schemas for Percent (Goodstack) agent verifications: see /shared/vendors/percent.md.
 *
 * Requests are strict and checked before they leave (a bad field fails here, naming the field,
 * instead of costing a call). Responses are tolerant: unknown fields are dropped, and `status` /
 * `rejectionReasonCode` are plain strings, so a value Percent adds tomorrow does not crash the worker.
 */
import { z } from 'zod';
import { percentAgentVerificationId, plainText } from '../../field-formats';
import { languageTag } from '../../onboarding-event';

// Text formats are defined once (`src/field-formats.ts`), shared with the onboarding event.
const text255 = plainText(255);

export const createAgentVerificationRequestSchema = z
  .strictObject({
    firstName: text255,
    lastName: text255,
    email: z.email({ error: 'expected an e-mail address' }).max(255, { error: 'at most 255 characters' }),
    title: text255.optional(),
    organisationWebsite: z
      .url({ error: 'expected a URL' })
      .max(255, { error: 'at most 255 characters' })
      .nullable()
      .optional(),
    language: languageTag.optional(),
    organisationId: text255.optional(),
    validationRequestId: text255.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.organisationId === undefined) === (body.validationRequestId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['organisationId'],
        message: 'exactly one of organisationId and validationRequestId is required',
      });
    }
  });

export type CreateAgentVerificationRequest = z.infer<typeof createAgentVerificationRequestSchema>;

/** An `Idempotency-Key`: stable per check. Percent gives no format; keep it printable and bounded. */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, {
  error: 'expected 1-255 printable ASCII characters without spaces',
});

export const agentVerificationIdSchema = percentAgentVerificationId;

/** Known statuses; others pass through as strings. `approved` and `rejected` are final. */
export const AGENT_VERIFICATION_STATUSES = [
  'pending',
  'pending_user_verification',
  'pending_review',
  'approved',
  'rejected',
] as const;

export const REJECTION_REASON_CODES = [
  'validation_request_failed',
  'user_verification_expired',
  'user_failed_percent_review',
  'reapply',
  'fake_email_used',
  'no_online_presence',
  'nonprofit_association_expired',
  'invalid_documentation',
  'fake_documentation',
  'mismatched_information',
  'blank_corrupted_documentation',
  'suspicious_application',
  'other',
] as const;

export const agentVerificationSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  email: z.string().nullish(),
  language: z.string().nullish(),
  organisationId: z.string().nullish(),
  organisation: z
    .object({ id: z.string().nullish(), email: z.string().nullish(), name: z.string().nullish() })
    .nullish(),
  validationRequestId: z.string().nullish(),
  validationRequest: z.object({ name: z.string().nullish(), title: z.string().nullish() }).nullish(),
  rejectionReason: z.string().nullish(),
  rejectionReasonCode: z.string().nullish(),
  createdAt: z.string(),
  /** Missing means no action is required of the agent. */
  externalActionRequired: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  object: z.string().nullish(),
});

export type AgentVerification = z.infer<typeof agentVerificationSchema>;

export const agentVerificationEnvelopeSchema = z.object({ data: agentVerificationSchema });

export const agentVerificationPageSchema = z.object({
  data: z.array(agentVerificationSchema),
  object: z.string().nullish(),
  totalResults: z.number().nullish(),
  pageSize: z.number().nullish(),
  _links: z.object({ current: z.string().nullish(), next: z.string().nullish(), prev: z.string().nullish() }).nullish(),
});

export const percentErrorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    title: z.string().nullish(),
    message: z.string().nullish(),
    reasons: z.array(z.string()).nullish(),
  }),
});

export interface ListAgentVerificationsFilter {
  status?: string;
  email?: string;
  /** ISO 8601 date or date-time. */
  startDate?: string;
  endDate?: string;
  direction?: 'ASC' | 'DESC';
  /** 1-100; Percent's default is 25. */
  pageSize?: number;
}

export const listFilterSchema = z.strictObject({
  status: z.string().min(1).max(255).optional(),
  email: z.email({ error: 'expected an e-mail address' }).max(255).optional(),
  startDate: z.string().min(1).max(255).optional(),
  endDate: z.string().min(1).max(255).optional(),
  direction: z.enum(['ASC', 'DESC']).optional(),
  pageSize: z.number().int().min(1).max(100, { error: 'at most 100' }).optional(),
});
