/**
 * The onboarding event: what starts a background check. The same schema validates it at the
 * ingress (HTTP 400 naming the fields) and at workflow start (non-retryable
 * `InvalidOnboardingEvent`), so an event is never half-accepted. Pure: safe in workflow code.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { attestrAsyncRequestId, attestrProfileId, plainText } from './field-formats';

const text = plainText;

/** RFC 5646 language tag, e.g. `en`, `en-GB`, `zh-Hant-TW`, `es-419`. */
export const languageTag = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?(-([A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*$/, {
    error: 'expected an RFC 5646 language tag such as "en" or "en-GB"',
  });

const duration = z.string().refine(
  (v) => {
    try {
      return msToNumber(v as never) > 0;
    } catch {
      return false;
    }
  },
  { error: 'expected a duration such as "6 hours" or "7 days"' },
);

const agentBase = z.strictObject({
  firstName: text(),
  lastName: text(),
  email: z.email({ error: 'expected an e-mail address' }).max(255),
  title: text().optional(),
  organisationWebsite: z.url({ error: 'expected a URL' }).max(255).nullable().optional(),
  language: languageTag.optional(),
  organisationId: text().optional(),
  validationRequestId: text().optional(),
});

export const agentSchema = agentBase.superRefine((agent, ctx) => {
  const has = (v: string | undefined) => v !== undefined;
  if (has(agent.organisationId) === has(agent.validationRequestId)) {
    ctx.addIssue({
      code: 'custom',
      path: ['organisationId'],
      message: 'exactly one of organisationId and validationRequestId is required',
    });
  }
});

/**
 * Strict: an unknown field (a typo such as `asyncRequestID`, or data that has no business in a
 * workflow history) is an error naming it, never dropped silently.
 */
export const onboardingEventSchema = z.strictObject({
  eventId: text(),
  profileId: attestrProfileId,
  agent: agentSchema,
  asyncRequestId: attestrAsyncRequestId.optional(),
  options: z
    .strictObject({
      asyncRequestTimeout: duration.optional(),
      decisionTimeout: duration.optional(),
      pollInterval: duration.optional(),
    })
    .optional(),
});

export type OnboardingEvent = z.infer<typeof onboardingEventSchema>;
export type Agent = z.infer<typeof agentSchema>;

export interface FieldProblem {
  field: string;
  message: string;
}

export type ParseResult = { ok: true; event: OnboardingEvent } | { ok: false; problems: FieldProblem[] };

/**
 * Every problem of a zod error, each naming its field (`agent.email`) and never echoing a value;
 * an unknown field is named itself (`agent.ssn: unknown field`).
 */
export function fieldProblems(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
  whole = '(body)',
): FieldProblem[] {
  const name = (path: readonly PropertyKey[]) => [...prefix, ...path].map(String).join('.') || whole;
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: name([...issue.path, key]), message: 'unknown field' }))
      : [{ field: name(issue.path), message: issue.message }],
  );
}

/** Validates an onboarding event; all problems at once, naming the fields, never echoing values. */
export function parseOnboardingEvent(input: unknown): ParseResult {
  const result = onboardingEventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, problems: fieldProblems(result.error, [], '(event)') };
}

/** Workflow ID of the check for a profile: one running check per profile. */
export const workflowIdForProfile = (profileId: string): string => `bgcheck-${profileId}`;
