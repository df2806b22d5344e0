/**
 * What DescribeWorkflowExecution and the listing show of a run. Each entity maps itself
 * (state/activity.ts, state/child.ts, state/workflow-task.ts); this puts the pieces together.
 */
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import { i64 } from './proto';
import { describeActivity } from './state/activity';
import { describeChild } from './state/child';
import { describeWorkflowTask } from './state/workflow-task';
import type { WorkflowRun } from './state/workflow-run';
import { duration, optionalDuration, timestamp } from './time';

const { TaskQueueKind } = enums;

export function describeRun(run: WorkflowRun): temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse {
  return {
    executionConfig: {
      taskQueue: { name: run.config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: optionalDuration(run.config.workflowExecutionTimeoutMs),
      workflowRunTimeout: optionalDuration(run.config.workflowRunTimeoutMs),
      defaultWorkflowTaskTimeout: duration(run.config.workflowTaskTimeoutMs),
      userMetadata: run.config.userMetadata ?? null,
    },
    workflowExecutionInfo: { ...executionInfo(run), autoResetPoints: { points: run.autoResetPoints } },
    pendingActivities: [...run.activities.values()].map(describeActivity),
    pendingChildren: [...run.children.values()].map(describeChild),
    pendingWorkflowTask: run.workflowTask ? describeWorkflowTask(run.workflowTask) : null,
  };
}

export function executionInfo(run: WorkflowRun): temporal.api.workflow.v1.IWorkflowExecutionInfo {
  return {
    execution: run.execution,
    type: { name: run.config.workflowType },
    startTime: timestamp(run.startTime),
    closeTime: run.closeTime !== undefined ? timestamp(run.closeTime) : null,
    status: run.status,
    historyLength: i64(run.events.length),
    executionTime: timestamp(run.executionTime),
    memo: run.memo ?? { fields: {} },
    searchAttributes: run.searchAttributes ?? { indexedFields: {} },
    taskQueue: run.config.taskQueue,
    parentNamespaceId: run.config.parent?.namespaceId ?? '',
    parentExecution: run.config.parent
      ? { workflowId: run.config.parent.workflowId, runId: run.config.parent.runId }
      : null,
    executionDuration: run.closeTime !== undefined ? duration(run.closeTime - run.executionTime) : null,
    firstRunId: run.config.firstExecutionRunId,
    rootExecution: run.config.root ?? run.execution,
    stateTransitionCount: i64(run.events.length),
    historySizeBytes: i64(run.historySizeBytes()),
  };
}
