/**
 * zod schemas for Attestr background-check profiles (factx): see /shared/vendors/attestr.md.
 * Requests are strict; responses tolerant (unknown fields dropped, item shapes loosely read).
 */
import { z } from 'zod';
import { attestrAsyncRequestId, attestrProfileId } from '../../field-formats';

// Id formats are defined once (`src/field-formats.ts`), shared with the onboarding event.
export const profileIdSchema = attestrProfileId;

export const associateRequestSchema = z.strictObject({
  asyncRequest: attestrAsyncRequestId,
});

export type AssociateRequest = z.infer<typeof associateRequestSchema>;

/**
 * The docs do not show an item's shape. Accept a bare id or an object naming it under one of the
 * plausible keys, so the idempotent associate still recognises its own item.
 */
const profileItemSchema = z.union([
  z.string(),
  z.object({
    asyncRequest: z.union([z.string(), z.object({ _id: z.string() })]).nullish(),
    asyncRequestId: z.string().nullish(),
    _id: z.string().nullish(),
    id: z.string().nullish(),
    type: z.string().nullish(),
    status: z.string().nullish(),
  }),
]);

export type ProfileItem = z.infer<typeof profileItemSchema>;

export const profileSchema = z.object({
  _id: z.string().nullish(),
  number: z.union([z.string(), z.number()]).nullish(),
  tag: z.string().nullish(),
  status: z.string().nullish(),
  archived: z.boolean().nullish(),
  items: z.array(profileItemSchema).nullish(),
});

export type Profile = z.infer<typeof profileSchema>;

/** The asyncRequest ids an item list names. */
export function itemAsyncRequestIds(items: readonly ProfileItem[]): string[] {
  return items.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const ref =
      typeof item.asyncRequest === 'object' && item.asyncRequest !== null ? item.asyncRequest._id : item.asyncRequest;
    return [ref, item.asyncRequestId, item._id, item.id].filter((v): v is string => typeof v === 'string');
  });
}

/** `{ code, message, details? }`; newer versions add `httpStatusCode`. Codes may come as strings. */
export const attestrErrorBodySchema = z.object({
  code: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  message: z.string().nullish(),
  details: z.string().nullish(),
  httpStatusCode: z.number().nullish(),
});
