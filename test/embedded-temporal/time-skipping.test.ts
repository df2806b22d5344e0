import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../helpers/temporal-env';
import { createWorker, replayAll, type StartedWorkflow, uniqueTaskQueue } from './helpers/worker';
import { abandonsSleepingChild, activityVersusTimer, longSleep, timerVersusEnvSleep } from './workflows';

const DAY = 86_400_000;

describe('time skipping (test-server mode)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('time');
  const started: StartedWorkflow[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await createWorker(env, { taskQueue });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await running;
      await replayAll(env.client, started);
    }
    await env?.teardown();
  });

  it('advances the clock on env.sleep', async () => {
    const before = await env.currentTimeMs();
    await env.sleep('3 days');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * DAY);
  });

  it('skips a month-long workflow timer while result() waits, and the workflow sees virtual time', async () => {
    const handle = await env.client.workflow.start(longSleep, {
      taskQueue,
      workflowId: `sleep-${randomUUID()}`,
      args: [30 * DAY],
    });
    started.push(handle);
    const { before, after } = await handle.result();
    expect(after - before).toBeGreaterThanOrEqual(30 * DAY);
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(after);
  });

  it('does not skip time while an activity runs', async () => {
    const handle = await env.client.workflow.start(activityVersusTimer, {
      taskQueue,
      workflowId: `race-${randomUUID()}`,
    });
    started.push(handle);
    expect(await handle.result()).toBe('activity');
  });

  it('lets an activity sleep through env.sleep, racing a workflow timer either way', async () => {
    const withEnvSleep = await createWorker(env, {
      taskQueue: `${taskQueue}-env-sleep`,
      activities: { envSleep: (ms: number) => env.sleep(ms) },
    });
    await withEnvSleep.runUntil(async () => {
      for (const [timerMs, activityMs, winner] of [
        [1_000_000, 1_500_000, 'timer'],
        [1_500_000, 1_000_000, 'activity'],
      ] as const) {
        const handle = await env.client.workflow.start(timerVersusEnvSleep, {
          taskQueue: `${taskQueue}-env-sleep`,
          workflowId: `env-sleep-${randomUUID()}`,
          args: [timerMs, activityMs],
        });
        started.push(handle);
        expect(await handle.result()).toBe(winner);
      }
    });
  });

  it('fast-forwards an abandoned child after its parent completed', async () => {
    const childId = `child-${randomUUID()}`;
    const parent = await env.client.workflow.start(abandonsSleepingChild, {
      taskQueue,
      workflowId: `parent-${randomUUID()}`,
      args: [childId],
    });
    started.push(parent);
    await parent.result();
    const { before, after } = await env.client.workflow.getHandle<typeof longSleep>(childId).result();
    expect(after - before).toBeGreaterThanOrEqual(DAY);
    started.push({ workflowId: childId });
  });

  it('rejects an unbalanced unlock', async () => {
    const testService = env.connection.testService;
    if (!testService) throw new Error('test service expected in time-skipping mode');
    // The environment holds the initial lock; release it and try once more.
    await testService.unlockTimeSkipping({});
    await expect(testService.unlockTimeSkipping({})).rejects.toMatchObject({ code: 9 /* FAILED_PRECONDITION */ });
    await testService.lockTimeSkipping({});
  });
});
