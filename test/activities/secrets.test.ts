/**
 * The Percent key, the Attestr token and the agent's personal data never reach a failure: not its
 * message, details, stack or serialised form (which is what lands in a workflow history).
 */
import { inspect } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { agent, ATTESTR_TOKEN, PERCENT_KEY, rejection, startHarness, type Harness } from './setup';

const WRONG_PERCENT_KEY = 'sk_test_wrong_LEAKCHECK_0b7e';
const WRONG_ATTESTR_TOKEN = 'wrong-token-LEAKCHECK-66d2';
const forbidden = [PERCENT_KEY, ATTESTR_TOKEN, WRONG_PERCENT_KEY, WRONG_ATTESTR_TOKEN, agent.email, agent.lastName];

function expectClean(err: unknown) {
  expect(err).toBeInstanceOf(ApplicationFailure);
  const failure = err as ApplicationFailure;
  const text = [failure.message, failure.stack, JSON.stringify(failure.details), inspect(failure, { depth: 10 })].join(
    '\n',
  );
  for (const secret of forbidden) expect(text).not.toContain(secret);
}

describe('secrets in failures', () => {
  let h: Harness;
  let wrong: Harness;
  beforeAll(async () => {
    h = await startHarness();
    wrong = await startHarness({ percentKey: WRONG_PERCENT_KEY, attestrToken: WRONG_ATTESTR_TOKEN });
  });
  afterAll(async () => {
    await Promise.all([h.close(), wrong.close()]);
  });

  const create = (harness: Harness, a: typeof agent = agent) =>
    rejection(
      new MockActivityEnvironment().run(harness.activities.createAgentVerification, {
        idempotencyKey: 'k-1',
        agent: a,
      }),
    );

  it('keeps them out of Percent failures', async () => {
    expectClean(await create(wrong));
    expectClean(await create(h, { ...agent, email: `${agent.lastName}@@bad` }));
    h.sims.injectFault(
      'percent.createAgentVerification',
      { kind: 'percentError', status: 400, code: 'validation_error' },
      { times: 1 },
    );
    expectClean(await create(h));
    h.sims.injectFault(
      'percent.createAgentVerification',
      { kind: 'malformedBody', variant: 'wrongSchema' },
      { times: 1 },
    );
    expectClean(await create(h));
    h.sims.injectFault('percent.createAgentVerification', { kind: 'dropConnection' }, { times: 1 });
    expectClean(await create(h));
  });

  it('keeps them out of Attestr failures', async () => {
    const profileId = h.sims.attestr.addProfile();
    const kyc = h.sims.attestr.addAsyncRequest('kyc');
    const associate = (harness: Harness, asyncRequestId: string, attempt = 1) =>
      rejection(
        new MockActivityEnvironment({ attempt }).run(harness.activities.associateAsyncRequest, {
          profileId,
          asyncRequestId,
        }),
      );
    expectClean(await associate(wrong, kyc));
    expectClean(await associate(wrong, kyc, 2));
    expectClean(await associate(h, kyc));
    h.sims.injectFault('attestr.associate', { kind: 'attestrError', code: 4005 }, { times: 1 });
    expectClean(await associate(h, kyc));
  });
});
