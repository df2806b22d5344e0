/**
 * The workflow execution RPCs the services call (start, signal, signal-with-start, cancel
 * request, terminate, describe, history): each checks its request and hands over to the module
 * that holds the behaviour (workflow-starts.ts, run-lifecycle.ts, signals.ts, describe.ts,
 * history.ts).
 */
import type { temporal } from '@temporalio/proto';
import { describeRun } from './describe';
import type { Effects } from './effects';
import { enums } from './enums';
import { invalidArgument, notFound } from './errors';
import { readHistory, readHistoryReverse } from './history';
import type { RunLifecycle } from './run-lifecycle';
import { recordCancelRequest, recordSignal } from './signals';
import type { StartRequest, WorkflowStarts } from './workflow-starts';
import type { WorkflowTasks } from './workflow-tasks';

const { WorkflowIdConflictPolicy: Conflict } = enums;

export class Executions {
  constructor(
    private readonly effects: Effects,
    private readonly starts: WorkflowStarts,
    private readonly lifecycle: RunLifecycle,
    private readonly workflowTasks: WorkflowTasks,
  ) {}

  start(request: StartRequest): temporal.api.workflowservice.v1.IStartWorkflowExecutionResponse {
    const ns = this.effects.namespace(request.namespace);
    const eager = request.requestEagerExecution === true;
    const { run, started } = this.starts.startRun(ns, request, { eager });
    // Eager start: the first workflow task goes back to the caller (core asks only when one of
    // its workers has reserved a slot for it).
    const eagerWorkflowTask =
      started && eager ? this.workflowTasks.startEagerly(run, request.identity ?? '') : undefined;
    return { runId: run.runId, started, status: run.status, eagerWorkflowTask: eagerWorkflowTask ?? null };
  }

  signal(request: temporal.api.workflowservice.v1.ISignalWorkflowExecutionRequest): object {
    const run = this.effects.runs.find(request.namespace, request.workflowExecution);
    if (!run.isOpen) throw notFound('workflow execution already completed');
    if (!request.signalName) throw invalidArgument('SignalName is not set on request.');
    const requestId = request.requestId ?? '';
    if (requestId && run.requestIds.has(requestId)) return {};
    if (requestId) run.requestIds.add(requestId);
    recordSignal(
      this.effects,
      run,
      request.signalName,
      request.input,
      request.header,
      request.identity ?? '',
      undefined,
      requestId,
    );
    return {};
  }

  signalWithStart(
    request: temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest,
  ): temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionResponse {
    const ns = this.effects.namespace(request.namespace);
    if (!request.signalName) throw invalidArgument('SignalName is not set on request.');
    const current = this.effects.runs.current(ns.name, request.workflowId ?? '');
    const conflict = request.workflowIdConflictPolicy || Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING;
    const requestId = request.requestId ?? '';
    if (current?.isOpen && conflict !== Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
      // A repeated request signals once, as a plain signal.
      if (requestId && current.requestIds.has(requestId)) return { runId: current.runId, started: false };
      if (requestId) current.requestIds.add(requestId);
      // Signal-with-start ends a pending start delay (a plain signal does not).
      if (current.firstTaskBackoff) {
        current.firstTaskBackoff.cancel();
        current.firstTaskBackoff = undefined;
      }
      recordSignal(
        this.effects,
        current,
        request.signalName,
        request.signalInput,
        request.header,
        request.identity ?? '',
        undefined,
        requestId,
      );
      return { runId: current.runId, started: false };
    }
    const { run, started } = this.starts.startRun(
      ns,
      { ...request, workflowIdConflictPolicy: conflict },
      {
        signal: {
          name: request.signalName,
          input: request.signalInput,
          header: request.header,
          identity: request.identity ?? '',
          requestId,
        },
      },
    );
    return { runId: run.runId, started };
  }

  requestCancel(request: temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionRequest): object {
    const run = this.effects.runs.find(request.namespace, request.workflowExecution, request.firstExecutionRunId);
    if (!run.isOpen) throw notFound('workflow execution already completed');
    const requestId = request.requestId ?? '';
    if (requestId && run.requestIds.has(requestId)) return {};
    if (requestId) run.requestIds.add(requestId);
    recordCancelRequest(this.effects, run, request.reason ?? '', request.identity ?? '');
    return {};
  }

  terminate(request: temporal.api.workflowservice.v1.ITerminateWorkflowExecutionRequest): object {
    const run = this.effects.runs.find(request.namespace, request.workflowExecution, request.firstExecutionRunId);
    if (!run.isOpen) throw notFound('workflow execution already completed');
    this.lifecycle.terminateRun(run, request.reason ?? '', request.details ?? null, request.identity ?? '');
    return {};
  }

  describe(
    request: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionRequest,
  ): temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse {
    return describeRun(this.effects.runs.find(request.namespace, request.execution));
  }

  /** GetWorkflowExecutionHistory: full or paged, optionally long-polling for new or close events. */
  history(
    request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse> {
    return readHistory(this.effects.runs.find(request.namespace, request.execution), request, answerBy);
  }

  historyReverse(
    request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseRequest,
  ): temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse {
    return readHistoryReverse(this.effects.runs.find(request.namespace, request.execution), request);
  }
}
