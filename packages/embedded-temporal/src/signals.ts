/** What reaches a run from outside as an event: signals and cancel requests (from clients or other workflows). */
import type { Effects } from './effects';
import { enums } from './enums';
import { i64 } from './proto';
import type { WorkflowRun } from './state/workflow-run';
import type { Header, Payloads } from './types';

const { EventType } = enums;

/** The identity the server records on what it writes for a workflow (a signal or cancel request it sent, for one). */
export const HISTORY_SERVICE_IDENTITY = 'history-service';

/** The workflow that sent a signal or cancel request (its initiated event), when one did. */
export interface ExternalSender {
  initiatedEventId: number;
  workflowId: string;
  runId: string;
}

export function recordSignal(
  effects: Effects,
  run: WorkflowRun,
  signalName: string,
  input: Payloads | null | undefined,
  header: Header | null | undefined,
  identity: string,
  external?: ExternalSender,
  requestId = '',
): void {
  effects.recordEvent(run, () =>
    run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      workflowExecutionSignaledEventAttributes: {
        signalName,
        input: input ?? null,
        identity,
        header: header ?? null,
        externalWorkflowExecution: external ? { workflowId: external.workflowId, runId: external.runId } : null,
        requestId,
      },
    }),
  );
}

/** Records a cancel request once per run (later requests are no-ops, as on the server). */
export function recordCancelRequest(
  effects: Effects,
  run: WorkflowRun,
  reason: string,
  identity: string,
  external?: ExternalSender,
): void {
  if (!run.isOpen || run.cancelRequested) return;
  run.cancelRequested = true;
  effects.recordEvent(run, () =>
    run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      workflowExecutionCancelRequestedEventAttributes: {
        cause: reason,
        identity,
        externalInitiatedEventId: i64(external?.initiatedEventId ?? 0),
        externalWorkflowExecution: external ? { workflowId: external.workflowId, runId: external.runId } : null,
      },
    }),
  );
}
