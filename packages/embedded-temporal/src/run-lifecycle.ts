/**
 * A run from creation to close: WorkflowExecutionStarted and the first workflow task (or its
 * delay), the run and execution timeouts, the four ways a run closes (completed, failed,
 * canceled, terminated), continue-as-new, and the workflow retry policy that turns a failure or
 * a timeout into a new run of the same chain.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { NAMESPACE_RETENTION_MS, type Namespace } from './namespaces';
import { i64 } from './proto';
import { typedSearchAttributes } from './search-attribute-values';
import { normalizeRetryPolicy } from './state/activity';
import { moveWorkflowTask } from './state/workflow-task';
import { type ParentInfo, type ResetPoint, type RunConfig, WorkflowRun } from './state/workflow-run';
import { duration, durationMs, optionalDuration, timestamp, timestampMs } from './time';
import type { Failure, Header, Payloads, RetryPolicy } from './types';

const {
  EventType,
  WorkflowExecutionStatus: Status,
  RetryState,
  ContinueAsNewInitiator,
  TaskQueueKind,
  WorkflowTaskFailedCause,
} = enums;
type ContinueAsNewInitiator = temporal.api.enums.v1.ContinueAsNewInitiator;

const DEFAULT_WORKFLOW_TASK_TIMEOUT_MS = 10_000;
const MAX_WORKFLOW_TASK_TIMEOUT_MS = 120_000;

/** How a new run comes to be (beyond its config). */
export interface RunOrigin {
  identity?: string;
  requestId?: string;
  continuedExecutionRunId?: string;
  initiator?: ContinueAsNewInitiator;
  backoffMs?: number;
  /** A signal recorded right after WorkflowExecutionStarted (signal-with-start). */
  signal?: { name: string; input?: Payloads | null; header?: Header | null; identity?: string; requestId?: string };
  runId?: string;
  parent?: ParentInfo;
  root?: { workflowId: string; runId: string };
  /** Eager start: the first task is kept off the queue for the caller to take. */
  eager?: boolean;
  /** Started by a workflow's command (a child), whose timeouts the server has filled in. */
  byCommand?: boolean;
}

/** The workflow task timeout a run gets: the default when unset, at most the server's maximum and the run timeout. */
export function workflowTaskTimeout(ms: number, runTimeoutMs = 0): number {
  const timeoutMs = Math.min(ms > 0 ? ms : DEFAULT_WORKFLOW_TASK_TIMEOUT_MS, MAX_WORKFLOW_TASK_TIMEOUT_MS);
  return runTimeoutMs > 0 ? Math.min(timeoutMs, runTimeoutMs) : timeoutMs;
}

/** The run timeout a run gets: at most the execution timeout, which it is when unset. */
export function workflowRunTimeout(runTimeoutMs: number, executionTimeoutMs: number): number {
  if (executionTimeoutMs <= 0) return runTimeoutMs;
  return runTimeoutMs > 0 ? Math.min(runTimeoutMs, executionTimeoutMs) : executionTimeoutMs;
}

/** A workflow retry policy with the server's defaults filled in (none stays none). */
export function workflowRetryPolicy(policy: RetryPolicy | null | undefined): RetryPolicy | null {
  return policy ? normalizeRetryPolicy(policy) : null;
}

export class RunLifecycle {
  constructor(private readonly effects: Effects) {}

  /** Creates a run, writes WorkflowExecutionStarted and schedules (or delays) its first task. */
  createRun(ns: Namespace, workflowId: string, runId: string, config: RunConfig, origin: RunOrigin): WorkflowRun {
    const { clock } = this.effects;
    const run = new WorkflowRun(ns, workflowId, runId, config, clock);
    if (origin.requestId) {
      run.requestIds.add(origin.requestId);
      run.startRequestId = origin.requestId;
    }
    this.effects.runs.add(run);
    const backoffMs = origin.backoffMs ?? 0;
    run.executionTime = run.startTime + backoffMs;
    run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: config.workflowType },
        taskQueue: { name: config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: config.input ?? null,
        // As the official dev server writes them: left out for "no timeout" (but 0s for a run
        // timeout a command filled in), and 0s for "no backoff".
        workflowExecutionTimeout: optionalDuration(config.workflowExecutionTimeoutMs),
        workflowRunTimeout: config.workflowRunTimeoutSet
          ? duration(config.workflowRunTimeoutMs)
          : optionalDuration(config.workflowRunTimeoutMs),
        workflowTaskTimeout: duration(config.workflowTaskTimeoutMs),
        continuedExecutionRunId: origin.continuedExecutionRunId ?? '',
        initiator: origin.initiator ?? ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED,
        continuedFailure: config.continuedFailure ?? null,
        lastCompletionResult: config.lastCompletionResult ?? null,
        originalExecutionRunId: runId,
        identity: origin.identity ?? '',
        firstExecutionRunId: config.firstExecutionRunId,
        retryPolicy: config.retryPolicy ?? null,
        attempt: config.attempt,
        workflowExecutionExpirationTime: config.executionExpirationTime
          ? timestamp(config.executionExpirationTime)
          : null,
        cronSchedule: config.cronSchedule ?? '',
        firstWorkflowTaskBackoff: duration(backoffMs),
        prevAutoResetPoints: config.prevAutoResetPoints ? { points: config.prevAutoResetPoints } : null,
        memo: config.memo ?? null,
        searchAttributes: config.searchAttributes ?? null,
        header: config.header ?? null,
        workflowId,
        parentWorkflowNamespace: config.parent?.namespace ?? '',
        parentWorkflowNamespaceId: config.parent?.namespaceId ?? '',
        parentWorkflowExecution: config.parent
          ? { workflowId: config.parent.workflowId, runId: config.parent.runId }
          : null,
        parentInitiatedEventId: i64(config.parent?.initiatedEventId ?? 0),
        rootWorkflowExecution: config.root ?? null,
        priority: config.priority ?? null,
      },
      userMetadata: config.userMetadata ?? null,
    });
    if (origin.signal) {
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
        workflowExecutionSignaledEventAttributes: {
          signalName: origin.signal.name,
          input: origin.signal.input ?? null,
          identity: origin.signal.identity ?? '',
          header: origin.signal.header ?? null,
          requestId: origin.signal.requestId ?? '',
        },
      });
    }
    this.armRunTimeout(run);
    if (backoffMs > 0) {
      run.firstTaskBackoff = clock.schedule(run.executionTime, () => {
        run.firstTaskBackoff = undefined;
        this.effects.scheduleWorkflowTask(run);
      });
    } else {
      this.effects.scheduleWorkflowTask(run, !origin.eager);
    }
    return run;
  }

  armRunTimeout(run: WorkflowRun): void {
    const { config } = run;
    let deadline = config.workflowRunTimeoutMs > 0 ? run.startTime + config.workflowRunTimeoutMs : 0;
    if (config.executionExpirationTime > 0 && (deadline === 0 || config.executionExpirationTime < deadline)) {
      deadline = config.executionExpirationTime;
    }
    if (deadline === 0) return;
    run.runTimeout = this.effects.clock.schedule(deadline, () => {
      if (!run.isOpen) return;
      this.forceCloseWorkflowTask(run);
      // At the execution expiration (or without a retry policy) there is no retry: TIMEOUT.
      // Only a run timeout before the expiration consults the retry policy. The timer armed for
      // the expiration counts as the expiration: timers can fire a little before the clock
      // reads their deadline, so re-reading the clock here would take it for a run timeout.
      const expired = config.executionExpirationTime > 0 && deadline >= config.executionExpirationTime;
      const decision = expired
        ? { state: RetryState.RETRY_STATE_TIMEOUT }
        : this.retryDecision(run, { message: 'workflow timed out' }, true);
      const retry =
        decision.state === RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET
          ? { state: RetryState.RETRY_STATE_TIMEOUT }
          : decision;
      const newRunId = retry.delayMs !== undefined ? randomUUID() : '';
      this.effects.closeRun(
        run,
        Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
        () =>
          run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, {
            workflowExecutionTimedOutEventAttributes: { retryState: retry.state, newExecutionRunId: newRunId },
          }),
        newRunId ? undefined : { kind: 'timedOut', retryState: retry.state },
      );
      if (newRunId) this.retryRun(run, newRunId, retry.delayMs ?? 0, null);
    });
  }

  /**
   * Before a run is closed from outside (terminate, timeout): a started task is failed so the
   * history stays well formed, and held events are written.
   */
  forceCloseWorkflowTask(run: WorkflowRun): void {
    const task = run.workflowTask;
    if (task?.state === 'started') {
      run.append(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
        workflowTaskFailedEventAttributes: {
          scheduledEventId: i64(task.scheduledEventId),
          startedEventId: i64(task.startedEventId),
          cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
        },
      });
      moveWorkflowTask(task, 'failed');
    }
    run.flushBuffered();
  }

  terminateRun(run: WorkflowRun, reason: string, details: Payloads | null, identity: string): void {
    this.forceCloseWorkflowTask(run);
    this.effects.closeRun(
      run,
      Status.WORKFLOW_EXECUTION_STATUS_TERMINATED,
      () =>
        run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, {
          workflowExecutionTerminatedEventAttributes: { reason, details, identity },
        }),
      { kind: 'terminated' },
    );
  }

  completeRun(
    run: WorkflowRun,
    a: temporal.api.command.v1.ICompleteWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    this.effects.closeRun(
      run,
      Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
      () =>
        run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, {
          workflowExecutionCompletedEventAttributes: {
            result: a.result ?? null,
            workflowTaskCompletedEventId: i64(completedEventId),
            newExecutionRunId: '',
          },
        }),
      { kind: 'completed', result: a.result },
    );
  }

  failRun(run: WorkflowRun, failure: Failure, completedEventId: number): void {
    const retry = this.retryDecision(run, failure, false);
    const newRunId = retry.delayMs !== undefined ? randomUUID() : '';
    this.effects.closeRun(
      run,
      Status.WORKFLOW_EXECUTION_STATUS_FAILED,
      () =>
        run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
          workflowExecutionFailedEventAttributes: {
            failure,
            retryState: retry.state,
            workflowTaskCompletedEventId: i64(completedEventId),
            newExecutionRunId: newRunId,
          },
        }),
      newRunId ? undefined : { kind: 'failed', failure, retryState: retry.state },
    );
    if (newRunId) this.retryRun(run, newRunId, retry.delayMs ?? 0, failure);
  }

  cancelRun(
    run: WorkflowRun,
    a: temporal.api.command.v1.ICancelWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    this.effects.closeRun(
      run,
      Status.WORKFLOW_EXECUTION_STATUS_CANCELED,
      () =>
        run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, {
          workflowExecutionCanceledEventAttributes: {
            workflowTaskCompletedEventId: i64(completedEventId),
            details: a.details ?? null,
          },
        }),
      { kind: 'canceled', details: a.details },
    );
  }

  continueAsNew(
    run: WorkflowRun,
    a: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    const newRunId = randomUUID();
    const workflowType = a.workflowType?.name || run.config.workflowType;
    const taskQueue = a.taskQueue?.name || run.config.taskQueue;
    // As the server fills the command in: the run and task timeouts default to this run's. Memo,
    // search attributes and retry policy are the command's alone (core sends the current ones),
    // so what the service keeps beside them (BuildIds) does not carry over.
    const runTimeoutMs = workflowRunTimeout(
      durationMs(a.workflowRunTimeout) || run.config.workflowRunTimeoutMs,
      run.config.workflowExecutionTimeoutMs,
    );
    const taskTimeoutMs = workflowTaskTimeout(
      durationMs(a.workflowTaskTimeout) || run.config.workflowTaskTimeoutMs,
      runTimeoutMs,
    );
    const backoffMs = durationMs(a.backoffStartInterval);
    const memo = a.memo?.fields ? a.memo : null;
    const searchAttributes = typedSearchAttributes(run.namespace, a.searchAttributes);
    const retryPolicy = workflowRetryPolicy(a.retryPolicy);
    // The server writes the command's initiator on ContinuedAsNew and the defaulted one on the new run.
    const initiator = a.initiator || ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW;
    this.effects.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, () =>
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
        workflowExecutionContinuedAsNewEventAttributes: {
          newExecutionRunId: newRunId,
          workflowType: { name: workflowType },
          taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          input: a.input ?? null,
          workflowRunTimeout: duration(runTimeoutMs),
          workflowTaskTimeout: duration(taskTimeoutMs),
          workflowTaskCompletedEventId: i64(completedEventId),
          backoffStartInterval: backoffMs > 0 ? duration(backoffMs) : null,
          initiator: a.initiator ?? ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED,
          failure: a.failure ?? null,
          lastCompletionResult: a.lastCompletionResult ?? null,
          header: a.header ?? null,
          memo,
          searchAttributes,
          inheritBuildId: a.inheritBuildId ?? false,
        },
      }),
    );
    this.createRun(
      run.namespace,
      run.workflowId,
      newRunId,
      {
        ...run.config,
        workflowType,
        taskQueue,
        input: a.input,
        header: a.header,
        memo,
        searchAttributes,
        workflowRunTimeoutMs: runTimeoutMs,
        workflowRunTimeoutSet: true,
        workflowTaskTimeoutMs: taskTimeoutMs,
        retryPolicy,
        attempt: 1,
        lastCompletionResult: a.lastCompletionResult,
        continuedFailure: a.failure,
        prevAutoResetPoints: this.rolledOverResetPoints(run),
      },
      { continuedExecutionRunId: run.runId, initiator, backoffMs },
    );
  }

  /** Whether a failed (or timed out) run is retried under its workflow retry policy. */
  private retryDecision(
    run: WorkflowRun,
    failure: Failure,
    timeout: boolean,
  ): { state: temporal.api.enums.v1.RetryState; delayMs?: number } {
    const policy = run.config.retryPolicy;
    if (!policy) return { state: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET };
    const info = failure.applicationFailureInfo;
    if (!timeout && (info?.nonRetryable || (info?.type && (policy.nonRetryableErrorTypes ?? []).includes(info.type)))) {
      return { state: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE };
    }
    const maximumAttempts = policy.maximumAttempts ?? 0;
    if (maximumAttempts > 0 && run.config.attempt >= maximumAttempts) {
      return { state: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED };
    }
    const initialMs = durationMs(policy.initialInterval) || 1000;
    const coefficient = policy.backoffCoefficient || 2;
    const maximumMs = durationMs(policy.maximumInterval) || initialMs * 100;
    const explicit = durationMs(info?.nextRetryDelay);
    const delayMs = explicit > 0 ? explicit : Math.min(initialMs * coefficient ** (run.config.attempt - 1), maximumMs);
    const expiration = run.config.executionExpirationTime;
    if (expiration > 0 && this.effects.clock.now() + delayMs >= expiration) {
      return { state: RetryState.RETRY_STATE_TIMEOUT };
    }
    return { state: RetryState.RETRY_STATE_IN_PROGRESS, delayMs };
  }

  /**
   * The reset points a new run of the chain starts with (server: `rolloverAutoResetPointsWithExpiringTime`):
   * the closing run's, those of that run now expiring one retention after the new run starts, the
   * already expired left out.
   */
  private rolledOverResetPoints(run: WorkflowRun): ResetPoint[] | undefined {
    if (run.autoResetPoints.length === 0) return undefined;
    const now = this.effects.clock.now();
    return run.autoResetPoints
      .filter((p) => (timestampMs(p.expireTime) ?? Infinity) >= now)
      .map((p) => (p.runId === run.runId ? { ...p, expireTime: timestamp(now + NAMESPACE_RETENTION_MS) } : p));
  }

  private retryRun(run: WorkflowRun, newRunId: string, delayMs: number, failure: Failure | null): void {
    this.createRun(
      run.namespace,
      run.workflowId,
      newRunId,
      {
        ...run.config,
        attempt: run.config.attempt + 1,
        continuedFailure: failure,
        memo: run.memo,
        prevAutoResetPoints: this.rolledOverResetPoints(run),
      },
      {
        continuedExecutionRunId: run.runId,
        initiator: ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY,
        backoffMs: delayMs,
      },
    );
  }
}
