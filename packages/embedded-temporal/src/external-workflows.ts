/** Signals and cancel requests a workflow sends to other workflows (SignalExternal / RequestCancelExternal). */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { RpcError } from './errors';
import { i64 } from './proto';
import { HISTORY_SERVICE_IDENTITY, recordCancelRequest, recordSignal } from './signals';
import type { WorkflowRun } from './state/workflow-run';

const { EventType, SignalExternalWorkflowExecutionFailedCause, CancelExternalWorkflowExecutionFailedCause } = enums;

export class ExternalWorkflows {
  constructor(private readonly effects: Effects) {}

  /** The open target run, or undefined when there is none (or it is not the sender's child when required). */
  private target(sender: WorkflowRun, namespace: string, workflowId: string, runId: string, childOnly: boolean) {
    let run: WorkflowRun;
    try {
      run = this.effects.runs.find(namespace, { workflowId, runId });
    } catch (err) {
      if (err instanceof RpcError) return undefined;
      throw err;
    }
    if (!run.isOpen) return undefined;
    if (childOnly && run.config.parent?.runId !== sender.runId) return undefined;
    return run;
  }

  signal(
    run: WorkflowRun,
    a: temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    const ns = this.effects.namespace(a.namespace || run.namespace.name);
    const execution = { workflowId: a.execution?.workflowId ?? '', runId: a.execution?.runId ?? '' };
    const initiatedEventId = run.append(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
      signalExternalWorkflowExecutionInitiatedEventAttributes: {
        workflowTaskCompletedEventId: i64(completedEventId),
        namespace: ns.name,
        namespaceId: ns.id,
        workflowExecution: execution,
        signalName: a.signalName ?? '',
        input: a.input ?? null,
        control: a.control ?? '',
        childWorkflowOnly: a.childWorkflowOnly ?? false,
        header: a.header ?? null,
      },
    });
    const target = this.target(run, ns.name, execution.workflowId, execution.runId, a.childWorkflowOnly === true);
    if (target) {
      // The server sends it as a signal request of its own, with a request id.
      recordSignal(
        this.effects,
        target,
        a.signalName ?? '',
        a.input,
        a.header,
        HISTORY_SERVICE_IDENTITY,
        { initiatedEventId, workflowId: run.workflowId, runId: run.runId },
        randomUUID(),
      );
    }
    this.effects.recordEvent(run, () => {
      if (target) {
        run.append(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
          externalWorkflowExecutionSignaledEventAttributes: {
            initiatedEventId: i64(initiatedEventId),
            namespace: ns.name,
            namespaceId: ns.id,
            workflowExecution: execution,
            control: a.control ?? '',
          },
        });
      } else {
        run.append(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
          signalExternalWorkflowExecutionFailedEventAttributes: {
            cause:
              SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
            workflowTaskCompletedEventId: i64(completedEventId),
            namespace: ns.name,
            namespaceId: ns.id,
            workflowExecution: execution,
            initiatedEventId: i64(initiatedEventId),
            control: a.control ?? '',
          },
        });
      }
    });
  }

  cancel(
    run: WorkflowRun,
    a: temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    const ns = this.effects.namespace(a.namespace || run.namespace.name);
    const execution = { workflowId: a.workflowId ?? '', runId: a.runId ?? '' };
    const initiatedEventId = run.append(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
      requestCancelExternalWorkflowExecutionInitiatedEventAttributes: {
        workflowTaskCompletedEventId: i64(completedEventId),
        namespace: ns.name,
        namespaceId: ns.id,
        workflowExecution: execution,
        control: a.control ?? '',
        childWorkflowOnly: a.childWorkflowOnly ?? false,
        reason: a.reason ?? '',
      },
    });
    const target = this.target(run, ns.name, execution.workflowId, execution.runId, a.childWorkflowOnly === true);
    if (target) {
      recordCancelRequest(this.effects, target, a.reason ?? '', HISTORY_SERVICE_IDENTITY, {
        initiatedEventId,
        workflowId: run.workflowId,
        runId: run.runId,
      });
    }
    this.effects.recordEvent(run, () => {
      if (target) {
        run.append(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
          externalWorkflowExecutionCancelRequestedEventAttributes: {
            initiatedEventId: i64(initiatedEventId),
            namespace: ns.name,
            namespaceId: ns.id,
            workflowExecution: execution,
          },
        });
      } else {
        run.append(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
          requestCancelExternalWorkflowExecutionFailedEventAttributes: {
            cause:
              CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
            workflowTaskCompletedEventId: i64(completedEventId),
            namespace: ns.name,
            namespaceId: ns.id,
            workflowExecution: execution,
            initiatedEventId: i64(initiatedEventId),
            control: a.control ?? '',
          },
        });
      }
    });
  }
}
