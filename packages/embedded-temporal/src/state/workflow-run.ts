/** The state of one workflow run: its history and what is in flight for it. */
import type { temporal } from '@temporalio/proto';
import { enums } from '../enums';
import type { Clock, Scheduled } from '../clock';
import type { Namespace } from '../namespaces';
import { encodedEventSize, i64 } from '../proto';
import { timestamp } from '../time';
import type { Failure, Header, HistoryEvent, Memo, Payloads, RetryPolicy, SearchAttributes } from '../types';
import type { PendingActivity } from './activity';
import type { ChildState } from './child';
import type { TimerState } from './timer';
import type { WorkflowTaskState } from './workflow-task';

const { WorkflowExecutionStatus } = enums;
export type WorkflowExecutionStatus = temporal.api.enums.v1.WorkflowExecutionStatus;
export type EventType = temporal.api.enums.v1.EventType;

/** The attributes part of a history event (everything but id, type and time). */
export type EventAttributes = Omit<HistoryEvent, 'eventId' | 'eventType' | 'eventTime'>;

/** What a run was started with (kept for describe, continue-as-new and retries). */
export interface RunConfig {
  workflowType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Header | null;
  memo?: Memo | null;
  searchAttributes?: SearchAttributes | null;
  workflowExecutionTimeoutMs: number;
  workflowRunTimeoutMs: number;
  workflowTaskTimeoutMs: number;
  retryPolicy?: RetryPolicy | null;
  attempt: number;
  firstExecutionRunId: string;
  /** Absolute deadline of the whole chain (execution timeout), 0 if none. */
  executionExpirationTime: number;
  cronSchedule?: string;
  parent?: ParentInfo;
  lastCompletionResult?: Payloads | null;
  continuedFailure?: Failure | null;
  priority?: temporal.api.common.v1.IPriority | null;
  /** Root of a child chain (unset for a top-level run). */
  root?: { workflowId: string; runId: string };
  userMetadata?: temporal.api.sdk.v1.IUserMetadata | null;
  /**
   * Whether WorkflowExecutionStarted carries the run timeout even when it is 0s: the server
   * fills it into the commands that start runs (child, continue-as-new), and a retry copies it.
   */
  workflowRunTimeoutSet?: boolean;
  /** The previous run's reset points, as the server hands them to a new run of the chain. */
  prevAutoResetPoints?: ResetPoint[];
}

export type ResetPoint = temporal.api.workflow.v1.IResetPointInfo;

/** The server's default `history.maxAutoResetPoints`. */
const MAX_AUTO_RESET_POINTS = 20;

export interface ParentInfo {
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

/** A deferred history write; a fired timer can still be cancelled while buffered. */
export interface BufferedEvent {
  write: () => void;
  firedTimer?: TimerState;
}

export class WorkflowRun {
  readonly events: HistoryEvent[] = [];
  status: WorkflowExecutionStatus = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  readonly startTime: number;
  executionTime: number;
  closeTime: number | undefined;
  memo: Memo | null | undefined;
  searchAttributes: SearchAttributes | null | undefined;

  workflowTask: WorkflowTaskState | undefined;
  /** The sticky queue of the worker that has this run cached (see WorkflowTasks.dispatch). */
  sticky: { queue: string; scheduleToStartMs: number } | undefined;
  /** Events that arrived while a workflow task was started: written once it completes. */
  buffered: BufferedEvent[] = [];
  /** Set when an event the workflow has not seen yet needs a new workflow task. */
  needsWorkflowTask = false;
  /** First workflow task held back by a start delay, backoff or cron. */
  firstTaskBackoff: Scheduled | undefined;
  previousStartedEventId = 0;
  /** Consecutive failed/timed out workflow task attempts. */
  workflowTaskFailures = 0;
  readonly requestIds = new Set<string>();
  /** The request id of the start that created this run ('' for runs the service created itself). */
  startRequestId = '';
  readonly activities = new Map<number, PendingActivity>();
  /** Open children by the id of their initiated event. */
  readonly children = new Map<number, ChildState>();
  /** Started timers by timer id (a fired one leaves, its TimerFired may still be buffered). */
  readonly timers = new Map<string, TimerState>();
  /** Queries waiting for the started workflow task to complete. */
  heldQueryIds: string[] = [];
  /** Update ids accepted by the service but not yet delivered to a workflow task. */
  pendingUpdateIds: string[] = [];
  cancelRequested = false;
  /** One per build id that completed a workflow task of this chain (the earlier runs' first). */
  autoResetPoints: ResetPoint[];
  /** The run that replaced this one (continue-as-new, retry, cron). */
  nextRunId: string | undefined;
  runTimeout: Scheduled | undefined;
  /** Decoded search attributes for listing, rebuilt after an upsert. */
  visibilityCache: Record<string, unknown> | undefined;
  private readonly listeners = new Set<() => void>();
  /**
   * Events of a speculative workflow task (see `reserve`): their ids are taken, but nothing in
   * history shows them until another event is written or the task is kept.
   */
  private reservedEvents: HistoryEvent[] = [];
  private sizedEvents = 0;
  private sizeBytes = 0;

  constructor(
    readonly namespace: Namespace,
    readonly workflowId: string,
    readonly runId: string,
    readonly config: RunConfig,
    private readonly clock: Clock,
  ) {
    this.startTime = clock.now();
    this.executionTime = this.startTime;
    this.memo = config.memo;
    this.searchAttributes = config.searchAttributes;
    this.autoResetPoints = [...(config.prevAutoResetPoints ?? [])];
  }

  get isOpen(): boolean {
    return this.status === WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  get lastEventId(): number {
    return this.events.length;
  }

  get execution() {
    return { workflowId: this.workflowId, runId: this.runId };
  }

  /**
   * Appends an event now (no buffering) and wakes history long-polls. Reserved events are written
   * first: anything written to the history makes a speculative task a normal one.
   */
  append(eventType: EventType, attributes: EventAttributes): number {
    this.writeReserved();
    const eventId = this.events.length + 1;
    this.events.push({ eventId: i64(eventId), eventType, eventTime: timestamp(this.clock.now()), ...attributes });
    for (const listener of [...this.listeners]) listener();
    return eventId;
  }

  /**
   * Takes the next event id for an event that is not written yet (a speculative workflow task's
   * scheduled and started events): history reads, describe and long-polls do not see it until
   * `writeReserved` (or the next `append`) writes it; `dropReserved` forgets it.
   */
  reserve(eventType: EventType, attributes: EventAttributes): number {
    const eventId = this.events.length + this.reservedEvents.length + 1;
    this.reservedEvents.push({
      eventId: i64(eventId),
      eventType,
      eventTime: timestamp(this.clock.now()),
      ...attributes,
    });
    return eventId;
  }

  /** Whether events are reserved (a speculative workflow task is pending). */
  get hasReserved(): boolean {
    return this.reservedEvents.length > 0;
  }

  /** The reserved events, for the poll response that hands out the speculative task. */
  get reserved(): readonly HistoryEvent[] {
    return this.reservedEvents;
  }

  writeReserved(): void {
    if (this.reservedEvents.length === 0) return;
    const reserved = this.reservedEvents;
    this.reservedEvents = [];
    this.events.push(...reserved);
    for (const listener of [...this.listeners]) listener();
  }

  dropReserved(): void {
    this.reservedEvents = [];
  }

  /**
   * Records an event that happened outside a workflow task: while a task is started it is held
   * (and written after the task); returns whether it was written now.
   */
  writeOrHold(write: () => void, extra: Omit<BufferedEvent, 'write'> = {}): boolean {
    if (this.workflowTask?.state === 'started') {
      this.buffered.push({ write, ...extra });
      return false;
    }
    write();
    return true;
  }

  /** Writes the held events; returns whether there were any. */
  flushBuffered(): boolean {
    const held = this.buffered;
    this.buffered = [];
    for (const event of held) event.write();
    return held.length > 0;
  }

  /**
   * A workflow task completed by a build id that has no reset point yet gets one, as on the
   * server (which keys them by build id and binary checksum; this service writes no checksum):
   * with a child in flight the run cannot be reset to it (`resettable` false). The newest
   * points are kept.
   */
  addAutoResetPoint(buildId: string, completedEventId: number, resettable: boolean): void {
    if (!buildId || this.autoResetPoints.some((p) => p.buildId === buildId)) return;
    this.autoResetPoints.push({
      buildId,
      runId: this.runId,
      firstWorkflowTaskCompletedId: i64(completedEventId),
      createTime: timestamp(this.clock.now()),
      resettable,
    });
    this.autoResetPoints = this.autoResetPoints.slice(-MAX_AUTO_RESET_POINTS);
  }

  /** Encoded size of the history so far (sized incrementally, each event once). */
  historySizeBytes(): number {
    for (; this.sizedEvents < this.events.length; this.sizedEvents++) {
      this.sizeBytes += encodedEventSize(this.events[this.sizedEvents]);
    }
    return this.sizeBytes;
  }

  /** Calls `listener` on every new event until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
