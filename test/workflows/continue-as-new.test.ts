/**
 * A long decision wait with frequent polls continues as new before its history grows too long:
 * the check keeps its workflow ID, its verification (no second one is created), its stages and
 * its signals. The worker here continues after 60 events instead of 10,000 to see it happen.
 */
import { temporal } from '@temporalio/proto';
import { searchAttributes, statusQuery, type Stage } from '../../src/workflows/definitions';
import { setUpLifecycle, type Lifecycle, type RunningWorkers } from './lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;

beforeAll(async () => {
  lc = await setUpLifecycle('continued');
  workers = await lc.startWorkers({ continueAsNewAfterEvents: 60 });
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  await lc?.tearDown();
});

it('continues as new during a long decision wait and keeps the check whole', async () => {
  const event = lc.newEvent({ options: { pollInterval: '1 hour' } });
  const handle = await lc.start(event);
  const { agentVerificationId } = await lc.waitForStage(handle, 'awaiting_decision');
  const id = agentVerificationId as string;
  const reads = lc.sim.requestCount('percent.getAgentVerification');

  await lc.env.sleep('12 hours');
  expect(lc.sim.requestCount('percent.getAgentVerification') - reads).toBeGreaterThanOrEqual(11);
  const { runId } = await handle.describe();
  expect(runId).not.toBe(handle.firstExecutionRunId);
  const firstRun = await lc.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
  expect(firstRun.events?.at(-1)?.eventType).toBe(
    temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  );

  // Signals reach the current run; the status still tells the whole story.
  await lc.sim.percent.setStatus(id, 'pending_review');
  await lc.relayWebhook(handle, lc.latestEventId(id));
  const status = await lc.waitForStatus(handle, (s) => s.verificationStatus === 'pending_review', 'pending_review');
  expect(status).toMatchObject({
    stage: 'awaiting_decision',
    agentVerificationId: id,
    asyncRequestId: event.asyncRequestId,
  });
  expect(status.stages.map((s) => s.stage)).toEqual<Stage[]>([
    'creating_verification',
    'associating',
    'awaiting_decision',
  ]);
  const { typedSearchAttributes } = await handle.describe();
  expect(typedSearchAttributes.get(searchAttributes.profileId)).toBe(event.profileId);
  expect(typedSearchAttributes.get(searchAttributes.agentVerificationId)).toBe(id);
  expect(typedSearchAttributes.get(searchAttributes.stage)).toBe('awaiting_decision');

  await lc.sim.percent.setStatus(id, 'approved');
  await lc.relayWebhook(handle, lc.latestEventId(id));
  expect(await handle.result()).toMatchObject({ outcome: 'approved', agentVerificationId: id });
  expect(lc.sim.requestCount('percent.createAgentVerification')).toBe(1);
  expect(lc.sim.percent.verifications()).toHaveLength(1);
  expect((await handle.query(statusQuery)).stage).toBe('approved');
});

it('replays every history of this file with the current workflow code', async () => {
  const { replayed, failures } = await lc.replayStartedChecks();
  expect(failures).toEqual([]);
  expect(replayed).toBe(1);
});
