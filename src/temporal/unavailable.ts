import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';

/**
 * Temporal could not be reached, or did not answer in time. Nothing was applied for sure (a
 * start is one RPC; signals are deduplicated by the workflow), so the caller answers 503 and
 * the sender retries.
 */
export class TemporalUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super('Temporal is unavailable');
    this.name = 'TemporalUnavailableError';
  }
}

// Codes the SDK's own client treats as retryable, plus an expired call deadline.
const TRANSIENT_CODES = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.CANCELLED,
]);

/** True when `error` (or one of its causes) is a connection failure or a timeout. */
export function isTemporalUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const e: Error = current;
    // The SDK's guards are type predicates on `unknown`; used as plain booleans here.
    const deadline: boolean = isGrpcDeadlineError(e);
    const code = isGrpcServiceError(current) ? current.code : undefined;
    if (e instanceof TemporalUnavailableError || deadline) return true;
    if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
    // A lazy connection that never came up fails before any RPC is made.
    if (/Failed to connect before the deadline|connection (refused|closed)/i.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}
