/** ResetWorkflowExecution to a point where a child workflow is in flight (allowed, as on a server). */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from './helpers/env';
import { createWorker, replayAll, uniqueTaskQueue } from './helpers/worker';
import { parentOfPingedChild, pingSignal } from './workflows';

type EventId = NonNullable<temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId']>;
const { EventType, WorkflowExecutionStatus } = temporal.api.enums.v1;

describe('ResetWorkflowExecution with a child in flight', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('reset-children');
  const started: { workflowId: string }[] = [];

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

  const namespace = () => env.namespace ?? 'default';

  /** Long-polls the run's history until an event of `type` is in it; returns that event. */
  const waitForEvent = async (workflowId: string, runId: string, type: number) => {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    for (let nextPageToken: Uint8Array | undefined = undefined; ;) {
      const page: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse =
        await env.client.workflowService.getWorkflowExecutionHistory({
          namespace: namespace(),
          execution: { workflowId, runId },
          waitNewEvent: true,
          nextPageToken,
        });
      events.push(...(page.history?.events ?? []));
      const found = events.find((e) => e.eventType === type);
      if (found) return found;
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    }
  };

  /** Starts the parent and returns the WorkflowTaskCompleted that started its timer (child in flight). */
  const startParent = async () => {
    const workflowId = `reset-parent-${randomUUID()}`;
    const childId = `${workflowId}-child`;
    const handle = await env.client.workflow.start(parentOfPingedChild, { taskQueue, workflowId, args: [childId] });
    started.push({ workflowId });
    const timer = await waitForEvent(workflowId, handle.firstExecutionRunId, EventType.EVENT_TYPE_TIMER_STARTED);
    const resetPoint = Number(timer.timerStartedEventAttributes?.workflowTaskCompletedEventId);
    return { workflowId, childId, handle, resetPoint };
  };

  const reset = async (workflowId: string, runId: string, finishEventId: number) => {
    const { runId: newRunId } = await env.client.workflowService.resetWorkflowExecution({
      namespace: namespace(),
      workflowExecution: { workflowId, runId },
      // int64 fields take plain numbers at run time (protobufjs); the generated type says Long.
      workflowTaskFinishEventId: finishEventId as unknown as EventId,
      reason: 'test reset',
      requestId: randomUUID(),
    });
    return newRunId ?? '';
  };

  it('copies the completion of a child that closed after the reset point into the new run', async () => {
    const { workflowId, childId, handle, resetPoint } = await startParent();
    await env.client.workflow.getHandle(childId).signal(pingSignal, 'tester');
    const expected = `pinged by tester; parent ${workflowId}`;
    expect(await handle.result()).toBe(expected);

    const newRunId = await reset(workflowId, handle.firstExecutionRunId, resetPoint);
    const newRun = env.client.workflow.getHandle(workflowId, newRunId);
    expect(await newRun.result()).toBe(expected);
    const events = (await newRun.fetchHistory()).events ?? [];
    const failedAt = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    const completedAt = events.findIndex(
      (e) => e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
    );
    expect(failedAt).toBeGreaterThan(0);
    expect(completedAt).toBeGreaterThan(failedAt);
    started.push({ workflowId });
  });

  it('lets a child still running at reset time report to the new run', async () => {
    const { workflowId, childId, handle, resetPoint } = await startParent();
    const newRunId = await reset(workflowId, handle.firstExecutionRunId, resetPoint);
    const baseRun = env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
    expect((await baseRun.describe()).raw.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
    );
    // The base run's termination did not apply its parent close policy to the moved child.
    const child = env.client.workflow.getHandle(childId);
    expect((await child.describe()).raw.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    );
    await child.signal(pingSignal, 'tester');
    const newRun = env.client.workflow.getHandle(workflowId, newRunId);
    expect(await newRun.result()).toBe(`pinged by tester; parent ${workflowId}`);
    const description = await newRun.describe();
    expect(description.raw.pendingChildren).toEqual([]);
  });
});
