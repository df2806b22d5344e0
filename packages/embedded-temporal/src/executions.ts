/**
 * Workflow executions: start (with id reuse/conflict policies and request-id dedupe), signal,
 * signal-with-start, cancel request, terminate, close commands, continue-as-new, workflow
 * retries, run timeouts, describe and history.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import type { Engine } from './engine';
import type { PendingActivity } from './activities';
import { invalidArgument, notFound, workflowAlreadyStarted } from './errors';
import type { Namespace } from './namespaces';
import { SearchAttributeError } from './visibility';
import { i64 } from './proto';
import { duration, durationMs, optionalDuration, timestamp } from './time';
import type { Failure, Payloads, SearchAttributes } from './types';
import { type ParentInfo, type RunConfig, WorkflowRun } from './workflow-run';

const {
  EventType,
  WorkflowExecutionStatus: Status,
  WorkflowIdReusePolicy: Reuse,
  WorkflowIdConflictPolicy: Conflict,
  RetryState,
  ContinueAsNewInitiator,
  TaskQueueKind,
  HistoryEventFilterType,
  PendingActivityState,
  PendingWorkflowTaskState,
} = enums;
type ContinueAsNewInitiator = temporal.api.enums.v1.ContinueAsNewInitiator;
type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

const DEFAULT_WORKFLOW_TASK_TIMEOUT_MS = 10_000;
/** The server's default `limit.maxIDLength`. */
const MAX_ID_LENGTH = 1000;
const MAX_WORKFLOW_TASK_TIMEOUT_MS = 120_000;

/** How a new run comes to be (beyond its config). */
interface RunOrigin {
  identity?: string;
  requestId?: string;
  continuedExecutionRunId?: string;
  initiator?: ContinueAsNewInitiator;
  backoffMs?: number;
  /** A signal recorded right after WorkflowExecutionStarted (signal-with-start). */
  signal?: { name: string; input?: Payloads | null; header?: StartRequest['header']; identity?: string };
  runId?: string;
  parent?: ParentInfo;
  root?: { workflowId: string; runId: string };
  /** Eager start: the first task is kept off the queue for the caller to take. */
  eager?: boolean;
}

export class Executions {
  constructor(private readonly engine: Engine) {}

  /** Search attributes validated and with `metadata.type` filled from the namespace registry. */
  typedSearchAttributes(ns: Namespace, attributes: SearchAttributes | null | undefined): SearchAttributes | null {
    const fields = attributes?.indexedFields;
    if (!fields) return null;
    const registry = ns.searchAttributes;
    try {
      registry.validateUpsert(fields);
      const typed: Record<string, temporal.api.common.v1.IPayload> = {};
      for (const [name, payload] of Object.entries(fields)) {
        typed[name] = registry.withTypeMetadata(name, payload) as temporal.api.common.v1.IPayload;
      }
      return { indexedFields: typed };
    } catch (err) {
      if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
      throw err;
    }
  }

  /**
   * The server keeps the build ids of the workers that completed workflow tasks in the `BuildIds`
   * search attribute (`unversioned`, `unversioned:<id>` for unversioned workers), with no event.
   */
  recordBuildId(run: WorkflowRun, buildId: string): void {
    if (!buildId) return;
    const existing = run.searchAttributes?.indexedFields?.BuildIds;
    const current: string[] = existing?.data
      ? (JSON.parse(Buffer.from(existing.data).toString('utf8')) as string[])
      : [];
    const wanted = ['unversioned', `unversioned:${buildId}`];
    if (wanted.every((id) => current.includes(id))) return;
    const merged = [...new Set([...current, ...wanted])];
    run.searchAttributes = {
      indexedFields: {
        ...(run.searchAttributes?.indexedFields ?? {}),
        BuildIds: {
          metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('KeywordList') },
          data: Buffer.from(JSON.stringify(merged)),
        },
      },
    };
    run.visibilityCache = undefined;
  }

  /** Applies an upsert: set values replace, unset values (null, empty list) remove. */
  mergeSearchAttributes(run: WorkflowRun, upsert: SearchAttributes | null): void {
    const merged = { ...(run.searchAttributes?.indexedFields ?? {}) };
    for (const [name, payload] of Object.entries(upsert?.indexedFields ?? {})) {
      if (run.namespace.searchAttributes.decode(name, payload) === null) delete merged[name];
      else merged[name] = payload;
    }
    run.searchAttributes = { indexedFields: merged };
    run.visibilityCache = undefined;
  }

  start(request: StartRequest): temporal.api.workflowservice.v1.IStartWorkflowExecutionResponse {
    const ns = this.engine.namespace(request.namespace);
    const eager = request.requestEagerExecution === true;
    const { run, started } = this.startRun(ns, request, { eager });
    // Eager start: the first workflow task goes back to the caller (core asks only when one of
    // its workers has reserved a slot for it).
    const eagerWorkflowTask =
      started && request.requestEagerExecution
        ? this.engine.workflowTasks.startEagerly(run, request.identity ?? '')
        : undefined;
    return { runId: run.runId, started, status: run.status, eagerWorkflowTask: eagerWorkflowTask ?? null };
  }

  startRun(
    ns: Namespace,
    request: StartRequest & { workflowIdReusePolicy?: number | null; workflowIdConflictPolicy?: number | null },
    origin: RunOrigin,
  ): { run: WorkflowRun; started: boolean } {
    const workflowId = request.workflowId ?? '';
    if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
    if (workflowId.length > MAX_ID_LENGTH) throw invalidArgument('WorkflowId length exceeds limit.');
    if ((request.taskQueue?.name ?? '').length > MAX_ID_LENGTH) {
      throw invalidArgument('TaskQueue length exceeds limit.');
    }
    if ((request.requestId ?? '').length > MAX_ID_LENGTH) throw invalidArgument('RequestId length exceeds limit.');
    if (!request.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
    if (!request.taskQueue?.name) throw invalidArgument('TaskQueue is not set on request.');
    const requestId = request.requestId ?? '';
    if (requestId) {
      for (const previous of this.engine.chainRuns(ns.name, workflowId)) {
        if (previous.requestIds.has(requestId)) return { run: previous, started: true };
      }
    }
    const reuse = request.workflowIdReusePolicy || Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
    const current = this.engine.currentRun(ns.name, workflowId);
    if (current?.isOpen) {
      let conflict = request.workflowIdConflictPolicy || Conflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL;
      if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) {
        conflict = Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
      }
      if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) {
        if (requestId) current.requestIds.add(requestId);
        return { run: current, started: false };
      }
      if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
        this.terminateRun(current, 'terminated by a new start with the same workflow id', null, request.identity ?? '');
      } else {
        throw workflowAlreadyStarted(
          `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${current.runId}.`,
          current.startRequestId,
          current.runId,
        );
      }
    } else if (current) {
      const rejected =
        reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ||
        (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
          (current.status === Status.WORKFLOW_EXECUTION_STATUS_COMPLETED ||
            current.status === Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW));
      if (rejected) {
        throw workflowAlreadyStarted(
          `Workflow execution already finished and the WorkflowIdReusePolicy does not allow a new start. WorkflowId: ${workflowId}, RunId: ${current.runId}.`,
          current.startRequestId,
          current.runId,
        );
      }
    }
    const runId = origin.runId ?? randomUUID();
    const runTimeoutMs = durationMs(request.workflowRunTimeout);
    const executionTimeoutMs = durationMs(request.workflowExecutionTimeout);
    const config: RunConfig = {
      workflowType: request.workflowType.name,
      taskQueue: request.taskQueue.name,
      input: request.input,
      header: request.header,
      memo: request.memo,
      searchAttributes: this.typedSearchAttributes(ns, request.searchAttributes),
      workflowExecutionTimeoutMs: executionTimeoutMs,
      workflowRunTimeoutMs: runTimeoutMs || executionTimeoutMs,
      workflowTaskTimeoutMs: workflowTaskTimeout(durationMs(request.workflowTaskTimeout)),
      retryPolicy: request.retryPolicy,
      attempt: 1,
      firstExecutionRunId: runId,
      executionExpirationTime: executionTimeoutMs > 0 ? this.engine.clock.now() + executionTimeoutMs : 0,
      cronSchedule: request.cronSchedule ?? '',
      lastCompletionResult: request.lastCompletionResult,
      continuedFailure: request.continuedFailure,
      parent: origin.parent,
      root: origin.root,
      priority: request.priority,
      userMetadata: request.userMetadata,
    };
    const run = this.createRun(ns, workflowId, runId, config, {
      ...origin,
      identity: request.identity ?? '',
      requestId,
      backoffMs: durationMs(request.workflowStartDelay),
    });
    return { run, started: true };
  }

  /** Creates a run, writes WorkflowExecutionStarted and schedules (or delays) its first task. */
  createRun(ns: Namespace, workflowId: string, runId: string, config: RunConfig, origin: RunOrigin): WorkflowRun {
    const clock = this.engine.clock;
    const run = new WorkflowRun(ns, workflowId, runId, config, clock);
    if (origin.requestId) {
      run.requestIds.add(origin.requestId);
      run.startRequestId = origin.requestId;
    }
    this.engine.addRun(run);
    const backoffMs = origin.backoffMs ?? 0;
    run.executionTime = run.startTime + backoffMs;
    run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: config.workflowType },
        taskQueue: { name: config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: config.input ?? null,
        // As the official dev server writes them: left out for "no timeout", but 0s for "no backoff".
        workflowExecutionTimeout: optionalDuration(config.workflowExecutionTimeoutMs),
        workflowRunTimeout: optionalDuration(config.workflowRunTimeoutMs),
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
        },
      });
    }
    this.armRunTimeout(run);
    if (backoffMs > 0) {
      run.firstTaskBackoff = clock.schedule(run.executionTime, () => {
        run.firstTaskBackoff = undefined;
        this.engine.workflowTasks.schedule(run);
      });
    } else {
      this.engine.workflowTasks.schedule(run, !origin.eager);
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
    run.runTimeout = this.engine.clock.schedule(deadline, () => {
      if (!run.isOpen) return;
      this.engine.workflowTasks.forceClose(run);
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
      this.engine.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, () =>
        run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, {
          workflowExecutionTimedOutEventAttributes: { retryState: retry.state, newExecutionRunId: newRunId },
        }),
      );
      if (newRunId) this.retryRun(run, newRunId, retry.delayMs ?? 0, null);
      else this.engine.children.closed(run, { kind: 'timedOut', retryState: retry.state });
    });
  }

  signal(request: temporal.api.workflowservice.v1.ISignalWorkflowExecutionRequest): object {
    const run = this.engine.findRun(request.namespace, request.workflowExecution);
    if (!run.isOpen) throw notFound('workflow execution already completed');
    if (!request.signalName) throw invalidArgument('SignalName is not set on request.');
    const requestId = request.requestId ?? '';
    if (requestId && run.requestIds.has(requestId)) return {};
    if (requestId) run.requestIds.add(requestId);
    this.recordSignal(
      run,
      request.signalName,
      request.input,
      request.header,
      request.identity ?? '',
      undefined,
      requestId,
    );
    return {};
  }

  recordSignal(
    run: WorkflowRun,
    signalName: string,
    input: Payloads | null | undefined,
    header: StartRequest['header'],
    identity: string,
    external?: { initiatedEventId: number; workflowId: string; runId: string },
    requestId = '',
  ): void {
    this.engine.recordEvent(run, () =>
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

  signalWithStart(
    request: temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest,
  ): temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionResponse {
    const ns = this.engine.namespace(request.namespace);
    if (!request.signalName) throw invalidArgument('SignalName is not set on request.');
    const current = this.engine.currentRun(ns.name, request.workflowId ?? '');
    const conflict = request.workflowIdConflictPolicy || Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING;
    if (current?.isOpen && conflict !== Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
      // Signal-with-start ends a pending start delay (a plain signal does not).
      if (current.firstTaskBackoff) {
        current.firstTaskBackoff.cancel();
        current.firstTaskBackoff = undefined;
      }
      this.recordSignal(current, request.signalName, request.signalInput, request.header, request.identity ?? '');
      return { runId: current.runId, started: false };
    }
    const { run, started } = this.startRun(
      ns,
      { ...request, workflowIdConflictPolicy: conflict },
      {
        signal: {
          name: request.signalName,
          input: request.signalInput,
          header: request.header,
          identity: request.identity ?? '',
        },
      },
    );
    return { runId: run.runId, started };
  }

  requestCancel(request: temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionRequest): object {
    const run = this.engine.findRun(request.namespace, request.workflowExecution, request.firstExecutionRunId);
    if (!run.isOpen) throw notFound('workflow execution already completed');
    const requestId = request.requestId ?? '';
    if (requestId && run.requestIds.has(requestId)) return {};
    if (requestId) run.requestIds.add(requestId);
    this.recordCancelRequest(run, request.reason ?? '', request.identity ?? '');
    return {};
  }

  /** Records a cancel request once per run (later requests are no-ops, as on the server). */
  recordCancelRequest(
    run: WorkflowRun,
    reason: string,
    identity: string,
    external?: { initiatedEventId: number; workflowId: string; runId: string },
  ): void {
    if (!run.isOpen || run.cancelRequested) return;
    run.cancelRequested = true;
    this.engine.recordEvent(run, () =>
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

  terminate(request: temporal.api.workflowservice.v1.ITerminateWorkflowExecutionRequest): object {
    const run = this.engine.findRun(request.namespace, request.workflowExecution, request.firstExecutionRunId);
    if (!run.isOpen) throw notFound('workflow execution already completed');
    this.terminateRun(run, request.reason ?? '', request.details ?? null, request.identity ?? '');
    return {};
  }

  terminateRun(run: WorkflowRun, reason: string, details: Payloads | null, identity: string): void {
    this.engine.workflowTasks.forceClose(run);
    this.engine.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_TERMINATED, () =>
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, {
        workflowExecutionTerminatedEventAttributes: { reason, details, identity },
      }),
    );
    this.engine.children.closed(run, { kind: 'terminated' });
  }

  completeRun(
    run: WorkflowRun,
    a: temporal.api.command.v1.ICompleteWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    this.engine.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_COMPLETED, () =>
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, {
        workflowExecutionCompletedEventAttributes: {
          result: a.result ?? null,
          workflowTaskCompletedEventId: i64(completedEventId),
          newExecutionRunId: '',
        },
      }),
    );
    this.engine.children.closed(run, { kind: 'completed', result: a.result });
  }

  failRun(run: WorkflowRun, failure: Failure, completedEventId: number): void {
    const retry = this.retryDecision(run, failure, false);
    const newRunId = retry.delayMs !== undefined ? randomUUID() : '';
    this.engine.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_FAILED, () =>
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
        workflowExecutionFailedEventAttributes: {
          failure,
          retryState: retry.state,
          workflowTaskCompletedEventId: i64(completedEventId),
          newExecutionRunId: newRunId,
        },
      }),
    );
    if (newRunId) this.retryRun(run, newRunId, retry.delayMs ?? 0, failure);
    else this.engine.children.closed(run, { kind: 'failed', failure, retryState: retry.state });
  }

  cancelRun(
    run: WorkflowRun,
    a: temporal.api.command.v1.ICancelWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    this.engine.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_CANCELED, () =>
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, {
        workflowExecutionCanceledEventAttributes: {
          workflowTaskCompletedEventId: i64(completedEventId),
          details: a.details ?? null,
        },
      }),
    );
    this.engine.children.closed(run, { kind: 'canceled', details: a.details });
  }

  continueAsNew(
    run: WorkflowRun,
    a: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes,
    completedEventId: number,
  ): void {
    const newRunId = randomUUID();
    const workflowType = a.workflowType?.name || run.config.workflowType;
    const taskQueue = a.taskQueue?.name || run.config.taskQueue;
    const runTimeoutMs = durationMs(a.workflowRunTimeout) || run.config.workflowRunTimeoutMs;
    const taskTimeoutMs = workflowTaskTimeout(durationMs(a.workflowTaskTimeout) || run.config.workflowTaskTimeoutMs);
    const backoffMs = durationMs(a.backoffStartInterval);
    const memo = a.memo?.fields ? a.memo : run.memo;
    const searchAttributes = a.searchAttributes?.indexedFields
      ? this.typedSearchAttributes(run.namespace, a.searchAttributes)
      : run.searchAttributes;
    const initiator = a.initiator || ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW;
    this.engine.closeRun(run, Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, () =>
      run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
        workflowExecutionContinuedAsNewEventAttributes: {
          newExecutionRunId: newRunId,
          workflowType: { name: workflowType },
          taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          input: a.input ?? null,
          workflowRunTimeout: optionalDuration(runTimeoutMs),
          workflowTaskTimeout: duration(taskTimeoutMs),
          workflowTaskCompletedEventId: i64(completedEventId),
          backoffStartInterval: backoffMs > 0 ? duration(backoffMs) : null,
          initiator,
          failure: a.failure ?? null,
          lastCompletionResult: a.lastCompletionResult ?? null,
          header: a.header ?? null,
          memo: memo ?? null,
          searchAttributes: searchAttributes ?? null,
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
        workflowTaskTimeoutMs: taskTimeoutMs,
        retryPolicy: a.retryPolicy ?? run.config.retryPolicy,
        attempt: 1,
        lastCompletionResult: a.lastCompletionResult,
        continuedFailure: a.failure,
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
    if (expiration > 0 && this.engine.clock.now() + delayMs >= expiration) {
      return { state: RetryState.RETRY_STATE_TIMEOUT };
    }
    return { state: RetryState.RETRY_STATE_IN_PROGRESS, delayMs };
  }

  private retryRun(run: WorkflowRun, newRunId: string, delayMs: number, failure: Failure | null): void {
    this.createRun(
      run.namespace,
      run.workflowId,
      newRunId,
      { ...run.config, attempt: run.config.attempt + 1, continuedFailure: failure, memo: run.memo },
      {
        continuedExecutionRunId: run.runId,
        initiator: ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY,
        backoffMs: delayMs,
      },
    );
  }

  describe(
    request: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionRequest,
  ): temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse {
    const run = this.engine.findRun(request.namespace, request.execution);
    const task = run.workflowTask;
    return {
      executionConfig: {
        taskQueue: { name: run.config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        workflowExecutionTimeout: optionalDuration(run.config.workflowExecutionTimeoutMs),
        workflowRunTimeout: optionalDuration(run.config.workflowRunTimeoutMs),
        defaultWorkflowTaskTimeout: duration(run.config.workflowTaskTimeoutMs),
        userMetadata: run.config.userMetadata ?? null,
      },
      workflowExecutionInfo: this.executionInfo(run),
      pendingActivities: [...run.activities.values()].map((a) => ({
        activityId: a.activityId,
        activityType: { name: a.activityType },
        state: pendingActivityState(a),
        paused: a.pause !== undefined,
        pauseInfo: a.pause
          ? { pauseTime: timestamp(a.pause.time), manual: { identity: a.pause.identity, reason: a.pause.reason } }
          : null,
        heartbeatDetails: a.heartbeatDetails ?? null,
        lastHeartbeatTime: a.lastHeartbeatTime ? timestamp(a.lastHeartbeatTime) : null,
        lastStartedTime: a.startedTime ? timestamp(a.startedTime) : null,
        attempt: a.attempt,
        maximumAttempts: a.retry.maximumAttempts,
        scheduledTime: timestamp(a.currentAttemptScheduledTime),
        expirationTime: a.scheduleToCloseMs > 0 ? timestamp(a.scheduledTime + a.scheduleToCloseMs) : null,
        lastFailure: a.lastFailure ?? null,
        lastWorkerIdentity: a.identity,
      })),
      pendingChildren: this.engine.children.pending(run),
      pendingWorkflowTask: task
        ? {
            state:
              task.state === 'started'
                ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: timestamp(task.scheduledTime),
            originalScheduledTime: timestamp(task.scheduledTime),
            startedTime: task.startedTime ? timestamp(task.startedTime) : null,
            attempt: task.attempt,
          }
        : null,
    };
  }

  executionInfo(run: WorkflowRun): temporal.api.workflow.v1.IWorkflowExecutionInfo {
    return {
      execution: run.execution,
      type: { name: run.config.workflowType },
      startTime: timestamp(run.startTime),
      closeTime: run.closeTime !== undefined ? timestamp(run.closeTime) : null,
      status: run.status,
      historyLength: i64(run.events.length),
      executionTime: timestamp(run.executionTime),
      memo: run.memo ?? { fields: {} },
      searchAttributes: run.searchAttributes ?? { indexedFields: {} },
      taskQueue: run.config.taskQueue,
      parentNamespaceId: run.config.parent?.namespaceId ?? '',
      parentExecution: run.config.parent
        ? { workflowId: run.config.parent.workflowId, runId: run.config.parent.runId }
        : null,
      executionDuration: run.closeTime !== undefined ? duration(run.closeTime - run.executionTime) : null,
      firstRunId: run.config.firstExecutionRunId,
      rootExecution: run.config.root ?? run.execution,
      stateTransitionCount: i64(run.events.length),
      historySizeBytes: i64(run.historySizeBytes()),
    };
  }

  /** GetWorkflowExecutionHistory: full or paged, optionally long-polling for new or close events. */
  async history(
    request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse> {
    const run = this.engine.findRun(request.namespace, request.execution);
    const wait = request.waitNewEvent === true;
    if (request.historyEventFilterType === HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT) {
      if (run.isOpen && wait) await waitFor(run, () => !run.isOpen, answerBy);
      if (run.isOpen) return { history: { events: [] }, nextPageToken: Buffer.from('close') };
      return { history: { events: [run.events[run.events.length - 1]] } };
    }
    let offset = 0;
    const token = request.nextPageToken ? Buffer.from(request.nextPageToken).toString('utf8') : '';
    if (token) {
      offset = Number(token);
      if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('Invalid next page token');
    }
    if (wait && run.isOpen && offset >= run.events.length) {
      await waitFor(run, () => run.events.length > offset || !run.isOpen, answerBy);
    }
    const pageSize = request.maximumPageSize && request.maximumPageSize > 0 ? request.maximumPageSize : Infinity;
    const events = run.events.slice(offset, offset + pageSize);
    const next = offset + events.length;
    const more = next < run.events.length || (wait && run.isOpen);
    return { history: { events }, nextPageToken: more ? Buffer.from(String(next)) : Buffer.alloc(0) };
  }

  /** Newest event first, paged; the token counts the older events still to return. */
  historyReverse(
    request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseRequest,
  ): temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse {
    const run = this.engine.findRun(request.namespace, request.execution);
    let end = run.events.length;
    const token = request.nextPageToken ? Buffer.from(request.nextPageToken).toString('utf8') : '';
    if (token) {
      end = Number(token);
      if (!Number.isInteger(end) || end <= 0 || end > run.events.length)
        throw invalidArgument('Invalid next page token');
    }
    const pageSize = request.maximumPageSize && request.maximumPageSize > 0 ? request.maximumPageSize : end;
    const start = Math.max(0, end - pageSize);
    const events = run.events.slice(start, end).reverse();
    return { history: { events }, nextPageToken: start > 0 ? Buffer.from(String(start)) : Buffer.alloc(0) };
  }
}

function workflowTaskTimeout(ms: number): number {
  if (ms <= 0) return DEFAULT_WORKFLOW_TASK_TIMEOUT_MS;
  return Math.min(ms, MAX_WORKFLOW_TASK_TIMEOUT_MS);
}

/** Resolves when `done()` holds after an event on the run, or at `answerBy` (wall clock). */
function waitFor(run: WorkflowRun, done: () => boolean, answerBy: number): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, Math.max(0, answerBy - Date.now()));
    const unsubscribe = run.subscribe(() => {
      if (done()) finish();
    });
  });
}

function pendingActivityState(a: PendingActivity): temporal.api.enums.v1.PendingActivityState {
  if (a.state === 'paused') return PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED;
  if (a.state !== 'started') return PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;
  if (a.cancelRequested) return PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED;
  // Paused while an attempt runs: the pause takes effect when that attempt ends.
  if (a.pause) return PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED;
  return PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
}
