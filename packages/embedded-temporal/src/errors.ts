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
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string) => new RpcError(status.UNIMPLEMENTED, message);
