/**
 * The composition root: builds the areas, hands each the effects it may use (this engine, as
 * `Effects`), and exposes the areas the RPC handlers (services/) call. No area imports this file.
 */
import { Activities } from './activities';
import { ActivityAttempts } from './activity-attempts';
import { Children } from './children';
import type { Clock } from './clock';
import { commandHandlers } from './commands';
import type { Effects, PayloadLimits, RunClosedListener } from './effects';
import { Executions } from './executions';
import { ExternalWorkflows } from './external-workflows';
import { Listing } from './listing';
import { Matching } from './matching';
import { Namespaces, type Namespace } from './namespaces';
import { Queries } from './queries';
import { RunLifecycle } from './run-lifecycle';
import type { ChainOutcome } from './state/child';
import { RunStore } from './state/run-store';
import type { BufferedEvent, WorkflowExecutionStatus, WorkflowRun } from './state/workflow-run';
import { Timers } from './timers';
import type { ActivityTaskResponse, WorkflowExecution, WorkflowTaskResponse } from './types';
import { Updates } from './updates';
import { WorkflowStarts } from './workflow-starts';
import { WorkflowTasks } from './workflow-tasks';

export type { PayloadLimits } from './effects';

export interface EngineOptions {
  clock: Clock;
  namespaces?: string[];
}

export class Engine implements Effects {
  readonly clock: Clock;
  readonly namespaces = new Namespaces();
  readonly matching = new Matching<WorkflowTaskResponse, ActivityTaskResponse>();
  readonly runs = new RunStore(this.namespaces);
  limits: PayloadLimits = {
    blobSizeLimitError: 2 * 1024 * 1024,
    blobSizeLimitWarn: 512 * 1024,
    memoSizeLimitError: 2 * 1024 * 1024,
  };
  private readonly closeListeners: RunClosedListener[] = [];

  readonly lifecycle: RunLifecycle;
  readonly starts: WorkflowStarts;
  readonly workflowTasks: WorkflowTasks;
  readonly activityAttempts: ActivityAttempts;
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
    // Each area registers its own close listener as it is built; none depends on their order.
    this.lifecycle = new RunLifecycle(this);
    this.starts = new WorkflowStarts(this, this.lifecycle);
    this.timers = new Timers(this);
    this.activityAttempts = new ActivityAttempts(this);
    this.activities = new Activities(this, this.activityAttempts);
    this.queries = new Queries(this);
    this.updates = new Updates(this, this.starts);
    this.children = new Children(this, this.starts, this.lifecycle);
    this.external = new ExternalWorkflows(this);
    const commands = commandHandlers({
      effects: this,
      activities: this.activityAttempts,
      timers: this.timers,
      lifecycle: this.lifecycle,
      children: this.children,
      external: this.external,
      updates: this.updates,
    });
    this.workflowTasks = new WorkflowTasks(this, this.queries, this.updates, commands, this.lifecycle);
    this.executions = new Executions(this, this.starts, this.lifecycle, this.workflowTasks);
    this.listing = new Listing(this);
  }

  namespace(name: string | null | undefined): Namespace {
    return this.namespaces.get(name);
  }

  findRun(
    namespace: string | null | undefined,
    execution: WorkflowExecution | null | undefined,
    firstExecutionRunId?: string | null,
  ): WorkflowRun {
    return this.runs.find(namespace, execution, firstExecutionRunId);
  }

  recordEvent(run: WorkflowRun, write: () => void, extra: Omit<BufferedEvent, 'write'> = {}): void {
    if (!run.isOpen) return;
    if (run.writeOrHold(write, extra)) this.workflowTasks.schedule(run);
  }

  scheduleWorkflowTask(run: WorkflowRun, dispatch = true): void {
    this.workflowTasks.schedule(run, dispatch);
  }

  scheduleWorkflowTaskForUpdates(run: WorkflowRun): void {
    this.workflowTasks.scheduleForUpdates(run);
  }

  dispatchWorkflowTask(run: WorkflowRun): void {
    this.workflowTasks.dispatchHeld(run);
  }

  closeRun(run: WorkflowRun, status: WorkflowExecutionStatus, write: () => void, outcome?: ChainOutcome): void {
    if (!run.isOpen) return;
    // Status first: history long-polls woken by the close event must see the run closed.
    run.status = status;
    run.closeTime = this.clock.now();
    write();
    run.runTimeout?.cancel();
    run.firstTaskBackoff?.cancel();
    run.firstTaskBackoff = undefined;
    for (const listener of this.closeListeners) listener(run, outcome);
  }

  onRunClosed(listener: RunClosedListener): void {
    this.closeListeners.push(listener);
  }
}
