/**
 * The ingress's HTTP contract as zod schemas: they validate requests and generate the OpenAPI
 * document served at `GET /openapi.json`, so what is published is what is enforced.
 */
import { z } from 'zod';
import { attestrAsyncRequestId, attestrProfileId } from '../field-formats';

export const profileParamsSchema = z.strictObject({ profileId: attestrProfileId });

export const asyncRequestBodySchema = z.strictObject({ asyncRequestId: attestrAsyncRequestId });

export const startedCheckSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  started: z.boolean().describe('false when a check for the profile was already running: that one is returned'),
});

export const deliveredSchema = z.object({ workflowId: z.string() });

export const webhookAnswerSchema = z.object({
  received: z.literal(true),
  applied: z.boolean(),
  workflowId: z.string().optional(),
  reason: z.string().optional(),
});

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    problems: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('every invalid field at once; values are never echoed'),
    requestId: z.string().optional(),
  }),
});

export const statusSchema = z.object({ status: z.string() });
