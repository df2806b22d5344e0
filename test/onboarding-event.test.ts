/**
 * The onboarding event schema, the one used at the ingress, in the CLI and at workflow start:
 * strict, with a character rule, and with the vendors' own id formats.
 */
import { parseOnboardingEvent } from '../src/onboarding-event';
import { associateRequestSchema } from '../src/vendors/attestr/schemas';
import { createAgentVerificationRequestSchema } from '../src/vendors/percent/schemas';

const event = {
  eventId: 'evt-1',
  profileId: 'profile-1',
  agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'org_1' },
};

const fields = (input: unknown) => {
  const parsed = parseOnboardingEvent(input);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
};

describe('onboarding event schema', () => {
  it('accepts a well-formed event', () => {
    expect(parseOnboardingEvent(event)).toEqual({ ok: true, event });
  });

  it('names every unknown field, at any level, all at once', () => {
    expect(
      fields({ ...event, asyncRequestID: 'AR1', agent: { ...event.agent, ssn: '1' }, options: { pollEvery: '1h' } }),
    ).toEqual(
      expect.arrayContaining([
        'agent.ssn: unknown field',
        'asyncRequestID: unknown field',
        'options.pollEvery: unknown field',
      ]),
    );
  });

  it.each([0x00, 0x1b, 0x7f, 0x85, 0x2028, 0x202e])('refuses control character number %# in ids and names', (code) => {
    const c = String.fromCodePoint(code);
    expect(fields({ ...event, eventId: `e${c}1`, agent: { ...event.agent, firstName: `A${c}B` } })).toEqual([
      'eventId: must not contain control characters',
      'agent.firstName: must not contain control characters',
    ]);
  });

  it.each(['AR0ZoLeBdqvmr-nmy1', 'AR 1/../x', 'a'.repeat(129), 'AR%2F1', ''])(
    'accepts the async request id %j exactly when the Attestr associate request does',
    (asyncRequestId) => {
      const atTheDoor = parseOnboardingEvent({ ...event, asyncRequestId }).ok;
      expect(atTheDoor).toBe(associateRequestSchema.safeParse({ asyncRequest: asyncRequestId }).success);
    },
  );

  it('never accepts an agent the Percent create request would refuse', () => {
    for (const agent of [
      { ...event.agent, lastName: 'x'.repeat(256) },
      { ...event.agent, title: 'T\u0000' },
      { ...event.agent, validationRequestId: 'v1' },
    ]) {
      expect(parseOnboardingEvent({ ...event, agent }).ok).toBe(false);
      expect(createAgentVerificationRequestSchema.safeParse(agent).success).toBe(false);
    }
  });
});
