/**
 * Starting a workflow (by a client, signal-with-start, update-with-start or a parent's command):
 * request checks, request-id dedupe, the id reuse and conflict policies, and the new run's config.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { invalidArgument, workflowAlreadyStarted } from './errors';
import type { Namespace } from './namespaces';
import {
  type RunLifecycle,
  type RunOrigin,
  workflowRetryPolicy,
  workflowRunTimeout,
  workflowTaskTimeout,
} from './run-lifecycle';
import { typedSearchAttributes } from './search-attribute-values';
import type { RunConfig, WorkflowRun } from './state/workflow-run';
import { durationMs } from './time';

const { WorkflowExecutionStatus: Status, WorkflowIdReusePolicy: Reuse, WorkflowIdConflictPolicy: Conflict } = enums;

/** The server's default `limit.maxIDLength`. */
const MAX_ID_LENGTH = 1000;

export type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest & {
  workflowIdReusePolicy?: number | null;
  workflowIdConflictPolicy?: number | null;
};

export class WorkflowStarts {
  constructor(
    private readonly effects: Effects,
    private readonly lifecycle: RunLifecycle,
  ) {}

  /** Starts a run, or returns the run the request id or the conflict policy names (`started` false for the latter). */
  startRun(ns: Namespace, request: StartRequest, origin: RunOrigin): { run: WorkflowRun; started: boolean } {
    const workflowId = request.workflowId ?? '';
    if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
    if (workflowId.length > MAX_ID_LENGTH) throw invalidArgument('WorkflowId length exceeds limit.');
    if ((request.taskQueue?.name ?? '').length > MAX_ID_LENGTH) {
      throw invalidArgument('TaskQueue length exceeds limit.');
    }
    if ((request.requestId ?? '').length > MAX_ID_LENGTH) throw invalidArgument('RequestId length exceeds limit.');
    if (!request.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
    if (!request.taskQueue?.name) throw invalidArgument('TaskQueue is not set on request.');
    const requestId = request.requestId ?? '';
    if (requestId) {
      for (const previous of this.effects.runs.chain(ns.name, workflowId)) {
        if (previous.requestIds.has(requestId)) return { run: previous, started: true };
      }
    }
    const reuse = request.workflowIdReusePolicy || Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
    const current = this.effects.runs.current(ns.name, workflowId);
    if (current?.isOpen) {
      let conflict = request.workflowIdConflictPolicy || Conflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL;
      if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) {
        conflict = Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
      }
      if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) {
        if (requestId) current.requestIds.add(requestId);
        return { run: current, started: false };
      }
      if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
        this.lifecycle.terminateRun(
          current,
          'terminated by a new start with the same workflow id',
          null,
          request.identity ?? '',
        );
      } else {
        throw workflowAlreadyStarted(
          `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${current.runId}.`,
          current.startRequestId,
          current.runId,
        );
      }
    } else if (current) {
      const rejected =
        reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ||
        (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
          (current.status === Status.WORKFLOW_EXECUTION_STATUS_COMPLETED ||
            current.status === Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW));
      if (rejected) {
        throw workflowAlreadyStarted(
          `Workflow execution already finished and the WorkflowIdReusePolicy does not allow a new start. WorkflowId: ${workflowId}, RunId: ${current.runId}.`,
          current.startRequestId,
          current.runId,
        );
      }
    }
    const runId = origin.runId ?? randomUUID();
    const executionTimeoutMs = durationMs(request.workflowExecutionTimeout);
    const runTimeoutMs = workflowRunTimeout(durationMs(request.workflowRunTimeout), executionTimeoutMs);
    const config: RunConfig = {
      workflowType: request.workflowType.name,
      taskQueue: request.taskQueue.name,
      input: request.input,
      header: request.header,
      memo: request.memo,
      searchAttributes: typedSearchAttributes(ns, request.searchAttributes),
      workflowExecutionTimeoutMs: executionTimeoutMs,
      workflowRunTimeoutMs: runTimeoutMs,
      workflowRunTimeoutSet: origin.byCommand === true,
      workflowTaskTimeoutMs: workflowTaskTimeout(durationMs(request.workflowTaskTimeout), runTimeoutMs),
      retryPolicy: workflowRetryPolicy(request.retryPolicy),
      attempt: 1,
      firstExecutionRunId: runId,
      executionExpirationTime: executionTimeoutMs > 0 ? this.effects.clock.now() + executionTimeoutMs : 0,
      cronSchedule: request.cronSchedule ?? '',
      lastCompletionResult: request.lastCompletionResult,
      continuedFailure: request.continuedFailure,
      parent: origin.parent,
      root: origin.root,
      priority: request.priority,
      userMetadata: request.userMetadata,
    };
    const run = this.lifecycle.createRun(ns, workflowId, runId, config, {
      ...origin,
      identity: request.identity ?? '',
      requestId,
      backoffMs: durationMs(request.workflowStartDelay),
    });
    return { run, started: true };
  }
}
