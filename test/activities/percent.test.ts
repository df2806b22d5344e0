import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type {
  AgentVerificationSummary,
  CreateAgentVerificationInput,
  PercentActivities,
} from '../../src/activities/types';
import { FailureType } from '../../src/failure-types';
import { agent, HOUR, rejection, startHarness, type Harness } from './setup';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const create = (key = 'check-1', attempt = 1, who = agent) =>
  new MockActivityEnvironment({ attempt }).run<
    [CreateAgentVerificationInput],
    AgentVerificationSummary,
    PercentActivities['createAgentVerification']
  >(h.activities.createAgentVerification, { idempotencyKey: key, agent: who });

async function createFailure(attempt = 1): Promise<ApplicationFailure> {
  const err = await rejection(create('check-1', attempt));
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('Percent activities', () => {
  it('creates an agent verification and returns ids and statuses only', async () => {
    const summary = await create();
    expect(summary).toEqual({
      id: expect.any(String),
      status: 'pending_user_verification',
      externalActionRequired: expect.any(Boolean),
      rejectionReasonCode: null,
      createdAt: expect.any(String),
    });
    expect(h.sims.percent.verifications()).toHaveLength(1);
  });

  it('makes one verification for one idempotency key, however often it is retried', async () => {
    const first = await create('check-7', 1);
    const retried = await create('check-7', 2);
    expect(retried.id).toBe(first.id);
    expect(h.sims.requestCount('percent.createAgentVerification')).toBe(2);
    expect(h.sims.percent.verifications()).toHaveLength(1);
    await create('check-8');
    expect(h.sims.percent.verifications()).toHaveLength(2);
  });

  it('fails for good when the key was used with other data', async () => {
    await create('check-9');
    const err = await rejection(create('check-9', 1, { ...agent, firstName: 'Augusta' }));
    expect(err).toMatchObject({ type: FailureType.IdempotencyConflict, nonRetryable: true });
    expect(h.sims.percent.verifications()).toHaveLength(1);
  });

  it('retries while the original call is in progress', async () => {
    h.sims.injectFault('percent.createAgentVerification', {
      kind: 'percentError',
      status: 400,
      code: 'idempotency/original_call_in_progress',
    });
    expect(await createFailure()).toMatchObject({ type: FailureType.IdempotencyInProgress, nonRetryable: false });
  });

  it.each([
    [400, 'idempotency/key_already_in_use', FailureType.IdempotencyConflict, true],
    [400, 'validation_error', FailureType.BadRequest, true],
    [403, 'forbidden', FailureType.VendorAuthRejected, true],
    [429, 'rate_limited', FailureType.RateLimited, false],
    [500, 'internal_server_error', FailureType.VendorUnavailable, false],
    [503, 'service_unavailable', FailureType.VendorUnavailable, false],
  ])('maps HTTP %i %s to %s (non-retryable: %s)', async (status, code, type, nonRetryable) => {
    h.sims.injectFault('percent.createAgentVerification', { kind: 'percentError', status, code }, { times: 1 });
    expect(await createFailure()).toMatchObject({ type, nonRetryable });
  });

  it('rejects a wrong key as configuration (401, empty body)', async () => {
    const wrong = await startHarness({ percentKey: 'sk_test_wrong' });
    try {
      const err = await rejection(
        new MockActivityEnvironment().run(wrong.activities.createAgentVerification, { idempotencyKey: 'k', agent }),
      );
      expect(err).toMatchObject({ type: FailureType.VendorAuthRejected, nonRetryable: true });
      expect((err as Error).message).toContain('PERCENT_API_KEY');
    } finally {
      await wrong.close();
    }
  });

  it('reports an unknown id as NotFound', async () => {
    const err = await rejection(
      new MockActivityEnvironment().run(h.activities.getAgentVerification, { agentVerificationId: 'agv_missing' }),
    );
    expect(err).toMatchObject({ type: FailureType.NotFound, nonRetryable: true });
  });

  it('honours Retry-After (seconds and HTTP date, capped) and backs off without it', async () => {
    const inject = (retryAfter?: string) =>
      h.sims.injectFault(
        'percent.createAgentVerification',
        { kind: 'percentError', status: 429, code: 'rate_limited', retryAfter },
        { times: 1 },
      );
    inject('12');
    expect((await createFailure()).nextRetryDelay).toBe(12_000);
    inject(new Date(Date.now() + 3 * HOUR).toUTCString());
    expect((await createFailure()).nextRetryDelay).toBe(HOUR);
    // An HTTP date has whole seconds: two minutes from now is 119-121 s away.
    inject(new Date(Date.now() + 120_000).toUTCString());
    const dated = (await createFailure()).nextRetryDelay as number;
    expect(dated).toBeGreaterThanOrEqual(119_000);
    expect(dated).toBeLessThanOrEqual(121_000);
    inject(undefined);
    expect((await createFailure(4)).nextRetryDelay).toBe(8_000);
  });

  it('finds the first verification again after its response was lost', async () => {
    // Percent creates the verification, then the connection drops before the answer arrives.
    h.sims.injectFault(
      'percent.createAgentVerification',
      { kind: 'dropConnection', afterProcessing: true },
      { times: 1 },
    );
    expect(await createFailure()).toMatchObject({ type: FailureType.VendorUnavailable, nonRetryable: false });
    expect(h.sims.percent.verifications()).toHaveLength(1);
    const retried = await create('check-1', 2);
    expect(retried.id).toBe(h.sims.percent.verifications()[0].id);
    expect(h.sims.percent.verifications()).toHaveLength(1);
  });

  it('retries a garbled body but not a body of the wrong shape', async () => {
    h.sims.injectFault('percent.createAgentVerification', { kind: 'malformedBody' }, { times: 1 });
    expect(await createFailure()).toMatchObject({ type: FailureType.VendorContractBroken, nonRetryable: false });
    h.sims.injectFault(
      'percent.createAgentVerification',
      { kind: 'malformedBody', variant: 'wrongSchema' },
      { times: 1 },
    );
    expect(await createFailure()).toMatchObject({ type: FailureType.VendorContractBroken, nonRetryable: true });
    await create();
    expect(h.sims.percent.verifications()).toHaveLength(1);
  });

  it('reads unknown future statuses and rejection codes', async () => {
    const { id } = await create();
    await h.sims.percent.setStatus(id, 'escalated_to_compliance', {
      rejectionReasonCode: 'sanctions_list_match',
      sendWebhook: false,
    });
    const read = await new MockActivityEnvironment().run(h.activities.getAgentVerification, {
      agentVerificationId: id,
    });
    expect(read).toMatchObject({ id, status: 'escalated_to_compliance', rejectionReasonCode: 'sanctions_list_match' });
  });

  it('aborts its HTTP request when the activity is cancelled', async () => {
    h.sims.injectFault('percent.getAgentVerification', { kind: 'hang' });
    const env = new MockActivityEnvironment();
    const running = rejection(env.run(h.activities.getAgentVerification, { agentVerificationId: 'agv_1' }));
    await h.sims.waitForRequests('percent.getAgentVerification', 1);
    env.cancel();
    expect(await running).toBeInstanceOf(CancelledFailure);
    // The simulator sees the hung request's connection closed by the client (it would hang otherwise).
    await h.sims.waitForSettled('percent.getAgentVerification');
  });

  it('heartbeats while a slow request is in flight, so cancellation can reach it', async () => {
    const slow = await startHarness({ heartbeatIntervalMs: 20 });
    try {
      slow.sims.injectFault('percent.getAgentVerification', { kind: 'latency', ms: 300 });
      const env = new MockActivityEnvironment();
      let heartbeats = 0;
      env.on('heartbeat', () => heartbeats++);
      await rejection(env.run(slow.activities.getAgentVerification, { agentVerificationId: 'agv_1' }));
      expect(heartbeats).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });
});
