/**
 * The formats of ids and free text, defined once: the onboarding event (ingress, CLI, workflow
 * start) and the vendor request schemas use the same definitions, so whatever a vendor will
 * refuse is refused at the door, before any vendor call. Pure zod: safe in workflow code.
 */
import { z } from 'zod';

/**
 * Characters no id or name may hold: C0/C1 controls (NUL, newlines, escape sequences), lone
 * surrogates, line/paragraph separators and the bidirectional overrides that make text read
 * differently from what it is.
 */
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Trimmed, non-empty text of at most `max` characters, without control characters. */
export const plainText = (max = 255) =>
  z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `at most ${max} characters` })
    .refine((v) => !FORBIDDEN_CHARACTERS.test(v), { error: 'must not contain control characters' });

/** Attestr ids go into URL paths: letters, digits, `_` and `-` (they look like `AR0ZoLeBdqvmr-nmy1`). */
export const ATTESTR_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const attestrId = (what: string) =>
  z.string().regex(ATTESTR_ID_PATTERN, { error: `expected ${what} (1-128 letters, digits, _ and -)` });

/** An Attestr background-check profile id. */
export const attestrProfileId = attestrId('an Attestr profile id');

/** An Attestr async request id, as the associate call requires it. */
export const attestrAsyncRequestId = attestrId('an Attestr async request id');

/**
 * A Percent agent verification id. Percent gives no format; the ids it issues are plain
 * identifiers (`agentVerification_...`), and the id goes into a visibility query at the ingress,
 * so only letters, digits, `_` and `-` are accepted.
 */
export const VERIFICATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const percentAgentVerificationId = z
  .string()
  .regex(VERIFICATION_ID_PATTERN, { error: 'expected an agent verification id (letters, digits, _ and -)' });
