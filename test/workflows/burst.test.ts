/**
 * A burst of onboarding events, with duplicates, through the production workers: every profile
 * gets one check, one verification and one association, and every check completes.
 */
import { setUpLifecycle, type Lifecycle, type RunningWorkers } from './lifecycle-harness';

let lc: Lifecycle;
let workers: RunningWorkers;

// Percent decides right after creation and sends no webhook: every check finds its decision by polling.
beforeAll(async () => {
  lc = await setUpLifecycle('burst', { autoAdvance: { decideAfterMs: 0, decision: 'approved' } });
  workers = await lc.startWorkers();
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  await lc?.tearDown();
});

it('runs 200 onboarding events (150 profiles, 50 duplicates) to 150 approvals with no duplicate verification', async () => {
  const events = Array.from({ length: 150 }, () => lc.newEvent());
  const duplicates = Array.from({ length: 50 }, (_, i) => {
    const original = events[(i * 7) % events.length];
    return { ...original, eventId: `${original.eventId}-duplicate-${i}` };
  });
  const burst = [...events, ...duplicates].sort((a, b) => a.eventId.localeCompare(b.eventId));

  const handles = await Promise.all(burst.map((event) => lc.start(event)));
  const runs = new Map(handles.map((h) => [h.workflowId, h.firstExecutionRunId]));
  expect(runs.size).toBe(150);
  for (const handle of handles) expect(handle.firstExecutionRunId).toBe(runs.get(handle.workflowId));

  const unique = [...new Map(handles.map((h) => [h.workflowId, h])).values()];
  // One result() at a time (each locks and unlocks the test server's time skipping); the first
  // lets time run to the first poll, by which all checks have their decision.
  const results = [];
  for (const handle of unique) results.push(await handle.result());
  expect(results.filter((r) => r.outcome === 'approved')).toHaveLength(150);

  expect(lc.sim.percent.verifications()).toHaveLength(150);
  expect(lc.sim.requestCount('percent.createAgentVerification')).toBe(150);
  expect(new Set(results.map((r) => r.agentVerificationId)).size).toBe(150);
  for (const event of events) expect(lc.sim.attestr.profileItems(event.profileId)).toEqual([event.asyncRequestId]);
}, 120_000);
