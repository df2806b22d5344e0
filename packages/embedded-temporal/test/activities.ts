/** Activities used by the embedded service's test workflows. */
import { EventEmitter } from 'node:events';
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}`;
}

export async function double(n: number): Promise<number> {
  return n * 2;
}

/** Fails until `succeedOnAttempt`, asking for a 1 s retry delay, and reports the attempt. */
export async function flaky(succeedOnAttempt: number): Promise<number> {
  const { attempt } = Context.current().info;
  if (attempt < succeedOnAttempt) {
    throw ApplicationFailure.create({ message: `attempt ${attempt} failed`, type: 'Flaky', nextRetryDelay: '1s' });
  }
  return attempt;
}

export async function failWith(type: string, nonRetryable: boolean): Promise<never> {
  throw ApplicationFailure.create({ message: `failed with ${type}`, type, nonRetryable });
}

/** Heartbeats its progress and fails once mid-way: the next attempt resumes from the details. */
export async function resumable(steps: number): Promise<{ resumedFrom: number; attempt: number }> {
  const ctx = Context.current();
  const resumedFrom = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
  for (let step = resumedFrom; step < steps; step++) {
    ctx.heartbeat(step + 1);
    if (ctx.info.attempt === 1 && step === Math.floor(steps / 2)) {
      throw ApplicationFailure.retryable('crash mid-way', 'Crash');
    }
  }
  return { resumedFrom, attempt: ctx.info.attempt };
}

/** Heartbeats until cancelled (the cancellation reaches it through a heartbeat response). */
export async function waitForCancel(): Promise<never> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    await ctx.sleep(50);
  }
}

/** Activities waiting for async completion announce their task token here (same process as the test). */
export const asyncActivities = new EventEmitter<{ started: [Uint8Array] }>();

/** Completes later, from outside the worker (see the test). */
export async function completeAsync(): Promise<string> {
  asyncActivities.emit('started', Context.current().info.taskToken);
  throw new CompleteAsyncError();
}

/** Never returns in time: exercises start-to-close timeouts. */
export async function tooSlow(): Promise<void> {
  await Context.current().sleep(60_000);
}

/** Takes `ms` of real time. */
export async function realDelay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reports when it started (wall clock), for the task queue rate limit test. */
export async function startedAt(): Promise<number> {
  return Date.now();
}

/** Never heartbeats and outlasts any heartbeat timeout. */
export async function silent(): Promise<void> {
  await Context.current().sleep(60_000);
}
