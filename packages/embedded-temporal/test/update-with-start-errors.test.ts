/**
 * Update-with-start failures reach the client as the failing operation's own gRPC error: the
 * service answers with a `MultiOperationExecutionFailure` detail (one status per operation, the
 * others `Aborted`), which the client unwraps instead of throwing "Update-With-Start failed".
 */
import { randomUUID } from 'node:crypto';
import { status as grpcStatus, type ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import { useWorkerSuite } from './helpers/suite';
import { closesOverAnUpdate, counter, doneSignal, incrementUpdate, neverFinishesUpdate } from './workflows';

/** The server's default `history.maxInFlightUpdates`. */
const MAX_IN_FLIGHT_UPDATES = 10;

/** The operation statuses of a MultiOperationExecutionFailure carried by a gRPC error. */
function operationStatuses(err: GrpcServiceError) {
  const [raw] = err.metadata.get('grpc-status-details-bin');
  if (!(raw instanceof Buffer)) throw new Error('no grpc-status-details-bin trailer');
  const [detail, ...rest] = google.rpc.Status.decode(raw).details;
  expect(rest).toHaveLength(0);
  expect(detail?.type_url).toBe('type.googleapis.com/temporal.api.errordetails.v1.MultiOperationExecutionFailure');
  return temporal.api.errordetails.v1.MultiOperationExecutionFailure.decode(detail!.value!).statuses.map((s) => ({
    code: s.code,
    message: s.message,
    detailTypes: (s.details ?? []).map((d) => d.type_url),
  }));
}

const ABORTED = {
  code: grpcStatus.ABORTED,
  message: 'Operation was aborted.',
  detailTypes: ['type.googleapis.com/temporal.api.failure.v1.MultiOperationExecutionAborted'],
};

describe('update-with-start errors', () => {
  const suite = useWorkerSuite({ name: 'uws-errors' });
  const { taskQueue } = suite;

  it('reports an invalid start operation as INVALID_ARGUMENT on both the update and the workflow handle', async () => {
    const startOperation = new WithStartWorkflowOperation(counter, {
      taskQueue,
      workflowId: 'x'.repeat(1001),
      args: [0],
      workflowIdConflictPolicy: 'FAIL',
    });
    const update = suite.env.client.workflow.startUpdateWithStart(incrementUpdate, {
      args: [1],
      waitForStage: 'ACCEPTED',
      startWorkflowOperation: startOperation,
    });
    for (const promise of [update, startOperation.workflowHandle()]) {
      const err: unknown = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGrpcServiceError(err)).toBe(true);
      expect((err as GrpcServiceError).code).toBe(grpcStatus.INVALID_ARGUMENT);
      expect((err as GrpcServiceError).message).toBe('WorkflowId length exceeds limit.');
    }
    const err = (await update.catch((e: unknown) => e)) as GrpcServiceError;
    expect(operationStatuses(err)).toEqual([
      { code: grpcStatus.INVALID_ARGUMENT, message: 'WorkflowId length exceeds limit.', detailTypes: [] },
      ABORTED,
    ]);
  });

  it('reports a start conflict as WorkflowExecutionAlreadyStartedError', async () => {
    const workflowId = `uws-conflict-${randomUUID()}`;
    const handle = suite.track(await suite.env.client.workflow.start(counter, { taskQueue, workflowId, args: [0] }));
    const startOperation = new WithStartWorkflowOperation(counter, {
      taskQueue,
      workflowId,
      args: [0],
      workflowIdConflictPolicy: 'FAIL',
    });
    const update = suite.env.client.workflow.executeUpdateWithStart(incrementUpdate, {
      args: [1],
      startWorkflowOperation: startOperation,
    });
    await expect(update).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await expect(startOperation.workflowHandle()).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    // The client replaces the gRPC error; the raw call shows the per-operation statuses.
    const raw = await suite.env.connection.workflowService
      .executeMultiOperation({
        namespace: 'default',
        operations: [
          {
            startWorkflow: {
              namespace: 'default',
              workflowId,
              workflowType: { name: 'counter' },
              taskQueue: { name: taskQueue },
              requestId: randomUUID(),
              workflowIdConflictPolicy: temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
            },
          },
          {
            updateWorkflow: {
              namespace: 'default',
              workflowExecution: { workflowId },
              request: { meta: { updateId: randomUUID() }, input: { name: incrementUpdate.name } },
            },
          },
        ],
      })
      .catch((e: unknown) => e as GrpcServiceError);
    expect((raw as GrpcServiceError).code).toBe(grpcStatus.ALREADY_EXISTS);
    const [start, updateStatus] = operationStatuses(raw as GrpcServiceError);
    expect(start?.code).toBe(grpcStatus.ALREADY_EXISTS);
    expect(start?.detailTypes).toEqual([
      'type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    ]);
    expect(updateStatus).toEqual(ABORTED);
    await handle.signal(doneSignal);
    expect(await handle.result()).toBe(0);
  });

  it('starts no workflow when the update is refused', async () => {
    const workflowId = `uws-refused-${randomUUID()}`;
    const raw = await suite.env.connection.workflowService
      .executeMultiOperation({
        namespace: 'default',
        operations: [
          {
            startWorkflow: {
              namespace: 'default',
              workflowId,
              workflowType: { name: 'counter' },
              taskQueue: { name: taskQueue },
              requestId: randomUUID(),
              workflowIdConflictPolicy: temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
            },
          },
          {
            // No update name: the update operation is invalid.
            updateWorkflow: {
              namespace: 'default',
              workflowExecution: { workflowId },
              request: { meta: { updateId: randomUUID() }, input: {} },
            },
          },
        ],
      })
      .catch((e: unknown) => e as GrpcServiceError);
    expect((raw as GrpcServiceError).code).toBe(grpcStatus.INVALID_ARGUMENT);
    expect(operationStatuses(raw as GrpcServiceError)).toEqual([
      ABORTED,
      { code: grpcStatus.INVALID_ARGUMENT, message: 'Update name is required', detailTypes: [] },
    ]);
    await expect(
      suite.env.connection.workflowService.describeWorkflowExecution({
        namespace: 'default',
        execution: { workflowId },
      }),
    ).rejects.toMatchObject({ code: grpcStatus.NOT_FOUND });
  });

  it('reports the in-flight update limit as RESOURCE_EXHAUSTED from the update operation', async () => {
    const workflowId = `uws-limit-${randomUUID()}`;
    const startOperation = () =>
      new WithStartWorkflowOperation(closesOverAnUpdate, {
        taskQueue,
        workflowId,
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    for (let i = 0; i < MAX_IN_FLIGHT_UPDATES; i++) {
      await suite.env.client.workflow.startUpdateWithStart(neverFinishesUpdate, {
        waitForStage: 'ACCEPTED',
        startWorkflowOperation: startOperation(),
      });
    }
    // Without the default retry interceptor: the client retries RESOURCE_EXHAUSTED for a while.
    const connection = await Connection.connect({ address: suite.env.address, interceptors: [] });
    try {
      const client = new Client({ connection });
      const last = startOperation();
      const update = client.workflow.startUpdateWithStart(neverFinishesUpdate, {
        waitForStage: 'ACCEPTED',
        startWorkflowOperation: last,
      });
      for (const promise of [update, last.workflowHandle()]) {
        const err: unknown = await promise.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isGrpcServiceError(err)).toBe(true);
        expect((err as GrpcServiceError).code).toBe(grpcStatus.RESOURCE_EXHAUSTED);
      }
      const err = (await update.catch((e: unknown) => e)) as GrpcServiceError;
      expect(operationStatuses(err)).toEqual([
        ABORTED,
        {
          code: grpcStatus.RESOURCE_EXHAUSTED,
          message: `limit on number of concurrent in-flight updates has been reached (${MAX_IN_FLIGHT_UPDATES})`,
          detailTypes: [],
        },
      ]);
    } finally {
      await connection.close();
    }
    const handle = suite.track(suite.env.client.workflow.getHandle(workflowId));
    await handle.signal(doneSignal);
    await handle.result();
  });
});
