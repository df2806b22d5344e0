/**
 * Server-side payload limits: an activity input over `limit.blobSize.error` is refused as the
 * server refuses it (the task fails with BadScheduleActivityAttributes and the run is
 * terminated, since a retry would replay the same input), at the wire level.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from './helpers/env';

const { CommandType, EventType, WorkflowExecutionStatus, WorkflowTaskFailedCause } = temporal.api.enums.v1;
const namespace = 'default';
const ERROR_LIMIT = 10 * 1024;
const WARN_LIMIT = 2 * 1024;
const REASON = 'BadScheduleActivityAttributes: ScheduleActivityTaskCommandAttributes.Input exceeds size limit.';

const scheduleActivity = (inputBytes: number) => ({
  commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
  scheduleActivityTaskCommandAttributes: {
    activityId: '1',
    activityType: { name: 'echo' },
    startToCloseTimeout: msToTs('10s'),
    input: { payloads: [{ metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.alloc(inputBytes, 1) }] },
  },
});

describe('payload limits', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv({}, [
      '--dynamic-config-value',
      `limit.blobSize.error=${ERROR_LIMIT}`,
      '--dynamic-config-value',
      `limit.blobSize.warn=${WARN_LIMIT}`,
    ]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const service = () => env.client.workflowService;
  const startAndPoll = async () => {
    const taskQueue = `q-${randomUUID()}`;
    const workflowId = `limits-${randomUUID()}`;
    const { runId } = await service().startWorkflowExecution({
      namespace,
      workflowId,
      workflowType: { name: 'raw' },
      taskQueue: { name: taskQueue },
      requestId: randomUUID(),
    });
    const task = await service().pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'w' });
    return { execution: { workflowId, runId }, task };
  };
  const history = async (execution: { workflowId: string; runId?: string | null }) =>
    (await service().getWorkflowExecutionHistory({ namespace, execution })).history?.events ?? [];

  it('terminates the run when an activity input exceeds the error limit', async () => {
    const { execution, task } = await startAndPoll();
    await expect(
      service().respondWorkflowTaskCompleted({
        namespace,
        taskToken: task.taskToken,
        identity: 'w',
        commands: [scheduleActivity(ERROR_LIMIT + 1024)],
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: REASON });

    const events = await history(execution);
    expect(events.map((e) => e.eventType)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    ]);
    const failed = events[3].workflowTaskFailedEventAttributes;
    expect(failed?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
    expect(failed?.failure?.message).toBe(REASON);
    expect(events[4].workflowExecutionTerminatedEventAttributes).toMatchObject({
      reason: REASON,
      identity: 'history-service',
    });
    const described = await service().describeWorkflowExecution({ namespace, execution });
    expect(described.workflowExecutionInfo?.status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  });

  it('schedules an activity whose input is over the warn limit but within the error limit', async () => {
    const { execution, task } = await startAndPoll();
    await service().respondWorkflowTaskCompleted({
      namespace,
      taskToken: task.taskToken,
      commands: [scheduleActivity(ERROR_LIMIT - 1024)],
    });
    const events = await history(execution);
    expect(events.map((e) => e.eventType).slice(3)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    ]);
    await service().terminateWorkflowExecution({ namespace, workflowExecution: execution });
  });
});
