/**
 * The background-check lifecycle end to end: the embedded Temporal service in time-skipping
 * mode, the production workers, the real activities against the vendor simulators.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../../src/failure-types';
import { REJECTION_REASON_CODES } from '../../src/vendors/percent/schemas';
import {
  asyncRequestReadySignal,
  searchAttributes,
  statusQuery,
  type CheckStatus,
  type Stage,
} from '../../src/workflows/definitions';
import { setUpLifecycle, type CheckHandle, type Lifecycle, type RunningWorkers } from './lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;

beforeAll(async () => {
  lc = await setUpLifecycle('lifecycle');
  workers = await lc.startWorkers();
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  await lc?.tearDown();
});

const stagesOf = (status: CheckStatus): Stage[] => status.stages.map((s) => s.stage);
const at = (status: CheckStatus, stage: Stage): number =>
  Date.parse(status.stages.find((s) => s.stage === stage)?.at ?? 'missing');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

async function failureOf(handle: CheckHandle): Promise<WorkflowFailedError> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

describe('backgroundCheck', () => {
  it('creates the verification, associates the async request of the event, and ends approved on the webhook', async () => {
    const event = lc.newEvent();
    const handle = await lc.start(event);

    const waiting = await lc.waitForStage(handle, 'awaiting_decision');
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([event.asyncRequestId]);
    const mine = lc.sim.percent.verifications().filter((v) => v.email === event.agent.email);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ firstName: 'Ada', organisationId: event.agent.organisationId });
    expect(waiting).toMatchObject({
      agentVerificationId: mine[0].id,
      asyncRequestId: event.asyncRequestId,
      verificationStatus: 'pending_user_verification',
      externalActionRequired: false,
    });

    // A non-final status is applied and the check keeps waiting.
    await lc.sim.percent.setStatus(mine[0].id, 'pending_review');
    await lc.relayWebhook(handle, lc.latestEventId(mine[0].id));
    await lc.waitForStatus(handle, (s) => s.verificationStatus === 'pending_review', 'pending_review');

    await lc.decide(handle, 'approved');
    const result = await handle.result();
    expect(result).toEqual({
      outcome: 'approved',
      agentVerificationId: mine[0].id,
      asyncRequestId: event.asyncRequestId,
      decidedAt: expect.any(String),
    });

    const final = await handle.query(statusQuery);
    expect(stagesOf(final)).toEqual(['creating_verification', 'associating', 'awaiting_decision', 'approved']);
    expect(Date.parse(result.decidedAt)).toBeGreaterThanOrEqual(at(final, 'awaiting_decision'));

    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(searchAttributes.stage)).toBe('approved');
    expect(typedSearchAttributes.get(searchAttributes.verificationStatus)).toBe('approved');
    expect(typedSearchAttributes.get(searchAttributes.profileId)).toBe(event.profileId);
    expect(typedSearchAttributes.get(searchAttributes.organisationId)).toBe(event.agent.organisationId);
    expect(typedSearchAttributes.get(searchAttributes.agentVerificationId)).toBe(mine[0].id);
    // Search attributes are visible to every operator: ids and states only, no personal data.
    const indexed = JSON.stringify(typedSearchAttributes.getAll());
    for (const personal of [event.agent.email, event.agent.firstName, event.agent.lastName]) {
      expect(indexed).not.toContain(personal);
    }
  });

  it('waits for the async request id sent by signal', async () => {
    const event = lc.newEvent({ asyncRequestId: undefined });
    const asyncRequestId = lc.sim.attestr.addAsyncRequest('work');
    const handle = await lc.start(event);
    await lc.waitForStage(handle, 'awaiting_async_request');
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([]);

    await handle.signal(asyncRequestReadySignal, { asyncRequestId });
    await lc.decide(handle, 'approved');
    expect(await handle.result()).toMatchObject({ outcome: 'approved', asyncRequestId });
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([asyncRequestId]);
    expect(stagesOf(await handle.query(statusQuery))).toEqual([
      'creating_verification',
      'awaiting_async_request',
      'associating',
      'awaiting_decision',
      'approved',
    ]);
  });

  it('takes an async request id that comes late, before asyncRequestTimeout', async () => {
    const event = lc.newEvent({ asyncRequestId: undefined });
    const asyncRequestId = lc.sim.attestr.addAsyncRequest('document');
    const handle = await lc.start(event);
    await lc.waitForStage(handle, 'awaiting_async_request');

    await lc.env.sleep('6 days');
    expect((await handle.query(statusQuery)).stage).toBe('awaiting_async_request');
    await handle.signal(asyncRequestReadySignal, { asyncRequestId });
    await lc.decide(handle, 'approved');
    await handle.result();

    const final = await handle.query(statusQuery);
    expect(at(final, 'associating') - at(final, 'awaiting_async_request')).toBeGreaterThanOrEqual(6 * DAY);
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([asyncRequestId]);
  });

  it('expires when no async request id arrives within asyncRequestTimeout', async () => {
    const event = lc.newEvent({ asyncRequestId: undefined, options: { asyncRequestTimeout: '2 days' } });
    const handle = await lc.start(event);

    const result = await handle.result();
    expect(result).toEqual({
      outcome: 'expired',
      agentVerificationId: expect.any(String),
      decidedAt: expect.any(String),
    });
    const final = await handle.query(statusQuery);
    expect(final.stage).toBe('expired');
    expect(at(final, 'expired') - at(final, 'awaiting_async_request')).toBeGreaterThanOrEqual(2 * DAY);
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([]);
  });

  it('expires after the default 7 days', async () => {
    const handle = await lc.start(lc.newEvent({ asyncRequestId: undefined }));
    expect((await handle.result()).outcome).toBe('expired');
    const final = await handle.query(statusQuery);
    const waited = at(final, 'expired') - at(final, 'awaiting_async_request');
    expect(waited).toBeGreaterThanOrEqual(7 * DAY);
    expect(waited).toBeLessThan(7 * DAY + HOUR);
  });

  it('ends rejected with each rejection reason code, known or new', async () => {
    const codes = [...REJECTION_REASON_CODES, 'a_code_percent_adds_next_year'];
    const decided = await Promise.all(
      codes.map(async (code) => {
        const handle = await lc.start(lc.newEvent());
        return { code, handle, id: await lc.decide(handle, 'rejected', code) };
      }),
    );
    // One result() at a time: each one locks and unlocks the test server's time skipping.
    for (const { code, handle, id } of decided) {
      expect(await handle.result()).toMatchObject({
        outcome: 'rejected',
        agentVerificationId: id,
        rejectionReasonCode: code,
      });
      const { typedSearchAttributes } = await handle.describe();
      expect(typedSearchAttributes.get(searchAttributes.stage)).toBe('rejected');
    }
  });

  it('ends rejected at once when the decision comes while it waits for the async request', async () => {
    const event = lc.newEvent({ asyncRequestId: undefined });
    const handle = await lc.start(event);
    const { agentVerificationId } = await lc.waitForStage(handle, 'awaiting_async_request');
    const id = agentVerificationId as string;
    await lc.sim.percent.setStatus(id, 'rejected', { rejectionReasonCode: 'user_verification_expired' });
    await lc.relayWebhook(handle, lc.latestEventId(id));

    expect(await handle.result()).toEqual({
      outcome: 'rejected',
      agentVerificationId: id,
      rejectionReasonCode: 'user_verification_expired',
      decidedAt: expect.any(String),
    });
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([]);
  });

  it('fails with a non-retryable InvalidOnboardingEvent naming the fields, not their values', async () => {
    const event = lc.newEvent();
    const bad = { ...event, agent: { ...event.agent, email: 'not-an-email', organisationId: undefined } };
    const creates = lc.sim.requestCount('percent.createAgentVerification');
    const handle = await lc.start(bad);

    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    const failure = err.cause as ApplicationFailure;
    expect(failure.type).toBe(FailureType.InvalidOnboardingEvent);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('agent.email');
    expect(failure.message).toContain('agent.organisationId');
    expect(failure.message).not.toContain('not-an-email');
    expect((await handle.query(statusQuery)).stage).toBe('failed');
    expect(lc.sim.requestCount('percent.createAgentVerification')).toBe(creates);
  });

  it('ends cancelled when cancelled while waiting', async () => {
    const handle = await lc.start(lc.newEvent({ asyncRequestId: undefined }));
    await lc.waitForStage(handle, 'awaiting_async_request');

    await handle.cancel();
    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const status = await handle.query(statusQuery);
    expect(status.stage).toBe('cancelled');
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.stage)).toBe('cancelled');
  });

  it('returns the running check for a duplicate onboarding event', async () => {
    const event = lc.newEvent({ asyncRequestId: undefined });
    const first = await lc.start(event);
    const again = await lc.start({ ...event, eventId: `${event.eventId}-redelivered` });
    expect(again.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.cancel();
    await failureOf(first);
  });

  it('replays every history of this file with the current workflow code', async () => {
    const { replayed, failures } = await lc.replayStartedChecks();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(5);
  });
});
