/**
 * A worker that stops mid-check, after Percent created the verification but before the activity
 * reported it: the replacement worker carries the check on, and the stable Idempotency-Key
 * makes Percent answer with the same verification instead of a second one.
 */
import { Context } from '@temporalio/activity';
import type { Activities } from '../../src/activities';
import { setUpLifecycle, type Lifecycle } from './lifecycle-harness';

let lc: Lifecycle;

beforeAll(async () => {
  lc = await setUpLifecycle('replaced');
}, 120_000);

afterAll(async () => {
  await lc?.tearDown();
});

it('creates exactly one verification when the worker is replaced mid-check', async () => {
  let markAnswered: () => void = () => undefined;
  const vendorAnswered = new Promise<void>((resolve) => (markAnswered = resolve));
  const real = lc.activities();
  // The first worker dies between the vendor's answer and the activity's completion.
  const dying: Activities = {
    ...real.activities,
    async createAgentVerification(input) {
      await real.activities.createAgentVerification(input);
      markAnswered();
      const { cancellationSignal } = Context.current();
      return new Promise((_resolve, reject) =>
        cancellationSignal.addEventListener('abort', () => reject(new Error('worker stopped'))),
      );
    },
  };
  // The first workers keep no workflow cache, so no task waits on their sticky queue after they
  // stop. Temporal's time-skipping test server never moves a task off a stopped worker's sticky
  // queue (no schedule-to-start timeout there, no ShutdownWorker), while a real cluster and the
  // embedded service do; that release is tested in packages/embedded-temporal/test/worker-shutdown.test.ts.
  const first = await lc.startWorkers({ activities: dying, maxCachedWorkflows: 0 });
  const event = lc.newEvent();
  const handle = await lc.start(event);
  await vendorAnswered;
  await first.stop();
  await real.close();
  expect(lc.sim.percent.verifications().filter((v) => v.email === event.agent.email)).toHaveLength(1);

  const second = await lc.startWorkers();
  try {
    const status = await lc.waitForStage(handle, 'awaiting_decision');
    const mine = lc.sim.percent.verifications().filter((v) => v.email === event.agent.email);
    expect(mine).toHaveLength(1);
    expect(status.agentVerificationId).toBe(mine[0].id);
    expect(lc.sim.requestCount('percent.createAgentVerification')).toBe(2);

    await lc.sim.percent.setStatus(mine[0].id, 'approved');
    await lc.relayWebhook(handle, lc.latestEventId(mine[0].id));
    expect(await handle.result()).toMatchObject({ outcome: 'approved', agentVerificationId: mine[0].id });
  } finally {
    await second.stop();
  }
});
