/**
 * Workflow updates. A request is admitted, delivered to the worker as a protocol message with
 * the next workflow task, then accepted (WorkflowExecutionUpdateAccepted), completed
 * (WorkflowExecutionUpdateCompleted) or rejected (no event). Callers block until the stage
 * they wait for, or until their long-poll deadline (the client then asks again).
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { invalidArgument, notFound, RpcError } from './errors';
import { i64 } from './proto';
import { advanceUpdate, isUpdateCompleted, newUpdate, updateReached, type UpdateState } from './state/update';
import type { WorkflowRun } from './state/workflow-run';
import type { ProtocolMessage } from './types';
import type { WorkflowStarts } from './workflow-starts';

const { EventType, UpdateWorkflowExecutionLifecycleStage: Stage } = enums;
type Stage = temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
type UpdateRequest = temporal.api.update.v1.IRequest;

const TYPE_PREFIX = 'type.googleapis.com/';
/** The server's default `history.maxInFlightUpdates`. */
const MAX_IN_FLIGHT_UPDATES = 10;
const REQUEST_TYPE = `${TYPE_PREFIX}temporal.api.update.v1.Request`;

export class Updates {
  /** By `runId\0updateId`. */
  private readonly updates = new Map<string, UpdateState>();

  constructor(
    private readonly effects: Effects,
    private readonly starts: WorkflowStarts,
  ) {
    effects.onRunClosed((run) => this.dropRun(run));
  }

  async update(
    request: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse> {
    const run = this.effects.runs.find(request.namespace, request.workflowExecution, request.firstExecutionRunId);
    const state = this.admit(run, request.request ?? {});
    // The caller re-sends while the stage is below ACCEPTED, so at least that is waited for.
    const stage = request.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
    return this.wait(state, Math.max(stage, Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED), answerBy);
  }

  async poll(
    request: temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateRequest,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateResponse> {
    const ref = request.updateRef;
    const run = this.effects.runs.find(request.namespace, ref?.workflowExecution);
    const state = this.updates.get(key(run.runId, ref?.updateId ?? ''));
    if (!state) throw notFound(`update ${ref?.updateId} not found`);
    // Without a wait policy (or ADMITTED) the current stage is answered at once.
    const { outcome, stage, updateRef } = await this.wait(
      state,
      request.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED,
      answerBy,
    );
    return { outcome, stage, updateRef };
  }

  /** Registers an update (or finds the one with the same id) and gets it to the worker. */
  private admit(run: WorkflowRun, request: UpdateRequest): UpdateState {
    const id = validateUpdateRequest(request);
    const existing = this.updates.get(key(run.runId, id));
    if (existing) return existing;
    if (!run.isOpen) throw notFound('workflow execution already completed');
    let inFlight = 0;
    for (const other of this.updates.values()) {
      if (other.runId === run.runId && !isUpdateCompleted(other)) inFlight++;
    }
    if (inFlight >= MAX_IN_FLIGHT_UPDATES) {
      throw new RpcError(
        grpcStatus.RESOURCE_EXHAUSTED,
        `limit on number of concurrent in-flight updates has been reached (${MAX_IN_FLIGHT_UPDATES})`,
      );
    }
    const state = newUpdate(id, run.runId, request);
    this.updates.set(key(run.runId, id), state);
    run.pendingUpdateIds.push(id);
    // An update ends a start delay (like signal-with-start), so the first task carries it.
    if (run.firstTaskBackoff) {
      run.firstTaskBackoff.cancel();
      run.firstTaskBackoff = undefined;
    }
    // A scheduled task carries it; after a started one, a new task is scheduled for it.
    this.effects.scheduleWorkflowTaskForUpdates(run);
    return state;
  }

  private wait(
    state: UpdateState,
    stage: Stage,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse> {
    const reached = () => updateReached(state, stage);
    const run = this.effects.runs.get(state.runId) as WorkflowRun;
    return new Promise((resolve, reject) => {
      const respond = () => {
        if (state.error) return reject(state.error);
        resolve({
          updateRef: { workflowExecution: run.execution, updateId: state.id },
          outcome: state.stage === Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED ? state.outcome : null,
          stage: state.stage,
        });
      };
      if (reached()) return respond();
      const finish = () => {
        clearTimeout(timer);
        state.waiters.delete(check);
        respond();
      };
      const check = () => {
        if (reached()) finish();
      };
      const timer = setTimeout(finish, Math.max(0, answerBy - Date.now()));
      state.waiters.add(check);
    });
  }

  /** Update ids to deliver with a workflow task being handed out. */
  takeForTask(run: WorkflowRun): string[] {
    const ids = run.pendingUpdateIds;
    run.pendingUpdateIds = [];
    return ids;
  }

  /** The `<updateId>/request` messages for a task, sequenced after its WorkflowTaskStarted's predecessor. */
  messagesFor(run: WorkflowRun, ids: string[], startedEventId: number): ProtocolMessage[] {
    const messages: ProtocolMessage[] = [];
    for (const id of ids) {
      const state = this.updates.get(key(run.runId, id));
      if (!state) continue;
      messages.push({
        id: `${id}/request`,
        protocolInstanceId: id,
        eventId: i64(startedEventId - 1),
        body: { type_url: REQUEST_TYPE, value: updateCodec().Request.encode(state.request).finish() },
      });
    }
    return messages;
  }

  /** Handles a protocol message from a completion; returns whether a new task is needed. */
  onMessage(run: WorkflowRun, message: ProtocolMessage, _completedEventId: number): boolean {
    const state = this.updates.get(key(run.runId, message.protocolInstanceId ?? ''));
    const typeUrl = message.body?.type_url ?? '';
    const value = message.body?.value ?? new Uint8Array();
    if (!state) throw invalidArgument(`Update ${message.protocolInstanceId} is not known`);
    const toObject = <T>(type: { decode(b: Uint8Array): object; toObject(m: object, o: object): object }) =>
      type.toObject(type.decode(value), { longs: Number, defaults: false }) as T;
    switch (typeUrl) {
      case `${TYPE_PREFIX}temporal.api.update.v1.Acceptance`: {
        const acceptance = toObject<temporal.api.update.v1.IAcceptance>(updateCodec().Acceptance);
        state.acceptedEventId = run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
          workflowExecutionUpdateAcceptedEventAttributes: {
            protocolInstanceId: state.id,
            acceptedRequestMessageId: acceptance.acceptedRequestMessageId ?? `${state.id}/request`,
            acceptedRequestSequencingEventId: acceptance.acceptedRequestSequencingEventId ?? i64(0),
            acceptedRequest: acceptance.acceptedRequest ?? state.request,
          },
        });
        advanceUpdate(state, Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
        return false;
      }
      case `${TYPE_PREFIX}temporal.api.update.v1.Response`: {
        const response = toObject<temporal.api.update.v1.IResponse>(updateCodec().Response);
        run.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
          workflowExecutionUpdateCompletedEventAttributes: {
            meta: response.meta ?? state.request.meta ?? null,
            acceptedEventId: i64(state.acceptedEventId ?? 0),
            outcome: response.outcome ?? null,
          },
        });
        advanceUpdate(state, Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, response.outcome ?? {});
        return false;
      }
      case `${TYPE_PREFIX}temporal.api.update.v1.Rejection`: {
        const rejection = toObject<temporal.api.update.v1.IRejection>(updateCodec().Rejection);
        this.reject(state, rejection.failure ?? { message: 'update rejected' });
        return false;
      }
      default:
        throw invalidArgument(`Unsupported protocol message body ${typeUrl}`);
    }
  }

  private reject(state: UpdateState, failure: temporal.api.failure.v1.IFailure): void {
    this.updates.delete(key(state.runId, state.id));
    advanceUpdate(state, Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, { failure });
  }

  /** After a completion: requests the worker neither accepted nor rejected count as rejected. */
  afterTask(run: WorkflowRun, ids: string[]): void {
    for (const id of ids) {
      const state = this.updates.get(key(run.runId, id));
      if (state && state.stage === Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED) {
        this.reject(state, { message: 'update was not handled by the workflow', applicationFailureInfo: {} });
      }
    }
  }

  requeue(run: WorkflowRun, ids: string[]): void {
    run.pendingUpdateIds.unshift(...ids);
  }

  /** The run closed: updates still in flight fail. */
  private dropRun(run: WorkflowRun): void {
    for (const [k, state] of this.updates) {
      if (state.runId !== run.runId) continue;
      if (isUpdateCompleted(state)) continue;
      if (state.stage === Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED) {
        // Accepted but unfinished: completed with the failure the server reports.
        advanceUpdate(state, Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, {
          failure: {
            message: 'Workflow Update failed because the Workflow completed before the Update completed.',
            source: 'Server',
            applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true },
          },
        });
        continue;
      }
      this.updates.delete(k);
      state.error = notFound('workflow execution already completed');
      for (const waiter of [...state.waiters]) waiter();
    }
    run.pendingUpdateIds = [];
  }

  /** Update-with-start: start (or reuse) the workflow, then update it. */
  async multiOperation(
    request: temporal.api.workflowservice.v1.IExecuteMultiOperationRequest,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IExecuteMultiOperationResponse> {
    const [first, second] = request.operations ?? [];
    if (!first?.startWorkflow || !second?.updateWorkflow || (request.operations?.length ?? 0) !== 2) {
      throw invalidArgument('ExecuteMultiOperation supports exactly [startWorkflow, updateWorkflow]');
    }
    const ns = this.effects.namespace(request.namespace);
    const startRequest = first.startWorkflow;
    const updateRequest = second.updateWorkflow;
    let started: ReturnType<WorkflowStarts['startRun']>;
    // A refused update must not leave a started workflow behind (the server starts nothing):
    // what can refuse an update for a run this call creates is checked before the start.
    try {
      validateUpdateRequest(updateRequest.request ?? {});
    } catch (err) {
      throw multiOperationFailure(err, 1);
    }
    try {
      if (!startRequest.workflowIdConflictPolicy) {
        throw invalidArgument('Update-with-start requires a workflow id conflict policy');
      }
      // The new run's first task is kept off the queue until the update is admitted, so that, as
      // on the server, it carries the update (a waiting poller would otherwise take it at once).
      started = this.starts.startRun(ns, { ...startRequest, namespace: ns.name }, { eager: true });
    } catch (err) {
      throw multiOperationFailure(err, 0);
    }
    const { run } = started;
    let updateResponse: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse;
    try {
      let state: UpdateState;
      try {
        state = this.admit(run, updateRequest.request ?? {});
      } finally {
        this.effects.dispatchWorkflowTask(run);
      }
      updateResponse = await this.wait(
        state,
        Math.max(
          updateRequest.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
          Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
        ),
        answerBy,
      );
    } catch (err) {
      throw multiOperationFailure(err, 1);
    }
    return {
      responses: [
        { startWorkflow: { runId: run.runId, started: started.started, status: run.status } },
        { updateWorkflow: updateResponse },
      ],
    };
  }
}

/**
 * Protobuf codecs for the update protocol's message bodies (`Any`). Loaded on first use: the
 * SDK's proto module is large and only updates need it.
 */
function updateCodec(): typeof temporal.api.update.v1 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
  return (require('@temporalio/proto') as typeof import('@temporalio/proto')).temporal.api.update.v1;
}

/**
 * The error of a failed update-with-start as the server reports it: the failing operation's
 * code and message on the call, and a `MultiOperationExecutionFailure` detail with one status
 * per operation (the failing one as it is, the others `Aborted`). The client rethrows the
 * failing operation's status instead of a generic "Update-With-Start failed".
 */
function multiOperationFailure(err: unknown, failedIndex: number, operations = 2): unknown {
  if (!(err instanceof RpcError)) return err;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
  const proto = require('@temporalio/proto') as typeof import('@temporalio/proto');
  const aborted = {
    code: grpcStatus.ABORTED,
    message: 'Operation was aborted.',
    details: [
      {
        type_url: `${TYPE_PREFIX}temporal.api.failure.v1.MultiOperationExecutionAborted`,
        value: proto.temporal.api.failure.v1.MultiOperationExecutionAborted.encode({}).finish(),
      },
    ],
  };
  const statuses = Array.from({ length: operations }, (_, index) =>
    index === failedIndex
      ? {
          code: err.code,
          message: err.message,
          details: err.details.map((d) => ({ type_url: `${TYPE_PREFIX}${d.type}`, value: d.value })),
        }
      : aborted,
  );
  const failure = proto.temporal.api.errordetails.v1.MultiOperationExecutionFailure.encode({ statuses }).finish();
  return new RpcError(err.code, 'MultiOperation could not be executed.', [
    { type: 'temporal.api.errordetails.v1.MultiOperationExecutionFailure', value: failure },
  ]);
}

/** The update id of a request that names both an id and an update; INVALID_ARGUMENT otherwise. */
function validateUpdateRequest(request: UpdateRequest): string {
  const id = request.meta?.updateId ?? '';
  if (!id) throw invalidArgument('Update id is required');
  if (!request.input?.name) throw invalidArgument('Update name is required');
  return id;
}

function key(runId: string, updateId: string): string {
  return `${runId}\u0000${updateId}`;
}
