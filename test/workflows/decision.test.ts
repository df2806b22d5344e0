/**
 * How the decision reaches a check: webhooks that get lost (found by polling), come twice, come
 * out of order, or belong to another check; and the decision timeout.
 */
import {
  statusQuery,
  verificationStatusChangedSignal,
  type CheckStatus,
  type Stage,
} from '../../src/workflows/definitions';
import { setUpLifecycle, type CheckHandle, type Lifecycle, type RunningWorkers } from './lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;

beforeAll(async () => {
  lc = await setUpLifecycle('decision');
  workers = await lc.startWorkers();
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  await lc?.tearDown();
});

const HOUR = 60 * 60 * 1000;
const at = (status: CheckStatus, stage: Stage): number =>
  Date.parse(status.stages.find((s) => s.stage === stage)?.at ?? 'missing');

async function awaitingDecision(handle: CheckHandle): Promise<string> {
  const status = await lc.waitForStage(handle, 'awaiting_decision');
  return status.agentVerificationId as string;
}

describe('the decision', () => {
  it('is found by polling every pollInterval when the webhook is lost', async () => {
    const handle = await lc.start(lc.newEvent({ options: { pollInterval: '2 hours' } }));
    const id = await awaitingDecision(handle);
    const reads = lc.sim.requestCount('percent.getAgentVerification');

    await lc.sim.percent.setStatus(id, 'approved', { sendWebhook: false });
    const result = await handle.result();

    expect(result).toMatchObject({ outcome: 'approved', agentVerificationId: id });
    const final = await handle.query(statusQuery);
    const waited = Date.parse(result.decidedAt) - at(final, 'awaiting_decision');
    expect(waited).toBeGreaterThanOrEqual(2 * HOUR);
    expect(waited).toBeLessThan(3 * HOUR);
    expect(lc.sim.requestCount('percent.getAgentVerification') - reads).toBe(1);
  });

  it('polls every 6 hours by default', async () => {
    const handle = await lc.start(lc.newEvent());
    const id = await awaitingDecision(handle);
    await lc.sim.percent.setStatus(id, 'rejected', { rejectionReasonCode: 'reapply', sendWebhook: false });

    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'rejected', rejectionReasonCode: 'reapply' });
    const waited = Date.parse(result.decidedAt) - at(await handle.query(statusQuery), 'awaiting_decision');
    expect(waited).toBeGreaterThanOrEqual(6 * HOUR);
    expect(waited).toBeLessThan(7 * HOUR);
  });

  it('expires at decisionTimeout after polling until then, with a last read at the deadline', async () => {
    const handle = await lc.start(lc.newEvent({ options: { decisionTimeout: '3 days', pollInterval: '1 day' } }));
    const id = await awaitingDecision(handle);
    const reads = lc.sim.requestCount('percent.getAgentVerification');

    const result = await handle.result();
    expect(result).toEqual({
      outcome: 'expired',
      agentVerificationId: id,
      asyncRequestId: expect.any(String),
      decidedAt: expect.any(String),
    });
    expect(lc.sim.requestCount('percent.getAgentVerification') - reads).toBe(3);
    const final = await handle.query(statusQuery);
    expect(final.stage).toBe('expired');
    expect(at(final, 'expired') - at(final, 'awaiting_decision')).toBeGreaterThanOrEqual(3 * 24 * HOUR);
  });

  it('ignores a redelivered webhook (same event id)', async () => {
    const handle = await lc.start(lc.newEvent());
    const id = await awaitingDecision(handle);
    await lc.sim.percent.setStatus(id, 'pending_review');
    const review = lc.latestEventId(id);
    await lc.relayWebhook(handle, review);
    await lc.relayWebhook(handle, review);
    // A redelivery carries the same event id: even altered, it is not applied again.
    await handle.signal(verificationStatusChangedSignal, {
      eventId: review,
      agentVerificationId: id,
      status: 'approved',
    });
    await lc.env.sleep('1 minute');
    expect(await handle.query(statusQuery)).toMatchObject({
      stage: 'awaiting_decision',
      verificationStatus: 'pending_review',
    });

    await lc.sim.percent.setStatus(id, 'approved');
    await lc.relayWebhook(handle, lc.latestEventId(id));
    expect((await handle.result()).outcome).toBe('approved');
  });

  it('never lets an older webhook override a newer status', async () => {
    const handle = await lc.start(lc.newEvent());
    const id = await awaitingDecision(handle);
    await lc.sim.percent.setStatus(id, 'pending_user_verification');
    const older = lc.latestEventId(id);
    await lc.sim.percent.setStatus(id, 'pending_review');
    const newer = lc.latestEventId(id);

    await lc.relayWebhook(handle, newer);
    await lc.relayWebhook(handle, older);
    await lc.env.sleep('1 minute');
    expect((await handle.query(statusQuery)).verificationStatus).toBe('pending_review');

    await lc.sim.percent.setStatus(id, 'approved');
    await lc.relayWebhook(handle, lc.latestEventId(id));
    expect((await handle.result()).outcome).toBe('approved');
  });

  it("ignores a status for another check's verification", async () => {
    const mine = await lc.start(lc.newEvent());
    const theirs = await lc.start(lc.newEvent());
    const myId = await awaitingDecision(mine);
    const theirId = await awaitingDecision(theirs);

    await lc.sim.percent.setStatus(theirId, 'rejected', { rejectionReasonCode: 'fake_documentation' });
    await lc.relayWebhook(mine, lc.latestEventId(theirId));
    await lc.env.sleep('1 minute');
    expect(await mine.query(statusQuery)).toMatchObject({
      stage: 'awaiting_decision',
      agentVerificationId: myId,
      verificationStatus: 'pending_user_verification',
    });

    await lc.relayWebhook(theirs, lc.latestEventId(theirId));
    expect((await theirs.result()).outcome).toBe('rejected');
    await lc.sim.percent.setStatus(myId, 'approved');
    await lc.relayWebhook(mine, lc.latestEventId(myId));
    expect(await mine.result()).toMatchObject({ outcome: 'approved', agentVerificationId: myId });
  });

  it('replays every history of this file with the current workflow code', async () => {
    const { replayed, failures } = await lc.replayStartedChecks();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(5);
  });
});
