/**
 * The service's state and the mechanics every area shares: runs by id, the chain of runs per
 * workflow id, and how events reach a history (buffered while a workflow task is started).
 */
import { Activities, type ActivityTaskResponse } from './activities';
import { Children } from './children';
import type { Clock } from './clock';
import { notFound } from './errors';
import { Executions } from './executions';
import { ExternalWorkflows } from './external-workflows';
import { Listing } from './listing';
import { Matching } from './matching';
import { Namespaces, type Namespace } from './namespaces';
import { Queries } from './queries';
import { Timers } from './timers';
import type { WorkflowExecution } from './types';
import { Updates } from './updates';
import { WorkflowTasks, type WorkflowTaskResponse } from './workflow-tasks';
import { type BufferedEvent, type WorkflowExecutionStatus, WorkflowRun } from './workflow-run';

export interface PayloadLimits {
  blobSizeLimitError: number;
  blobSizeLimitWarn: number;
  memoSizeLimitError: number;
}

export interface EngineOptions {
  clock: Clock;
  namespaces?: string[];
}

export class Engine {
  readonly clock: Clock;
  readonly namespaces = new Namespaces();
  readonly matching = new Matching<WorkflowTaskResponse, ActivityTaskResponse>();
  readonly runs = new Map<string, WorkflowRun>();
  /**
   * Payload limits (bytes): workers learn the error limits through DescribeNamespace and enforce
   * them; the service enforces the blob limits on activity inputs (see command-validation.ts).
   */
  limits: PayloadLimits = {
    blobSizeLimitError: 2 * 1024 * 1024,
    blobSizeLimitWarn: 512 * 1024,
    memoSizeLimitError: 2 * 1024 * 1024,
  };
  /** Run ids per `namespace\0workflowId`, oldest first; the last one is the current run. */
  private readonly chains = new Map<string, string[]>();

  readonly workflowTasks: WorkflowTasks;
  readonly activities: Activities;
  readonly timers: Timers;
  readonly queries: Queries;
  readonly updates: Updates;
  readonly executions: Executions;
  readonly children: Children;
  readonly external: ExternalWorkflows;
  readonly listing: Listing;

  constructor(options: EngineOptions) {
    this.clock = options.clock;
    for (const name of options.namespaces ?? ['default']) this.namespaces.register(name);
    this.workflowTasks = new WorkflowTasks(this);
    this.activities = new Activities(this);
    this.timers = new Timers(this);
    this.queries = new Queries(this);
    this.updates = new Updates(this);
    this.executions = new Executions(this);
    this.children = new Children(this);
    this.external = new ExternalWorkflows(this);
    this.listing = new Listing(this);
  }

  namespace(name: string | null | undefined): Namespace {
    return this.namespaces.get(name);
  }

  addRun(run: WorkflowRun): void {
    this.runs.set(run.runId, run);
    const key = chainKey(run.namespace.name, run.workflowId);
    const chain = this.chains.get(key);
    if (chain) chain.push(run.runId);
    else this.chains.set(key, [run.runId]);
  }

  currentRun(namespace: string, workflowId: string): WorkflowRun | undefined {
    const chain = this.chains.get(chainKey(namespace, workflowId));
    return chain && this.runs.get(chain[chain.length - 1]);
  }

  chainRuns(namespace: string, workflowId: string): WorkflowRun[] {
    const chain = this.chains.get(chainKey(namespace, workflowId)) ?? [];
    return chain.map((id) => this.runs.get(id) as WorkflowRun);
  }

  /**
   * The run an RPC names: an empty run id means the current run. `firstExecutionRunId`, when
   * given, must be the first run of the same chain.
   */
  findRun(
    namespace: string | null | undefined,
    execution: WorkflowExecution | null | undefined,
    firstExecutionRunId?: string | null,
  ): WorkflowRun {
    const ns = this.namespace(namespace);
    const workflowId = execution?.workflowId ?? '';
    const runId = execution?.runId ?? '';
    const run = runId ? this.runs.get(runId) : this.currentRun(ns.name, workflowId);
    if (!run || run.namespace !== ns || run.workflowId !== workflowId) {
      throw notFound(`workflow not found for ID: ${workflowId}`);
    }
    if (firstExecutionRunId && run.config.firstExecutionRunId !== firstExecutionRunId) {
      throw notFound(`workflow not found for ID: ${workflowId}`);
    }
    return run;
  }

  /**
   * Records an event that happened outside a workflow task (signal, activity result, timer
   * fire, cancel request). While a task is started it is held and written after the task.
   */
  recordEvent(run: WorkflowRun, write: () => void, extra: Omit<BufferedEvent, 'write'> = {}): void {
    if (!run.isOpen) return;
    if (run.workflowTask?.state === 'started') {
      run.buffered.push({ write, ...extra });
      return;
    }
    write();
    this.workflowTasks.schedule(run);
  }

  /** Writes the held events; returns whether there were any. */
  flushBuffered(run: WorkflowRun): boolean {
    const held = run.buffered;
    run.buffered = [];
    for (const event of held) event.write();
    return held.length > 0;
  }

  /** Closes a run: `write` appends the close event; everything in flight for it is dropped. */
  closeRun(run: WorkflowRun, status: WorkflowExecutionStatus, write: () => void): void {
    if (!run.isOpen) return;
    // Status first: history long-polls woken by the close event must see the run closed.
    run.status = status;
    run.closeTime = this.clock.now();
    write();
    run.runTimeout?.cancel();
    run.firstTaskBackoff?.cancel();
    run.firstTaskBackoff = undefined;
    this.timers.dropRun(run);
    this.activities.dropRun(run);
    this.workflowTasks.dropRun(run);
    this.updates.dropRun(run);
    this.queries.runClosed(run);
    this.children.parentClosed(run);
  }
}

function chainKey(namespace: string, workflowId: string): string {
  return `${namespace}\u0000${workflowId}`;
}
