/** What a check shows in the Temporal UI: ids that locate it, never the agent's personal data. */
import { checkMetadata } from '../../src/temporal/start-check';
import { onboardingEvent } from '../ingress/helpers';

describe('checkMetadata', () => {
  it('names the profile, the event and the organisation', () => {
    expect(checkMetadata(onboardingEvent({ eventId: 'evt-9', profileId: 'profile-9' }))).toEqual({
      staticSummary: 'Background check, profile profile-9',
      staticDetails: 'Onboarding event evt-9, organisation org_1',
    });
  });

  it('names the validation request when the agent has no organisation id', () => {
    const event = onboardingEvent({
      agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', validationRequestId: 'vr_7' },
    });
    expect(checkMetadata(event).staticDetails).toBe('Onboarding event evt-1, validation request vr_7');
  });

  it('leaves out names, e-mail, title and website', () => {
    const event = onboardingEvent({
      agent: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace.hopper@example.org',
        organisationId: 'org_2',
        title: 'Rear Admiral',
        organisationWebsite: 'https://navy.example.org',
      },
    });
    const shown = Object.values(checkMetadata(event)).join('\n');
    for (const personal of ['Grace', 'Hopper', 'grace.hopper', 'Rear Admiral', 'navy.example.org']) {
      expect(shown).not.toContain(personal);
    }
  });
});
