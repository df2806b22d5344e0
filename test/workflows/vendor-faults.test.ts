/**
 * Vendor trouble seen from the lifecycle: rate limits are waited out as the vendor asks, daily
 * limits and low credits park the check in `blocked` until `resume` or a long delay, and
 * permanent errors fail the check with their typed failure.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../../src/failure-types';
import type { Fault } from '../../src/simulators';
import {
  resumeSignal,
  searchAttributes,
  statusQuery,
  type CheckStatus,
  type Stage,
} from '../../src/workflows/definitions';
import { setUpLifecycle, type CheckHandle, type Lifecycle, type RunningWorkers } from './lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;

beforeAll(async () => {
  lc = await setUpLifecycle('faults');
  workers = await lc.startWorkers();
}, 120_000);

afterEach(() => lc.sim.clearFaults());

afterAll(async () => {
  await workers?.stop();
  await lc?.tearDown();
});

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const at = (status: CheckStatus, stage: Stage, nth = 0): number =>
  Date.parse(status.stages.filter((s) => s.stage === stage)[nth]?.at ?? 'missing');

async function approve(handle: CheckHandle) {
  await lc.decide(handle, 'approved');
  return handle.result();
}

async function failureOf(handle: CheckHandle): Promise<ApplicationFailure> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('vendor faults', () => {
  it('waits out a storm of Percent 429s as Retry-After asks, and still creates one verification', async () => {
    const event = lc.newEvent();
    const creates = lc.sim.requestCount('percent.createAgentVerification');
    lc.sim.injectFault(
      'percent.createAgentVerification',
      { kind: 'percentError', status: 429, code: 'rate_limited', retryAfter: '120' },
      { times: 4 },
    );
    const handle = await lc.start(event);
    await lc.env.sleep('10 minutes');

    expect((await approve(handle)).outcome).toBe('approved');
    expect(lc.sim.requestCount('percent.createAgentVerification') - creates).toBe(5);
    expect(lc.sim.percent.verifications().filter((v) => v.email === event.agent.email)).toHaveLength(1);
    const final = await handle.query(statusQuery);
    // Four waits of 120 s, not the retry policy's 1 s back-off.
    expect(at(final, 'associating') - at(final, 'creating_verification')).toBeGreaterThanOrEqual(4 * 120 * 1000);
  });

  it('waits out Attestr per-second limits (4291) and associates once', async () => {
    const event = lc.newEvent();
    lc.sim.injectFault('attestr.associate', { kind: 'attestrError', code: 4291, retryAfter: '30' }, { times: 3 });
    const handle = await lc.start(event);
    expect((await approve(handle)).outcome).toBe('approved');
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([event.asyncRequestId]);
    expect(stagesOf(await handle.query(statusQuery))).not.toContain('blocked');
  });

  it.each<[string, Fault, RegExp]>([
    ['an Attestr daily limit (4293)', { kind: 'attestrError', code: 4293 }, /daily limit/],
    ['an Attestr API daily limit (4294)', { kind: 'attestrError', code: 4294 }, /daily limit/],
    ['low Attestr credits (4005)', { kind: 'lowCredits' }, /credit/],
  ])('goes blocked on %s and resumes at once on `resume`', async (_what, fault, reason) => {
    const event = lc.newEvent();
    lc.sim.injectFault('attestr.associate', fault, { times: 1 });
    const handle = await lc.start(event);

    const blocked = await lc.waitForStage(handle, 'blocked');
    expect(blocked.blockedReason).toMatch(reason);
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([]);
    // What the Temporal UI shows as the check's current details.
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toMatch(reason);
    expect(metadata.currentDetails).toContain('`resume`');
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.stage)).toBe('blocked');

    await handle.signal(resumeSignal, {});
    const resumed = await lc.waitForStage(handle, 'awaiting_decision');
    expect(resumed.blockedReason).toBeUndefined();
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([event.asyncRequestId]);
    expect(stagesOf(resumed)).toEqual([
      'creating_verification',
      'associating',
      'blocked',
      'associating',
      'awaiting_decision',
    ]);
    // Well before the 1 hour the vendor layer asked for (ATTESTR_*_RETRY_DELAY).
    expect(at(resumed, 'associating', 1) - at(resumed, 'blocked')).toBeLessThan(HOUR);
    expect((await approve(handle)).outcome).toBe('approved');
  });

  it('tries again by itself once the blocked delay has passed', async () => {
    const event = lc.newEvent();
    lc.sim.injectFault('attestr.associate', { kind: 'attestrError', code: 4293 }, { times: 1 });
    const handle = await lc.start(event);
    await lc.waitForStage(handle, 'blocked');

    await lc.env.sleep('1 hour');
    const unblocked = await lc.waitForStage(handle, 'awaiting_decision');
    expect(at(unblocked, 'associating', 1) - at(unblocked, 'blocked')).toBeGreaterThanOrEqual(HOUR);
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([event.asyncRequestId]);
    expect((await approve(handle)).outcome).toBe('approved');
  });

  it('fails with ProfileNotUsable when the Attestr profile is archived', async () => {
    const event = lc.newEvent();
    lc.sim.attestr.archiveProfile(event.profileId);
    const handle = await lc.start(event);

    const failure = await failureOf(handle);
    expect(failure.type).toBe(FailureType.ProfileNotUsable);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/archived/i);
    expect(await handle.query(statusQuery)).toMatchObject({ stage: 'failed', agentVerificationId: expect.any(String) });
    expect((await handle.describe()).status.name).toBe('FAILED');
  });

  it('fails with VendorAuthRejected when Percent refuses the key, without the key in the failure', async () => {
    lc.sim.injectFault('percent.createAgentVerification', { kind: 'percentError', status: 401, code: 'unauthorized' });
    const handle = await lc.start(lc.newEvent());

    const failure = await failureOf(handle);
    expect(failure.type).toBe(FailureType.VendorAuthRejected);
    expect(
      JSON.stringify({ message: failure.message, details: failure.details, cause: failure.cause?.message }),
    ).not.toContain(lc.sim.percentApiKey);
    expect((await handle.query(statusQuery)).stage).toBe('failed');
  });

  it('ends cancelled at once when cancelled during a vendor call that hangs', async () => {
    const event = lc.newEvent();
    lc.sim.injectFault('attestr.associate', { kind: 'hang' }, { times: 1 });
    const handle = await lc.start(event);
    await lc.sim.waitForRequests('attestr.associate', lc.sim.requestCount('attestr.associate') + 1);
    expect((await handle.query(statusQuery)).stage).toBe('associating');

    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.query(statusQuery)).stage).toBe('cancelled');
    expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([]);
  });

  it('replays every history of this file with the current workflow code', async () => {
    const { replayed, failures } = await lc.replayStartedChecks();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(5);
  });
});

function stagesOf(status: CheckStatus): Stage[] {
  return status.stages.map((s) => s.stage);
}
