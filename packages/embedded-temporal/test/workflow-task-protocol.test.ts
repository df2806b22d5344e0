/**
 * The workflow task protocol at the wire level, playing the worker by hand: buffering and
 * UnhandledCommand, stale tokens, the `queries` map and legacy query tasks, sticky queues,
 * speculative tasks for updates, worker version stamps, poll timeouts.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from './helpers/env';

const {
  CommandType,
  EventType,
  QueryResultType,
  TaskQueueKind,
  TimeoutType,
  UpdateWorkflowExecutionLifecycleStage: Stage,
  WorkerVersioningMode,
  WorkflowIdConflictPolicy,
  WorkflowTaskFailedCause,
} = temporal.api.enums.v1;
const namespace = 'default';
const payload = (value: unknown) => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});
const complete = {
  commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  completeWorkflowExecutionCommandAttributes: {},
};

describe('workflow task protocol', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const service = () => env.client.workflowService;
  const start = async (taskQueue: string) => {
    const workflowId = `raw-${randomUUID()}`;
    const { runId } = await service().startWorkflowExecution({
      namespace,
      workflowId,
      workflowType: { name: 'raw' },
      taskQueue: { name: taskQueue },
      requestId: randomUUID(),
    });
    return { workflowId, runId: runId ?? '' };
  };
  const poll = (taskQueue: string) =>
    service().pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'test' });
  const types = (task: temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse) =>
    (task.history?.events ?? []).map((e) => e.eventType);

  it('holds events that arrive during a started task and refuses to close over them', async () => {
    const taskQueue = `q-${randomUUID()}`;
    const execution = await start(taskQueue);
    const first = await poll(taskQueue);
    expect(Number(first.startedEventId)).toBe(3);
    await service().signalWorkflowExecution({ namespace, workflowExecution: execution, signalName: 'late' });
    // The held signal is invisible until the task finishes.
    const during = await service().getWorkflowExecutionHistory({ namespace, execution });
    expect(during.history?.events).toHaveLength(3);
    await expect(
      service().respondWorkflowTaskCompleted({ namespace, taskToken: first.taskToken, commands: [complete] }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: 'UnhandledCommand' });
    const second = await poll(taskQueue);
    expect(types(second)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    expect(second.history?.events?.[3].workflowTaskFailedEventAttributes?.cause).toBe(
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    );
    expect(second.attempt).toBe(1);
    expect(Number(second.previousStartedEventId)).toBe(0);
    // The first task's token is stale now.
    await expect(
      service().respondWorkflowTaskCompleted({ namespace, taskToken: first.taskToken, commands: [complete] }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
    await service().respondWorkflowTaskCompleted({ namespace, taskToken: second.taskToken, commands: [complete] });
    const closed = await service().getWorkflowExecutionHistory({ namespace, execution });
    const last = closed.history?.events?.at(-1);
    expect(last?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    expect(Number(last?.eventId)).toBe(9);
  });

  it('rejects a closing command that is not the last one', async () => {
    const taskQueue = `q-${randomUUID()}`;
    await start(taskQueue);
    const task = await poll(taskQueue);
    const timer = {
      commandType: CommandType.COMMAND_TYPE_START_TIMER,
      startTimerCommandAttributes: { timerId: '1', startToFireTimeout: msToTs(60_000) },
    };
    await expect(
      service().respondWorkflowTaskCompleted({ namespace, taskToken: task.taskToken, commands: [complete, timer] }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('answers a query through the queries map of a scheduled task, then through a legacy query task', async () => {
    const taskQueue = `q-${randomUUID()}`;
    const execution = await start(taskQueue);
    const query = { queryType: 'state' };
    const timer = (timerId: string) => ({
      commandType: CommandType.COMMAND_TYPE_START_TIMER,
      startTimerCommandAttributes: { timerId, startToFireTimeout: msToTs(3_600_000) },
    });
    const first = await poll(taskQueue);
    await service().respondWorkflowTaskCompleted({ namespace, taskToken: first.taskToken, commands: [timer('1')] });
    // A signal schedules a task; no worker has polled it yet, so the query rides along with it.
    // (Both calls share one HTTP/2 connection, so the service sees the query before the poll.)
    await service().signalWorkflowExecution({ namespace, workflowExecution: execution, signalName: 'wake' });
    const viaMap = service().queryWorkflow({ namespace, execution, query });
    const task = await poll(taskQueue);
    const [queryId] = Object.keys(task.queries ?? {});
    expect(task.queries?.[queryId]?.queryType).toBe('state');
    expect(task.query).toBeFalsy();
    await service().respondWorkflowTaskCompleted({
      namespace,
      taskToken: task.taskToken,
      commands: [timer('2')],
      queryResults: {
        [queryId]: { resultType: QueryResultType.QUERY_RESULT_TYPE_ANSWERED, answer: { payloads: [payload('map')] } },
      },
    });
    const answered = await viaMap;
    expect(Buffer.from(answered.queryResult?.payloads?.[0]?.data ?? []).toString()).toBe('"map"');

    // Nothing pending now: a legacy query task with the full history.
    const viaTask = service()
      .queryWorkflow({ namespace, execution, query })
      .catch((err: unknown) => err);
    const queryTask = await poll(taskQueue);
    expect(queryTask.query?.queryType).toBe('state');
    expect(Number(queryTask.previousStartedEventId)).toBe(8);
    expect(queryTask.history?.events?.length).toBe(10);
    await service().respondQueryTaskCompleted({
      namespace,
      taskToken: queryTask.taskToken,
      completedType: QueryResultType.QUERY_RESULT_TYPE_FAILED,
      errorMessage: 'exact worker text',
    });
    expect(await viaTask).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'exact worker text' });
  });

  it('hands an activity back eagerly when the completion asks for it', async () => {
    const taskQueue = `q-${randomUUID()}`;
    await start(taskQueue);
    const task = await poll(taskQueue);
    const schedule = (activityId: string, requestEagerExecution: boolean) => ({
      commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
      scheduleActivityTaskCommandAttributes: {
        activityId,
        activityType: { name: 'work' },
        taskQueue: { name: taskQueue },
        startToCloseTimeout: msToTs(60_000),
        requestEagerExecution,
      },
    });
    const response = await service().respondWorkflowTaskCompleted({
      namespace,
      taskToken: task.taskToken,
      commands: [schedule('eager', true), schedule('queued', false)],
    });
    expect(response.activityTasks?.map((t) => t.activityId)).toEqual(['eager']);
    const queued = await service().pollActivityTaskQueue({ namespace, taskQueue: { name: taskQueue } });
    expect(queued.activityId).toBe('queued');
  });

  describe('sticky queues', () => {
    const stickyCompletion = (
      taskToken: Uint8Array | null | undefined,
      stickyQueue: string,
      scheduleToStartMs: number,
    ) =>
      service().respondWorkflowTaskCompleted({
        namespace,
        taskToken,
        commands: [
          {
            commandType: CommandType.COMMAND_TYPE_START_TIMER,
            startTimerCommandAttributes: { timerId: randomUUID(), startToFireTimeout: msToTs(3_600_000) },
          },
        ],
        stickyAttributes: {
          workerTaskQueue: { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: 'n/a' },
          scheduleToStartTimeout: msToTs(scheduleToStartMs),
        },
      });
    const pollSticky = (stickyQueue: string) =>
      service().pollWorkflowTaskQueue({
        namespace,
        taskQueue: { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY },
        identity: 'sticky-worker',
      });

    /** Completes a new run's first task asking for `stickyQueue`, then signals it: a second task is due. */
    const signalAfterStickyCompletion = async (taskQueue: string, stickyQueue: string, scheduleToStartMs: number) => {
      const execution = await start(taskQueue);
      const first = await poll(taskQueue);
      await stickyCompletion(first.taskToken, stickyQueue, scheduleToStartMs);
      await service().signalWorkflowExecution({ namespace, workflowExecution: execution, signalName: 'next' });
    };

    it('sends the next task to the sticky queue with the events since the last completed task', async () => {
      const taskQueue = `q-${randomUUID()}`;
      const stickyQueue = `sticky-${randomUUID()}`;
      await signalAfterStickyCompletion(taskQueue, stickyQueue, 60_000);
      const second = await pollSticky(stickyQueue);
      expect(Number(second.previousStartedEventId)).toBe(3);
      expect(second.history?.events?.map((e) => Number(e.eventId))).toEqual([4, 5, 6, 7, 8]);
      // WorkflowTaskScheduled names the sticky queue it was scheduled on, as the server writes it.
      const scheduled = second.history?.events?.find((e) => Number(e.eventId) === 7);
      expect(scheduled?.workflowTaskScheduledEventAttributes?.taskQueue).toMatchObject({
        name: stickyQueue,
        kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY,
        normalName: taskQueue,
      });
      expect(second.workflowExecutionTaskQueue).toMatchObject({ name: taskQueue });
    });

    it('times the task out when the sticky worker does not take it, then schedules it on the normal queue', async () => {
      const taskQueue = `q-${randomUUID()}`;
      await signalAfterStickyCompletion(taskQueue, `sticky-${randomUUID()}`, 200);
      const second = await poll(taskQueue);
      expect(second.history?.events?.[0].eventId?.toString()).toBe('1');
      expect(types(second).slice(6)).toEqual([
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      ]);
      const [timedOut, rescheduled] = second.history?.events?.slice(7, 9) ?? [];
      expect(timedOut.workflowTaskTimedOutEventAttributes).toMatchObject({
        timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
      });
      expect(Number(timedOut.workflowTaskTimedOutEventAttributes?.scheduledEventId)).toBe(7);
      expect(rescheduled.workflowTaskScheduledEventAttributes?.taskQueue).toMatchObject({
        name: taskQueue,
        kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
      });
      // Not the workflow's failure: the attempt is not counted.
      expect(second.attempt).toBe(1);
      expect(Number(second.startedEventId)).toBe(10);
    });

    it('moves tasks off the sticky queue of a worker that shuts down', async () => {
      const taskQueue = `q-${randomUUID()}`;
      const stickyQueue = `sticky-${randomUUID()}`;
      await signalAfterStickyCompletion(taskQueue, stickyQueue, 60_000);
      await service().shutdownWorker({ namespace, stickyTaskQueue: stickyQueue, identity: 'sticky-worker' });
      const second = await poll(taskQueue);
      expect(second.history?.events).toHaveLength(8);
    });
  });

  describe('tasks for updates', () => {
    const updateCodec = temporal.api.update.v1;
    const updateRequest = (updateId: string) => ({
      namespace,
      waitPolicy: { lifecycleStage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
      request: { meta: { updateId, identity: 'test' }, input: { name: 'u' } },
    });
    const rejection = (updateId: string, sequencingEventId: number) => ({
      id: `${updateId}/rejection`,
      protocolInstanceId: updateId,
      body: {
        type_url: 'type.googleapis.com/temporal.api.update.v1.Rejection',
        value: updateCodec.Rejection.encode({
          rejectedRequestMessageId: `${updateId}/request`,
          rejectedRequestSequencingEventId: Long.fromNumber(sequencingEventId),
          failure: { message: 'rejected by the test' },
        }).finish(),
      },
    });
    const historyOf = async (execution: { workflowId: string; runId: string }) =>
      (await service().getWorkflowExecutionHistory({ namespace, execution })).history?.events ?? [];

    /** A run whose first task completed with `commands`, then an update sent to it and its task polled. */
    const updateAfterFirstTask = async (commands: temporal.api.command.v1.ICommand[]) => {
      const taskQueue = `q-${randomUUID()}`;
      const execution = await start(taskQueue);
      const first = await poll(taskQueue);
      await service().respondWorkflowTaskCompleted({ namespace, taskToken: first.taskToken, commands });
      const updateId = randomUUID();
      // One connection for both calls: the service admits the update before it sees the poll.
      const update = service().updateWorkflowExecution({
        ...updateRequest(updateId),
        workflowExecution: execution,
      });
      const task = await poll(taskQueue);
      return { taskQueue, execution, updateId, update, task };
    };

    it('gives the first task of an update-with-start the update, even when a poller is waiting', async () => {
      const taskQueue = `q-${randomUUID()}`;
      const workflowId = `raw-${randomUUID()}`;
      const updateId = randomUUID();
      // One connection: the poll waits at the service before the update-with-start reaches it.
      const firstTask = poll(taskQueue);
      const multi = service().executeMultiOperation({
        namespace,
        operations: [
          {
            startWorkflow: {
              namespace,
              workflowId,
              workflowType: { name: 'raw' },
              taskQueue: { name: taskQueue },
              requestId: randomUUID(),
              workflowIdConflictPolicy: WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
            },
          },
          { updateWorkflow: { ...updateRequest(updateId), workflowExecution: { workflowId } } },
        ],
      });
      const first = await firstTask;
      expect(Number(first.startedEventId)).toBe(3);
      expect(first.messages?.map((m) => m.protocolInstanceId)).toEqual([updateId]);
      await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: first.taskToken,
        messages: [rejection(updateId, 2)],
      });
      const [, updated] = (await multi).responses ?? [];
      expect(updated?.updateWorkflow?.outcome?.failure?.message).toBe('rejected by the test');
    });

    it('drops the task of an update the workflow rejects: no events, ids reused', async () => {
      const { taskQueue, execution, updateId, update, task } = await updateAfterFirstTask([]);
      // The worker sees the task's scheduled and started events; history does not.
      expect(Number(task.startedEventId)).toBe(6);
      expect(types(task).slice(-2)).toEqual([
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      ]);
      expect(task.messages?.[0]?.protocolInstanceId).toBe(updateId);
      expect(await historyOf(execution)).toHaveLength(4);
      const described = await service().describeWorkflowExecution({ namespace, execution });
      expect(Number(described.workflowExecutionInfo?.historyLength)).toBe(4);

      const response = await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: task.taskToken,
        messages: [rejection(updateId, 5)],
      });
      // The worker rolls back to the last task that was written.
      expect(Number(response.resetHistoryEventId)).toBe(3);
      expect((await update).outcome?.failure?.message).toBe('rejected by the test');
      expect(await historyOf(execution)).toHaveLength(4);

      // The next task takes the ids the dropped one had.
      await service().signalWorkflowExecution({ namespace, workflowExecution: execution, signalName: 'next' });
      const next = await poll(taskQueue);
      expect(types(next).slice(4)).toEqual([
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      ]);
      expect(Number(next.startedEventId)).toBe(7);
      expect(Number(next.previousStartedEventId)).toBe(3);
    });

    it('writes the task when the workflow accepts the update', async () => {
      const { execution, updateId, update, task } = await updateAfterFirstTask([]);
      const acceptance = {
        id: `${updateId}/accept`,
        protocolInstanceId: updateId,
        body: {
          type_url: 'type.googleapis.com/temporal.api.update.v1.Acceptance',
          value: updateCodec.Acceptance.encode({
            acceptedRequestMessageId: `${updateId}/request`,
            acceptedRequestSequencingEventId: Long.fromNumber(5),
          }).finish(),
        },
      };
      const response = {
        id: `${updateId}/response`,
        protocolInstanceId: updateId,
        body: {
          type_url: 'type.googleapis.com/temporal.api.update.v1.Response',
          value: updateCodec.Response.encode({
            meta: { updateId },
            outcome: { success: { payloads: [payload('done')] } },
          }).finish(),
        },
      };
      const protocolCommand = (messageId: string) => ({
        commandType: CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE,
        protocolMessageCommandAttributes: { messageId },
      });
      const completed = await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: task.taskToken,
        commands: [protocolCommand(acceptance.id), protocolCommand(response.id)],
        messages: [acceptance, response],
      });
      expect(Number(completed.resetHistoryEventId ?? 0)).toBe(0);
      expect((await update).outcome?.success?.payloads).toHaveLength(1);
      const events = await historyOf(execution);
      expect(events.slice(4).map((e) => [Number(e.eventId), e.eventType])).toEqual([
        [5, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED],
        [6, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED],
        [7, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED],
        [8, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED],
        [9, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED],
      ]);
    });

    it('writes the task when a signal arrives while it is scheduled', async () => {
      const taskQueue = `q-${randomUUID()}`;
      const execution = await start(taskQueue);
      const first = await poll(taskQueue);
      await service().respondWorkflowTaskCompleted({ namespace, taskToken: first.taskToken, commands: [] });
      const updateId = randomUUID();
      const update = service().updateWorkflowExecution({ ...updateRequest(updateId), workflowExecution: execution });
      await service().signalWorkflowExecution({ namespace, workflowExecution: execution, signalName: 'meanwhile' });
      const task = await poll(taskQueue);
      expect(types(task).slice(4)).toEqual([
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      ]);
      expect(await historyOf(execution)).toHaveLength(7);
      await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: task.taskToken,
        messages: [rejection(updateId, 6)],
      });
      await update;
      const events = await historyOf(execution);
      expect(events.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      expect(Number(events.at(-1)?.workflowTaskCompletedEventAttributes?.startedEventId)).toBe(7);
    });

    it('keeps a rejected update task that shipped new events, unless the worker accepts them again', async () => {
      const timer = {
        commandType: CommandType.COMMAND_TYPE_START_TIMER,
        startTimerCommandAttributes: { timerId: '1', startToFireTimeout: msToTs(3_600_000) },
      };
      // The TimerStarted after the first task reached the worker only in the update's task.
      const kept = await updateAfterFirstTask([timer]);
      await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: kept.task.taskToken,
        messages: [rejection(kept.updateId, 6)],
      });
      await kept.update;
      expect((await historyOf(kept.execution)).map((e) => e.eventType).slice(5)).toEqual([
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      ]);

      const dropped = await updateAfterFirstTask([timer]);
      const response = await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: dropped.task.taskToken,
        messages: [rejection(dropped.updateId, 6)],
        capabilities: { discardSpeculativeWorkflowTaskWithEvents: true },
      });
      await dropped.update;
      expect(Number(response.resetHistoryEventId)).toBe(3);
      expect(await historyOf(dropped.execution)).toHaveLength(5);
    });
  });

  describe('worker version stamps', () => {
    it("records the poller's build id on WorkflowTaskStarted, and none for a deployment worker", async () => {
      const taskQueue = `q-${randomUUID()}`;
      await start(taskQueue);
      const stamped = await service().pollWorkflowTaskQueue({
        namespace,
        taskQueue: { name: taskQueue },
        workerVersionCapabilities: { buildId: 'build-1' },
      });
      expect(stamped.history?.events?.at(-1)?.workflowTaskStartedEventAttributes?.workerVersion).toMatchObject({
        buildId: 'build-1',
        useVersioning: false,
      });

      const otherQueue = `q-${randomUUID()}`;
      await start(otherQueue);
      const deployment = await service().pollWorkflowTaskQueue({
        namespace,
        taskQueue: { name: otherQueue },
        workerVersionCapabilities: { buildId: 'build-1' },
        deploymentOptions: {
          deploymentName: 'deployment',
          buildId: 'build-1',
          workerVersioningMode: WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED,
        },
      });
      expect(deployment.history?.events?.at(-1)?.workflowTaskStartedEventAttributes?.workerVersion).toBeFalsy();
    });

    it("records the completing worker's stamp on ActivityTaskStarted", async () => {
      const taskQueue = `q-${randomUUID()}`;
      const execution = await start(taskQueue);
      const task = await poll(taskQueue);
      await service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: task.taskToken,
        commands: [
          {
            commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
            scheduleActivityTaskCommandAttributes: {
              activityId: 'a',
              activityType: { name: 'work' },
              taskQueue: { name: taskQueue },
              startToCloseTimeout: msToTs(60_000),
            },
          },
        ],
      });
      const activity = await service().pollActivityTaskQueue({ namespace, taskQueue: { name: taskQueue } });
      await service().respondActivityTaskCompleted({
        namespace,
        taskToken: activity.taskToken,
        workerVersion: { buildId: 'build-2' },
      });
      const { history } = await service().getWorkflowExecutionHistory({ namespace, execution });
      const started = history?.events?.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
      expect(started?.activityTaskStartedEventAttributes?.workerVersion).toMatchObject({ buildId: 'build-2' });
    });
  });

  it('answers an idle poll with an empty response before the caller deadline', async () => {
    const response = await env.connection.withDeadline(Date.now() + 2_000, () => poll(`idle-${randomUUID()}`));
    expect(response.taskToken?.length ?? 0).toBe(0);
  });
});
