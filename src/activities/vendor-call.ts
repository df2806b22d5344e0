/**
 * Runs one vendor call inside an activity: hands it the activity's cancellation signal (a
 * cancelled activity aborts its HTTP request), heartbeats while it waits (Temporal delivers
 * cancellation only through heartbeats), and turns a vendor failure into an `ApplicationFailure`.
 */
import { Context } from '@temporalio/activity';
import { toApplicationFailure, type FailurePolicy } from '../vendors/failure';
import { recordRateLimitWait } from './vendor-metrics';

/** Often enough for the 15 s heartbeat timeout in src/retry-policies.ts; the SDK throttles anyway. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;

export interface VendorCallOptions {
  failurePolicy: FailurePolicy;
  heartbeatIntervalMs?: number;
}

export async function vendorCall<T>(options: VendorCallOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const heartbeat = setInterval(() => ctx.heartbeat(), options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  try {
    return await call(ctx.cancellationSignal);
  } catch (err) {
    const failure = toApplicationFailure(err, options.failurePolicy, ctx.info.attempt);
    recordRateLimitWait(failure);
    throw failure;
  } finally {
    clearInterval(heartbeat);
  }
}
