import { randomUUID } from 'node:crypto';
import { useWorkerSuite } from './helpers/suite';
import { abandonsSleepingChild, activityVersusTimer, longSleep, timerVersusEnvSleep } from './workflows';

const DAY = 86_400_000;

describe('time skipping (test-server mode)', () => {
  const suite = useWorkerSuite({ name: 'time' });
  const { taskQueue, started } = suite;

  it('advances the clock on env.sleep', async () => {
    const before = await suite.env.currentTimeMs();
    await suite.env.sleep('3 days');
    expect((await suite.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * DAY);
  });

  it('skips a month-long workflow timer while result() waits, and the workflow sees virtual time', async () => {
    const handle = await suite.env.client.workflow.start(longSleep, {
      taskQueue,
      workflowId: `sleep-${randomUUID()}`,
      args: [30 * DAY],
    });
    started.push(handle);
    const { before, after } = await handle.result();
    expect(after - before).toBeGreaterThanOrEqual(30 * DAY);
    expect(await suite.env.currentTimeMs()).toBeGreaterThanOrEqual(after);
  });

  it('does not skip time while an activity runs', async () => {
    const handle = await suite.env.client.workflow.start(activityVersusTimer, {
      taskQueue,
      workflowId: `race-${randomUUID()}`,
    });
    started.push(handle);
    expect(await handle.result()).toBe('activity');
  });

  it('lets an activity sleep through env.sleep, racing a workflow timer either way', async () => {
    const envSleepWorker = {
      taskQueue: `${taskQueue}-env-sleep`,
      activities: { envSleep: (ms: number) => suite.env.sleep(ms) },
    };
    await suite.withWorker(envSleepWorker, async () => {
      for (const [timerMs, activityMs, winner] of [
        [1_000_000, 1_500_000, 'timer'],
        [1_500_000, 1_000_000, 'activity'],
      ] as const) {
        const handle = await suite.env.client.workflow.start(timerVersusEnvSleep, {
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
    const parent = await suite.env.client.workflow.start(abandonsSleepingChild, {
      taskQueue,
      workflowId: `parent-${randomUUID()}`,
      args: [childId],
    });
    started.push(parent);
    await parent.result();
    const { before, after } = await suite.env.client.workflow.getHandle<typeof longSleep>(childId).result();
    expect(after - before).toBeGreaterThanOrEqual(DAY);
    started.push({ workflowId: childId });
  });

  it('rejects an unbalanced unlock', async () => {
    const testService = suite.env.connection.testService;
    if (!testService) throw new Error('test service expected in time-skipping mode');
    // The environment holds the initial lock; release it and try once more.
    await testService.unlockTimeSkipping({});
    await expect(testService.unlockTimeSkipping({})).rejects.toMatchObject({ code: 9 /* FAILED_PRECONDITION */ });
    await testService.lockTimeSkipping({});
  });
});
