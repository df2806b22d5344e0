/**
 * What the Temporal UI needs from the service: GetClusterInfo, DescribeTaskQueue (the Workers
 * tab), GetWorkflowExecutionHistoryReverse, and no default values on the wire.
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadServiceDefinitions } from '../src/proto';
import { createLocalEnv } from './helpers/env';
import { createWorker, uniqueTaskQueue } from './helpers/worker';
import { approveSignal, signalTimerActivities } from './workflows';

const { TaskQueueType } = temporal.api.enums.v1;

describe('embedded service: what the Temporal UI calls', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  const namespace = () => env.namespace ?? 'default';

  it('answers GetClusterInfo with its version and stores', async () => {
    const info = await env.connection.workflowService.getClusterInfo({});
    const system = await env.connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBe(system.serverVersion);
    expect(info.clusterName).toBe('embedded');
    expect(info.clusterId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.visibilityStore).toBeTruthy();
  });

  it('lists the workers polling a task queue, per task type, and none on an unpolled queue', async () => {
    const taskQueue = uniqueTaskQueue('ui-pollers');
    const identity = `ui-test-worker-${randomUUID()}`;
    const worker = await createWorker(env, { taskQueue, identity });
    const describe = (name: string, taskQueueType: temporal.api.enums.v1.TaskQueueType) =>
      env.connection.workflowService.describeTaskQueue({ namespace: namespace(), taskQueue: { name }, taskQueueType });
    const before = Date.now();
    await worker.runUntil(async () => {
      // A finished workflow with an activity proves the worker polled both task types.
      const handle = await env.client.workflow.start(signalTimerActivities, {
        taskQueue,
        workflowId: `ui-pollers-${randomUUID()}`,
        args: ['Ada', 10],
      });
      await handle.signal(approveSignal, 'Grace');
      await handle.result();
      for (const type of [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]) {
        const { pollers } = await describe(taskQueue, type);
        const ours = pollers?.find((p) => p.identity === identity);
        expect(ours).toBeDefined();
        const seenAt = Number(ours?.lastAccessTime?.seconds) * 1000;
        expect(seenAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      }
    });
    const unpolled = await describe(uniqueTaskQueue('nobody'), TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
    expect(unpolled.pollers ?? []).toEqual([]);
    await expect(
      env.connection.workflowService.describeTaskQueue({ namespace: namespace(), taskQueue: { name: '' } }),
    ).rejects.toThrow(/TaskQueue is not set/);
  });

  it('pages the history newest first', async () => {
    const taskQueue = uniqueTaskQueue('ui-history');
    const worker = await createWorker(env, { taskQueue });
    const workflowId = `ui-history-${randomUUID()}`;
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(signalTimerActivities, {
        taskQueue,
        workflowId,
        args: ['Ada', 10],
      });
      await handle.signal(approveSignal, 'Grace');
      await handle.result();
    });
    const forward = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const ids = forward.map((e) => Number(e.eventId));
    expect(ids.length).toBeGreaterThan(5);

    const all = await env.connection.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: namespace(),
      execution: { workflowId },
    });
    expect(all.history?.events?.map((e) => Number(e.eventId))).toEqual([...ids].reverse());
    expect(all.nextPageToken?.length ?? 0).toBe(0);

    const paged: number[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await env.connection.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: namespace(),
        execution: { workflowId },
        maximumPageSize: 4,
        ...(nextPageToken && { nextPageToken }),
      });
      expect(page.history?.events?.length).toBeLessThanOrEqual(4);
      paged.push(...(page.history?.events ?? []).map((e) => Number(e.eventId)));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    expect(paged).toEqual([...ids].reverse());
  });

  it('puts no default values on the wire, as a real server (no "Parent Initiated Event ID 0")', () => {
    const { responseSerialize } = loadServiceDefinitions().workflow.GetWorkflowExecutionHistory;
    const event = (attributes: object) => ({
      history: {
        events: [{ eventId: 1, eventType: 1, workflowExecutionStartedEventAttributes: attributes }],
      },
    });
    const bare = { workflowType: { name: 'w' }, attempt: 1 };
    const zeros = {
      ...bare,
      parentInitiatedEventId: 0,
      parentWorkflowNamespace: '',
      continuedExecutionRunId: '',
      initiator: 0,
      cronSchedule: '',
      firstWorkflowTaskBackoff: null,
      taskQueue: { name: 'q', kind: 0 },
    };
    const bareQueue = { ...bare, taskQueue: { name: 'q' } };
    expect(responseSerialize(event(zeros))).toEqual(responseSerialize(event(bareQueue)));
    // Values that are set stay, and so do fields with presence (a message set to empty).
    expect(responseSerialize(event({ ...bareQueue, parentInitiatedEventId: 7 }))).not.toEqual(
      responseSerialize(event(bareQueue)),
    );
    expect(responseSerialize(event({ ...bareQueue, header: {} }))).not.toEqual(responseSerialize(event(bareQueue)));
  });
});
