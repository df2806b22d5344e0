import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from './helpers/env';
import { createWorker, uniqueTaskQueue, workflowBundle } from './helpers/worker';
import * as activities from './activities';
import * as operatorActivities from './operator-activities';
import { activityAcrossReset, countsSignalsDuringTimer, resetCaptures, resettable, resetUnblock } from './workflows';

type EventId = NonNullable<temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId']>;
const { EventType, WorkflowTaskFailedCause, WorkflowExecutionStatus, ResetReapplyType } = temporal.api.enums.v1;

describe('ResetWorkflowExecution', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('reset');
  /** Runs created by resets: replayed at the end (replayAll follows only continue-as-new chains). */
  const resetRuns: { workflowId: string; runId: string }[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await createWorker(env, { taskQueue, activities: { ...activities, ...operatorActivities } });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await running;
      for (const { workflowId, runId } of resetRuns) {
        const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
        await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
      }
    }
    await env?.teardown();
  });

  const namespace = () => env.namespace ?? 'default';

  /** Queries until the workflow has drawn its three numbers (both timers fired). */
  const allCaptures = async (handle: WorkflowHandle<typeof resettable>): Promise<number[]> => {
    for (;;) {
      const captures = await handle.query(resetCaptures);
      if (captures.length === 3) return captures;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /**
   * The WorkflowTaskCompleted of the task that drew the second number and started the second
   * timer: the first task (first number) stays in the new run's history, the second is redone.
   */
  const secondTimerTaskCompletedId = async (handle: WorkflowHandle): Promise<number> => {
    const events = (await handle.fetchHistory()).events ?? [];
    const timer = events.filter((e) => e.timerStartedEventAttributes)[1];
    return Number(timer?.timerStartedEventAttributes?.workflowTaskCompletedEventId);
  };

  /** Signals the workflow and returns the id of the WorkflowTaskCompleted that handled it. */
  const signalAndGetTaskCompletedId = async (handle: WorkflowHandle): Promise<number> => {
    await handle.signal(resetUnblock);
    for (;;) {
      const events = (await handle.fetchHistory()).events ?? [];
      const signaled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
      const completed = events.slice(signaled + 1).find((e) => e.workflowTaskCompletedEventAttributes);
      if (signaled >= 0 && completed) return Number(completed.eventId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const reset = (workflowId: string, runId: string, finishEventId: number, extra: object = {}) =>
    env.client.workflowService.resetWorkflowExecution({
      namespace: namespace(),
      workflowExecution: { workflowId, runId },
      // int64 fields take plain numbers at run time (protobufjs); the generated type says Long.
      workflowTaskFinishEventId: finishEventId as unknown as EventId,
      reason: 'test reset',
      requestId: randomUUID(),
      ...extra,
    });

  it('starts a run from the history prefix, reseeds randomness after the reset point, reapplies signals', async () => {
    const handle = await env.client.workflow.start(resettable, { taskQueue, workflowId: `reset-${randomUUID()}` });
    const [a, b, c] = await allCaptures(handle);
    await handle.signal(resetUnblock);
    expect(await handle.result()).toEqual([a, b, c]);

    const finishEventId = await secondTimerTaskCompletedId(handle);
    const { runId } = await reset(handle.workflowId, handle.firstExecutionRunId, finishEventId);
    resetRuns.push({ workflowId: handle.workflowId, runId: runId ?? '' });
    const resetHandle = env.client.workflow.getHandle<typeof resettable>(handle.workflowId, runId ?? undefined);
    // The signal sent after the reset point is re-applied, so the new run completes by itself.
    const [a2, b2, c2] = await resetHandle.result();
    // Drawn in a task before the reset point: replayed. Later draws use the new run's seed.
    expect(a2).toBe(a);
    expect(b2).not.toBe(b);
    expect(c2).not.toBe(c);

    const events = (await resetHandle.fetchHistory()).events ?? [];
    const failed = events[finishEventId - 1];
    expect(failed.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failed.workflowTaskFailedEventAttributes).toMatchObject({
      cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
      baseRunId: handle.firstExecutionRunId,
      newRunId: runId,
      identity: 'history-service',
    });
    // The request's reason, and no source: the dev server writes the failure so.
    expect(failed.workflowTaskFailedEventAttributes?.failure).toMatchObject({ message: 'test reset', source: '' });
    expect(events[finishEventId].eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  });

  it('terminates the running run; without signal reapply the new run waits for a new signal', async () => {
    const handle = await env.client.workflow.start(resettable, { taskQueue, workflowId: `reset-${randomUUID()}` });
    const [a] = await allCaptures(handle);
    const finishEventId = await secondTimerTaskCompletedId(handle);
    const requestId = randomUUID();
    const extra = { requestId, resetReapplyType: ResetReapplyType.RESET_REAPPLY_TYPE_NONE };
    const { runId } = await reset(handle.workflowId, '', finishEventId, extra);
    // Same request id: same new run, no second reset.
    expect((await reset(handle.workflowId, '', finishEventId, extra)).runId).toBe(runId);
    resetRuns.push({ workflowId: handle.workflowId, runId: runId ?? '' });

    const oldHandle = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const old = await oldHandle.describe();
    expect(old.raw.workflowExecutionInfo?.status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    // Terminated with the request's reason as given, by the server's resetter.
    const terminated = ((await oldHandle.fetchHistory()).events ?? []).pop();
    expect(terminated?.workflowExecutionTerminatedEventAttributes).toMatchObject({
      reason: 'test reset',
      identity: 'history-resetter',
    });

    const resetHandle = env.client.workflow.getHandle<typeof resettable>(handle.workflowId, runId ?? undefined);
    const captures = await allCaptures(resetHandle);
    expect(captures[0]).toBe(a);
    await resetHandle.signal(resetUnblock);
    expect(await resetHandle.result()).toEqual(captures);
  });

  it('carries on a timer the history prefix left running', async () => {
    const handle = await env.client.workflow.start(countsSignalsDuringTimer, {
      taskQueue,
      workflowId: `reset-${randomUUID()}`,
    });
    // The task that handled the signal (the timer is still running then).
    const finishEventId = await signalAndGetTaskCompletedId(handle);
    const { runId } = await reset(handle.workflowId, '', finishEventId, {
      resetReapplyType: ResetReapplyType.RESET_REAPPLY_TYPE_NONE,
    });
    resetRuns.push({ workflowId: handle.workflowId, runId: runId ?? '' });
    const resetHandle = env.client.workflow.getHandle<typeof countsSignalsDuringTimer>(
      handle.workflowId,
      runId ?? undefined,
    );
    // The signal before the reset point is in the prefix; the timer fires in the new run.
    expect(await resetHandle.result()).toBe(1);
    const events = (await resetHandle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(1);
  });

  it('dispatches again an activity the history prefix left scheduled', async () => {
    const handle = await env.client.workflow.start(activityAcrossReset, {
      taskQueue,
      workflowId: `reset-${randomUUID()}`,
    });
    // Reset to the task after the activity started: the prefix holds its ActivityTaskScheduled.
    let described = await handle.describe();
    while (
      described.raw.pendingActivities?.[0]?.state !==
      temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      described = await handle.describe();
    }
    const { runId } = await reset(handle.workflowId, '', await signalAndGetTaskCompletedId(handle));
    resetRuns.push({ workflowId: handle.workflowId, runId: runId ?? '' });
    const resetHandle = env.client.workflow.getHandle<typeof activityAcrossReset>(
      handle.workflowId,
      runId ?? undefined,
    );
    // Dispatched with the input of the prefix's ActivityTaskScheduled (the first run's id).
    expect(await resetHandle.result()).toBe('ran in another run');
  });

  it('answers NOT_FOUND and INVALID_ARGUMENT on bad requests', async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (err: { code?: number }) => err.code,
      );
    expect(await codeOf(reset('no-such-workflow', '', 3))).toBe(status.NOT_FOUND);
    expect(await codeOf(reset('', '', 3))).toBe(status.INVALID_ARGUMENT);

    const handle = await env.client.workflow.start(resettable, { taskQueue, workflowId: `reset-${randomUUID()}` });
    await allCaptures(handle);
    // Event 1 is WorkflowExecutionStarted, not the end of a workflow task; 10_000 does not exist.
    expect(await codeOf(reset(handle.workflowId, '', 1))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(reset(handle.workflowId, '', 10_000))).toBe(status.INVALID_ARGUMENT);
    await handle.terminate();
  });
});
