import { status } from '@grpc/grpc-js';

/** An error answered to the caller with a specific gRPC status (never crashes the service). */
/** A `google.rpc.Status` detail: the SDK maps some of these to typed errors. */
export interface ErrorDetail {
  /** Full name of the detail message, e.g. `temporal.api.errordetails.v1.NamespaceNotFoundFailure`. */
  type: string;
  value: Uint8Array;
}

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new RpcError(status.ALREADY_EXISTS, message);

/**
 * ALREADY_EXISTS with the `WorkflowExecutionAlreadyStartedFailure` detail the server attaches to a
 * start that conflicts with an execution: that execution's start request id and run id.
 */
export function workflowAlreadyStarted(message: string, startRequestId: string, runId: string): RpcError {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK proto module is loaded only when needed
  const { temporal } = require('@temporalio/proto') as typeof import('@temporalio/proto');
  const failure = temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.encode({
    startRequestId,
    runId,
  }).finish();
  return new RpcError(status.ALREADY_EXISTS, message, [
    { type: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', value: failure },
  ]);
}
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string) => new RpcError(status.UNIMPLEMENTED, message);
