/**
 * ShutdownWorker: the stopping worker's polls are answered at once and it is never handed a
 * task again, so a task that becomes ready while it stops goes to another worker.
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { createLocalEnv } from './helpers/env';
import { createWorker, replayAll, uniqueTaskQueue } from './helpers/worker';
import { timerDuringWorkerShutdown } from './workflows';

const { EventType, TaskQueueType } = temporal.api.enums.v1;
const namespace = 'default';

describe('worker shutdown', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const service = () => env.client.workflowService;
  const pollAs = (workerInstanceKey: string, taskQueue: string) =>
    service().pollWorkflowTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      identity: 'shared-identity',
      workerInstanceKey,
    });

  it('tells the SDK that ShutdownWorker completes outstanding polls', async () => {
    const { namespaceInfo } = await service().describeNamespace({ namespace });
    expect(namespaceInfo?.capabilities?.workerPollCompleteOnShutdown).toBe(true);
  });

  it('answers the stopping worker’s polls empty and hands the task to another worker', async () => {
    const taskQueue = uniqueTaskQueue('shutdown');
    const stopping = pollAs('stopping-worker', taskQueue);
    const activityPoll = service().pollActivityTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      identity: 'shared-identity',
      workerInstanceKey: 'stopping-worker',
    });
    await service().shutdownWorker({
      namespace,
      identity: 'shared-identity',
      workerInstanceKey: 'stopping-worker',
      taskQueue,
      taskQueueTypes: [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
    });
    expect((await stopping).taskToken ?? new Uint8Array()).toHaveLength(0);
    expect((await activityPoll).taskToken ?? new Uint8Array()).toHaveLength(0);

    await service().startWorkflowExecution({
      namespace,
      workflowId: `raw-${randomUUID()}`,
      workflowType: { name: 'raw' },
      taskQueue: { name: taskQueue },
      requestId: randomUUID(),
    });
    // A poll it sends after its shutdown (a race in the SDK) is answered empty although a task is waiting.
    expect((await pollAs('stopping-worker', taskQueue)).taskToken ?? new Uint8Array()).toHaveLength(0);
    const live = await pollAs('live-worker', taskQueue);
    expect(live.taskToken?.length).toBeGreaterThan(0);
  });

  it('moves a task that becomes ready while a worker stops to another worker, and lets its activity finish', async () => {
    const taskQueue = uniqueTaskQueue('shutdown');
    const workflowId = `timer-during-shutdown-${randomUUID()}`;
    let stopping: Awaited<ReturnType<typeof createWorker>> | undefined = undefined;
    const timerFired = async (): Promise<void> => {
      // Long-polls the history until the timer has fired.
      for (let nextPageToken: Uint8Array | undefined = undefined; ;) {
        const page: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse =
          await service().getWorkflowExecutionHistory({
            namespace,
            execution: { workflowId },
            waitNewEvent: true,
            nextPageToken,
          });
        if (page.history?.events?.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED)) return;
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      }
    };
    stopping = await createWorker(env, {
      taskQueue,
      identity: 'stopping',
      activities: {
        // Stops its own worker, then finishes only after the timer has fired: the worker is
        // shutting down gracefully while the timer's workflow task is scheduled.
        stopOwnWorker: async () => {
          stopping?.shutdown();
          await timerFired();
          return 'finished while stopping';
        },
      },
    });
    // Core allows one worker per task queue and connection: the other worker is another process's.
    const liveConnection = await NativeConnection.connect({ address: env.address });
    try {
      const live = await createWorker(env, {
        connection: liveConnection,
        taskQueue,
        identity: 'live',
        activities: {},
      });
      const stoppingRun = stopping.run();
      const result = await live.runUntil(async () => {
        const handle = await env.client.workflow.start(timerDuringWorkerShutdown, {
          taskQueue,
          workflowId,
          args: [300],
        });
        return handle.result();
      });
      await stoppingRun;
      expect(result).toBe('finished while stopping');
    } finally {
      await liveConnection.close();
    }

    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const fired = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    expect(fired).toBeGreaterThan(0);
    expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)).toBe(false);
    const laterTaskIdentities = events
      .slice(fired)
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
      .map((e) => e.workflowTaskStartedEventAttributes?.identity);
    expect(laterTaskIdentities.length).toBeGreaterThan(0);
    expect(new Set(laterTaskIdentities)).toEqual(new Set(['live']));
    await replayAll(env.client, [{ workflowId }]);
  });
});
