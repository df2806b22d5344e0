/**
 * What an area of the service may do beyond its own state: record an event on a run, schedule a
 * workflow task, arm a timer (the clock), put a task on a queue (matching), find runs, and close
 * a run. Areas receive this, never each other through a hub, so each one can be read alone; the
 * engine (engine.ts) is the one implementation.
 */
import type { Clock } from './clock';
import type { Matching } from './matching';
import type { Namespace, Namespaces } from './namespaces';
import type { ChainOutcome } from './state/child';
import type { RunStore } from './state/run-store';
import type { BufferedEvent, WorkflowExecutionStatus, WorkflowRun } from './state/workflow-run';
import type { ActivityTaskResponse, WorkflowTaskResponse } from './types';

export interface PayloadLimits {
  blobSizeLimitError: number;
  blobSizeLimitWarn: number;
  memoSizeLimitError: number;
}

/**
 * Called once per closed run, after its close event is written. `outcome` is set when the run's
 * chain ends with it (no retry or continue-as-new follows), for its parent.
 */
export type RunClosedListener = (run: WorkflowRun, outcome: ChainOutcome | undefined) => void;

export interface Effects {
  readonly clock: Clock;
  readonly runs: RunStore;
  readonly namespaces: Namespaces;
  readonly matching: Matching<WorkflowTaskResponse, ActivityTaskResponse>;
  /** Payload limits (bytes) workers learn from DescribeNamespace; the service checks activity inputs against them. */
  readonly limits: PayloadLimits;
  namespace(name: string | null | undefined): Namespace;
  /**
   * Records an event that happened outside a workflow task (signal, activity result, timer fire,
   * cancel request) and schedules a workflow task for it. While a task is started the event is
   * held and written after the task. Nothing is written on a closed run.
   */
  recordEvent(run: WorkflowRun, write: () => void, extra?: Omit<BufferedEvent, 'write'>): void;
  /** Schedules a workflow task unless one is pending, the run is closed or still in backoff. */
  scheduleWorkflowTask(run: WorkflowRun, dispatch?: boolean): void;
  /** The same for updates alone: the task is speculative when it can be (see workflow-tasks.ts). */
  scheduleWorkflowTaskForUpdates(run: WorkflowRun): void;
  /** Puts a task that was scheduled without dispatch (`scheduleWorkflowTask(run, false)`) on its queue. */
  dispatchWorkflowTask(run: WorkflowRun): void;
  /**
   * Closes a run: `write` appends the close event, then every close listener runs (each area
   * drops what it holds for the run). A closed run is left alone.
   */
  closeRun(run: WorkflowRun, status: WorkflowExecutionStatus, write: () => void, outcome?: ChainOutcome): void;
  onRunClosed(listener: RunClosedListener): void;
}
