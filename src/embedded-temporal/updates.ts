/** Workflow updates (UpdateWorkflowExecution and the update protocol messages). */
import type { Engine } from './engine';
import type { ProtocolMessage } from './types';
import type { WorkflowRun } from './workflow-run';

export class Updates {
  constructor(private readonly engine: Engine) {}

  /** Update ids to deliver with a workflow task being handed out. */
  takeForTask(run: WorkflowRun): string[] {
    const ids = run.pendingUpdateIds;
    run.pendingUpdateIds = [];
    return ids;
  }

  messagesFor(_run: WorkflowRun, _ids: string[], _startedEventId: number): ProtocolMessage[] {
    return [];
  }

  /** Handles a protocol message from a completion; returns whether a new task is needed. */
  onMessage(_run: WorkflowRun, _message: ProtocolMessage, _completedEventId: number): boolean {
    return false;
  }

  afterTask(_run: WorkflowRun, _ids: string[]): void {}

  requeue(run: WorkflowRun, ids: string[]): void {
    run.pendingUpdateIds.unshift(...ids);
  }

  dropRun(_run: WorkflowRun): void {
    void this.engine;
  }
}
