import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv, createTimeSkippingEnv } from './helpers/env';
import { createWorker, replayAll, uniqueTaskQueue } from './helpers/worker';
import { approveSignal, signalTimerActivities, stageQuery } from './workflows';

describe.each([
  ['time-skipping', createTimeSkippingEnv],
  ['local', () => createLocalEnv()],
])('embedded service (%s)', (_mode, create) => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await create();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow with activities, a timer, a signal and a query', async () => {
    const taskQueue = uniqueTaskQueue();
    const worker = await createWorker(env, { taskQueue });
    const handle = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(signalTimerActivities, {
        taskQueue,
        workflowId: `smoke-${randomUUID()}`,
        args: ['Ada', env.supportsTimeSkipping ? 3_600_000 : 10],
      });
      if (env.supportsTimeSkipping) {
        // The hour-long timer is skipped; the workflow then waits for the signal.
        await env.sleep('2 hours');
        expect(await handle.query(stageQuery)).toBe('waiting');
      } else {
        expect(['greeting', 'sleeping', 'waiting']).toContain(await handle.query(stageQuery));
      }
      await handle.signal(approveSignal, 'Grace');
      expect(await handle.result()).toBe('Hello, Ada; approved by Grace; 42; attempt 1');
      expect(await handle.query(stageQuery)).toBe('done');
      return handle;
    });
    // The worker's build id, as the dev server records it: on every task started event.
    const { events } = await handle.fetchHistory();
    const completedBy = events?.find((e) => e.workflowTaskCompletedEventAttributes)
      ?.workflowTaskCompletedEventAttributes?.workerVersion?.buildId;
    expect(completedBy).toBeTruthy();
    const stamps = (events ?? []).flatMap((e) => {
      const started = e.workflowTaskStartedEventAttributes ?? e.activityTaskStartedEventAttributes;
      return started ? [started.workerVersion?.buildId] : [];
    });
    expect(stamps.length).toBeGreaterThan(2);
    expect(new Set(stamps)).toEqual(new Set([completedBy]));
    await replayAll(env.client, [handle]);
  });

  it("starts a workflow eagerly through a client on the worker's native connection", async () => {
    const taskQueue = uniqueTaskQueue('eager');
    const worker = await createWorker(env, { taskQueue });
    const client = new Client({ connection: env.nativeConnection, namespace: env.namespace ?? 'default' });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(signalTimerActivities, {
        taskQueue,
        workflowId: `eager-${randomUUID()}`,
        args: ['Eve', 10],
        requestEagerStart: true,
        // A lost eager task would only be retried after this: the test would hang, not pass.
        workflowTaskTimeout: '1h',
      });
      expect(handle.eagerlyStarted).toBe(true);
      await handle.signal(approveSignal, 'Grace');
      expect(await handle.result()).toBe('Hello, Eve; approved by Grace; 42; attempt 1');
    });
  });
});
