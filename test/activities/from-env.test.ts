import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivitiesFromEnv } from '../../src/activities';
import { ConfigError } from '../../src/config';
import { startVendorSimulators } from '../../src/simulators';

describe('createActivitiesFromEnv', () => {
  it('names every missing or malformed variable at once, without values', () => {
    let error: unknown;
    try {
      createActivitiesFromEnv({ PERCENT_API_KEY: 'pk_live_LEAKCHECK', VENDOR_BODY_TIMEOUT: 'forever' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PERCENT_API_KEY', 'ATTESTR_AUTH_TOKEN', 'VENDOR_BODY_TIMEOUT'])
      expect(message).toContain(name);
    expect(message).not.toContain('LEAKCHECK');
  });

  it('builds working activities from the environment', async () => {
    const sims = await startVendorSimulators();
    const built = createActivitiesFromEnv({
      PERCENT_BASE_URL: sims.percentBaseUrl,
      PERCENT_API_KEY: sims.percentApiKey,
      ATTESTR_BASE_URL: sims.attestrBaseUrl,
      ATTESTR_API_VERSION: 'v2',
      ATTESTR_AUTH_TOKEN: sims.attestrAuthToken,
    });
    try {
      const profileId = sims.attestr.addProfile();
      const asyncRequestId = sims.attestr.addAsyncRequest('work');
      const env = new MockActivityEnvironment();
      await expect(env.run(built.activities.associateAsyncRequest, { profileId, asyncRequestId })).resolves.toEqual({
        alreadyAssociated: false,
      });
      expect(sims.attestr.profileItems(profileId)).toEqual([asyncRequestId]);
      await expect(
        env.run(built.activities.getAgentVerification, { agentVerificationId: 'agv_nope' }),
      ).rejects.toMatchObject({ type: 'NotFound' });
    } finally {
      await built.close();
      await sims.close();
    }
  });
});
