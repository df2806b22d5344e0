/** Workflow timers on the service clock (virtual in test-server mode). Commands are checked in commands/. */
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { i64 } from './proto';
import { moveTimer, type TimerState } from './state/timer';
import type { WorkflowRun } from './state/workflow-run';
import { durationMs } from './time';

const { EventType } = enums;

export class Timers {
  constructor(private readonly effects: Effects) {
    effects.onRunClosed((run) => this.dropRun(run));
  }

  start(run: WorkflowRun, a: temporal.api.command.v1.IStartTimerCommandAttributes, completedEventId: number): void {
    const timerId = a.timerId ?? '';
    const startedEventId = run.append(EventType.EVENT_TYPE_TIMER_STARTED, {
      timerStartedEventAttributes: {
        timerId,
        startToFireTimeout: a.startToFireTimeout,
        workflowTaskCompletedEventId: i64(completedEventId),
      },
    });
    this.arm(run, timerId, startedEventId, this.effects.clock.now() + durationMs(a.startToFireTimeout));
  }

  /** Fires the timer at `fireAt` (also used for timers a reset run's history left running). */
  arm(run: WorkflowRun, timerId: string, startedEventId: number, fireAt: number): void {
    const timer: TimerState = { timerId, startedEventId, phase: 'started' };
    timer.handle = this.effects.clock.schedule(fireAt, () => {
      if (run.timers.get(timerId) !== timer) return;
      run.timers.delete(timerId);
      moveTimer(timer, 'fired');
      this.effects.recordEvent(
        run,
        () =>
          run.append(EventType.EVENT_TYPE_TIMER_FIRED, {
            timerFiredEventAttributes: { timerId, startedEventId: i64(startedEventId) },
          }),
        { firedTimer: timer },
      );
    });
    run.timers.set(timerId, timer);
  }

  /** CancelTimer: a running timer, or one that fired while this task ran (its held TimerFired is dropped, as the server does). */
  cancel(run: WorkflowRun, timerId: string, completedEventId: number, identity: string): void {
    let timer = run.timers.get(timerId);
    if (timer) {
      timer.handle?.cancel();
      run.timers.delete(timerId);
    } else {
      const held = run.buffered.findIndex((b) => b.firedTimer?.timerId === timerId);
      timer = run.buffered[held]?.firedTimer;
      if (!timer) throw new Error(`timer ${timerId} is neither running nor held (commands/ checks this first)`);
      run.buffered.splice(held, 1);
    }
    moveTimer(timer, 'canceled');
    run.append(EventType.EVENT_TYPE_TIMER_CANCELED, {
      timerCanceledEventAttributes: {
        timerId,
        startedEventId: i64(timer.startedEventId),
        workflowTaskCompletedEventId: i64(completedEventId),
        identity,
      },
    });
  }

  private dropRun(run: WorkflowRun): void {
    for (const timer of run.timers.values()) timer.handle?.cancel();
    run.timers.clear();
  }
}
