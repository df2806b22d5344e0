import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from './helpers/env';
import * as operatorActivities from './operator-activities';
import { createWorker, replayAll, type StartedWorkflow, uniqueTaskQueue } from './helpers/worker';
import { operatorTarget, resetTarget } from './workflows';

const { PendingActivityState } = temporal.api.enums.v1;

describe('activity operator APIs (pause, unpause, reset)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('activity-operator');
  const started: StartedWorkflow[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await createWorker(env, { taskQueue, activities: operatorActivities });
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

  const start = async <A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A) => {
    const handle = await env.client.workflow.start(workflow, { taskQueue, workflowId: `op-${randomUUID()}`, args });
    started.push(handle);
    return handle;
  };

  /** Re-describes the workflow until its only pending activity satisfies `accept`. */
  const pendingActivityOf = async (
    workflowId: string,
    accept: (a: temporal.api.workflow.v1.IPendingActivityInfo) => boolean,
  ): Promise<temporal.api.workflow.v1.IPendingActivityInfo> => {
    for (;;) {
      const { raw } = await env.client.workflow.getHandle(workflowId).describe();
      const pending = raw.pendingActivities?.[0];
      if (pending && accept(pending)) return pending;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('tells a paused attempt through its heartbeat response (cancellation details: paused)', async () => {
    const handle = await start(operatorTarget, { pause: true });
    expect(await handle.result()).toMatchObject({ paused: true, reset: false, cancelRequested: false });
  });

  it('schedules no retry while paused, shows it in describe, and retries once unpaused', async () => {
    const handle = await start(operatorTarget, { pause: true, rethrow: true });
    const paused = await pendingActivityOf(
      handle.workflowId,
      (a) => a.state === PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED,
    );
    expect(paused).toMatchObject({ paused: true, attempt: 2, activityId: '1' });
    // The worker reports the interrupted attempt as failed: that is the failure the retry follows.
    expect(paused.lastFailure?.message).toMatch(/paused/i);

    await env.client.workflowService.unpauseActivity({
      namespace: env.namespace ?? 'default',
      execution: { workflowId: handle.workflowId },
      id: '1',
    });
    expect(await handle.result()).toBe(2);
  });

  it('tells a reset attempt through its heartbeat response; pause and reset together report both', async () => {
    expect(await (await start(operatorTarget, { reset: true })).result()).toMatchObject({
      paused: false,
      reset: true,
    });
    expect(await (await start(operatorTarget, { pause: true, reset: true })).result()).toMatchObject({
      paused: true,
      reset: true,
    });
  });

  it('restarts the attempt count at 1 after a reset, keeping heartbeat details', async () => {
    const handle = await start(resetTarget);
    // Attempts 1-3 fail or are reset; the reset makes the next attempt number 2 again.
    expect(await handle.result()).toEqual([1, 2, 3, 2]);
  });

  it('answers NOT_FOUND and INVALID_ARGUMENT on bad requests', async () => {
    const service = env.client.workflowService;
    const namespace = env.namespace ?? 'default';
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (err: { code?: number }) => err.code,
      );

    expect(
      await codeOf(service.pauseActivity({ namespace, execution: { workflowId: 'no-such-workflow' }, id: '1' })),
    ).toBe(status.NOT_FOUND);
    expect(await codeOf(service.pauseActivity({ namespace, execution: { workflowId: 'x' } }))).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await codeOf(service.resetActivity({ namespace, id: '1' }))).toBe(status.INVALID_ARGUMENT);

    const handle = await start(operatorTarget, { pause: true });
    await handle.result();
    expect(
      await codeOf(service.unpauseActivity({ namespace, execution: { workflowId: handle.workflowId }, id: '1' })),
    ).toBe(status.NOT_FOUND);
  });
});
