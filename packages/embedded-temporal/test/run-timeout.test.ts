/**
 * Run and execution timeouts at the engine level, on a clock that fires timers a little before
 * it reads their deadline (as Node timers do on a busy event loop).
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { Clock, Scheduled } from '../src/clock';
import { Engine } from '../src/engine';

const { EventType, RetryState, WorkflowExecutionStatus } = temporal.api.enums.v1;

/** A manual clock whose `fireNext()` runs the earliest callback while `now()` is still 2 ms short of it. */
class EarlyClock implements Clock {
  readonly skipsTime = false;
  private time = Date.UTC(2026, 0, 1);
  private readonly pending = new Set<{ atMs: number; callback: () => void }>();

  now(): number {
    return this.time;
  }
  schedule(atMs: number, callback: () => void): Scheduled {
    const entry = { atMs, callback };
    this.pending.add(entry);
    return { cancel: () => this.pending.delete(entry) };
  }
  lock(): void {}
  unlock(): void {}
  close(): void {
    this.pending.clear();
  }
  fireNext(): void {
    const next = [...this.pending].sort((a, b) => a.atMs - b.atMs)[0];
    if (!next) throw new Error('nothing scheduled');
    this.pending.delete(next);
    this.time = Math.max(this.time, next.atMs - 2);
    next.callback();
  }
}

describe('execution timeout', () => {
  it('times a run out at its execution expiration even when the timer fires early', () => {
    const clock = new EarlyClock();
    const engine = new Engine({ clock });
    const workflowId = `timeout-${randomUUID()}`;
    const { runId } = engine.executions.start({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'child' },
      taskQueue: { name: 'q' },
      requestId: randomUUID(),
      workflowExecutionTimeout: { nanos: 10_000_000 },
      retryPolicy: { maximumAttempts: 1 },
    });

    clock.fireNext();

    const run = engine.runs.get(runId ?? '');
    expect(run?.status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
    const last = run?.events.at(-1);
    expect(last?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
    expect(last?.workflowExecutionTimedOutEventAttributes?.retryState).toBe(RetryState.RETRY_STATE_TIMEOUT);
    expect(engine.runs.chain('default', workflowId)).toHaveLength(1);
    clock.close();
  });
});
