/**
 * Runs one vendor call inside an activity: hands it the activity's cancellation signal (a
 * cancelled activity aborts its HTTP request), heartbeats while it waits (Temporal delivers
 * cancellation only through heartbeats), and turns a vendor failure into an `ApplicationFailure`.
 */
import { Context } from '@temporalio/activity';
import { toApplicationFailure, type FailurePolicy } from '../vendors/failure';

/** Often enough for the 15 s heartbeat timeout in src/retry-policies.ts; the SDK throttles anyway. */
const HEARTBEAT_EVERY_MS = 5_000;

export async function vendorCall<T>(policy: FailurePolicy, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
  heartbeat.unref();
  try {
    return await call(ctx.cancellationSignal);
  } catch (err) {
    throw toApplicationFailure(err, policy, ctx.info.attempt);
  } finally {
    clearInterval(heartbeat);
  }
}
