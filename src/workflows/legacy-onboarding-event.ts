/**
 * The onboarding event's rules before strict input (unknown fields dropped, no character rule,
 * any async request id up to 128 characters). Runs accepted under them must replay as they ran,
 * so the workflow keeps using them for histories without the `strict-onboarding-event` patch
 * marker and for runs continued from those. Never use it for new input.
 */
import { z } from 'zod';
import { fieldProblems, languageTag, type OnboardingEvent, type ParseResult } from '../onboarding-event';
import { ATTESTR_ID_PATTERN } from '../field-formats';
import { msToNumber } from '@temporalio/common/lib/time';

const text = (max = 255) => z.string().trim().min(1).max(max);

const duration = z.string().refine((v) => {
  try {
    return msToNumber(v as never) > 0;
  } catch {
    return false;
  }
});

const legacyEventSchema = z.object({
  eventId: text(),
  profileId: z.string().trim().regex(ATTESTR_ID_PATTERN),
  agent: z
    .object({
      firstName: text(),
      lastName: text(),
      email: z.email().max(255),
      title: text().optional(),
      organisationWebsite: z.url().max(255).nullable().optional(),
      language: languageTag.optional(),
      organisationId: text().optional(),
      validationRequestId: text().optional(),
    })
    .refine((agent) => (agent.organisationId === undefined) !== (agent.validationRequestId === undefined), {
      path: ['organisationId'],
      message: 'exactly one of organisationId and validationRequestId is required',
    }),
  asyncRequestId: text(128).optional(),
  options: z
    .object({
      asyncRequestTimeout: duration.optional(),
      decisionTimeout: duration.optional(),
      pollInterval: duration.optional(),
    })
    .optional(),
});

export function parseLegacyOnboardingEvent(input: unknown): ParseResult {
  const result = legacyEventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data as OnboardingEvent };
  return { ok: false, problems: fieldProblems(result.error, [], '(event)') };
}
