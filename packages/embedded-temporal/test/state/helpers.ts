/** A clock that never fires on its own, and the pieces entity tests build on. */
import type { Clock, Scheduled } from '../../src/clock';
import type { Namespace } from '../../src/namespaces';
import { WorkflowRun } from '../../src/state/workflow-run';

export class ManualClock implements Clock {
  readonly skipsTime = false;
  locks = 0;
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  schedule(): Scheduled {
    return { cancel: () => undefined };
  }
  lock(): void {
    this.locks++;
  }
  unlock(): void {
    this.locks--;
  }
  close(): void {}
}

/** A run `run-1` of workflow `wf` with no timeouts but the workflow task's, on a manual clock. */
export function newRun(namespace: Namespace): WorkflowRun {
  return new WorkflowRun(
    namespace,
    'wf',
    'run-1',
    {
      workflowType: 'w',
      taskQueue: 'q',
      workflowExecutionTimeoutMs: 0,
      workflowRunTimeoutMs: 0,
      workflowTaskTimeoutMs: 10_000,
      attempt: 1,
      firstExecutionRunId: 'run-1',
      executionExpirationTime: 0,
    },
    new ManualClock(),
  );
}
