/**
 * The workflow task protocol at the wire level, playing the worker by hand: buffering and
 * UnhandledCommand, stale tokens, the `queries` map and legacy query tasks, poll timeouts.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from './helpers/env';

const { CommandType, EventType, QueryResultType, TaskQueueKind, WorkflowTaskFailedCause } = temporal.api.enums.v1;
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
    });

    it('falls back to the normal queue with full history when the sticky worker does not take the task', async () => {
      const taskQueue = `q-${randomUUID()}`;
      await signalAfterStickyCompletion(taskQueue, `sticky-${randomUUID()}`, 200);
      const second = await poll(taskQueue);
      expect(second.history?.events?.[0].eventId?.toString()).toBe('1');
      expect(Number(second.startedEventId)).toBe(8);
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

  it('answers an idle poll with an empty response before the caller deadline', async () => {
    const response = await env.connection.withDeadline(Date.now() + 2_000, () => poll(`idle-${randomUUID()}`));
    expect(response.taskToken?.length ?? 0).toBe(0);
  });
});
