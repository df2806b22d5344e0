/** Every run in memory by run id, and the chain of runs per workflow id (the last one is current). */
import { notFound } from '../errors';
import type { Namespaces } from '../namespaces';
import type { WorkflowExecution } from '../types';
import type { WorkflowRun } from './workflow-run';

export class RunStore {
  readonly byId = new Map<string, WorkflowRun>();
  /** Run ids per `namespace\0workflowId`, oldest first; the last one is the current run. */
  private readonly chains = new Map<string, string[]>();

  constructor(private readonly namespaces: Namespaces) {}

  get(runId: string): WorkflowRun | undefined {
    return this.byId.get(runId);
  }

  all(): IterableIterator<WorkflowRun> {
    return this.byId.values();
  }

  add(run: WorkflowRun): void {
    this.byId.set(run.runId, run);
    const key = chainKey(run.namespace.name, run.workflowId);
    const chain = this.chains.get(key);
    if (chain) chain.push(run.runId);
    else this.chains.set(key, [run.runId]);
  }

  current(namespace: string, workflowId: string): WorkflowRun | undefined {
    const chain = this.chains.get(chainKey(namespace, workflowId));
    return chain && this.byId.get(chain[chain.length - 1]);
  }

  chain(namespace: string, workflowId: string): WorkflowRun[] {
    const chain = this.chains.get(chainKey(namespace, workflowId)) ?? [];
    return chain.map((id) => this.byId.get(id) as WorkflowRun);
  }

  /**
   * The run an RPC names: an empty run id means the current run. `firstExecutionRunId`, when
   * given, must be the first run of the same chain.
   */
  find(
    namespace: string | null | undefined,
    execution: WorkflowExecution | null | undefined,
    firstExecutionRunId?: string | null,
  ): WorkflowRun {
    const ns = this.namespaces.get(namespace);
    const workflowId = execution?.workflowId ?? '';
    const runId = execution?.runId ?? '';
    const run = runId ? this.byId.get(runId) : this.current(ns.name, workflowId);
    if (!run || run.namespace !== ns || run.workflowId !== workflowId) {
      throw notFound(`workflow not found for ID: ${workflowId}`);
    }
    if (firstExecutionRunId && run.config.firstExecutionRunId !== firstExecutionRunId) {
      throw notFound(`workflow not found for ID: ${workflowId}`);
    }
    return run;
  }
}

function chainKey(namespace: string, workflowId: string): string {
  return `${namespace}\u0000${workflowId}`;
}
