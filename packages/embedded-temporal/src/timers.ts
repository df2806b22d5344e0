/** Workflow timers on the service clock (virtual in test-server mode). */
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import type { Engine } from './engine';
import { invalidArgument } from './errors';
import { i64 } from './proto';
import { durationMs } from './time';
import type { WorkflowRun } from './workflow-run';

const { EventType } = enums;

export class Timers {
  constructor(private readonly engine: Engine) {}

  start(run: WorkflowRun, a: temporal.api.command.v1.IStartTimerCommandAttributes, completedEventId: number): void {
    const timerId = a.timerId ?? '';
    if (!timerId) throw invalidArgument('TimerId is not set on command.');
    if (run.timers.has(timerId)) throw invalidArgument(`Timer ${timerId} is already started.`);
    const ms = durationMs(a.startToFireTimeout);
    if (ms <= 0) throw invalidArgument('A valid StartToFireTimeout is not set on command.');
    const startedEventId = run.append(EventType.EVENT_TYPE_TIMER_STARTED, {
      timerStartedEventAttributes: {
        timerId,
        startToFireTimeout: a.startToFireTimeout,
        workflowTaskCompletedEventId: i64(completedEventId),
      },
    });
    this.arm(run, timerId, startedEventId, this.engine.clock.now() + ms);
  }

  /** Fires the timer at `fireAt` (also used for timers a reset run's history left running). */
  arm(run: WorkflowRun, timerId: string, startedEventId: number, fireAt: number): void {
    const handle = this.engine.clock.schedule(fireAt, () => {
      if (run.timers.get(timerId)?.handle !== handle) return;
      run.timers.delete(timerId);
      this.engine.recordEvent(
        run,
        () =>
          run.append(EventType.EVENT_TYPE_TIMER_FIRED, {
            timerFiredEventAttributes: { timerId, startedEventId: i64(startedEventId) },
          }),
        { firedTimerId: timerId },
      );
    });
    run.timers.set(timerId, { startedEventId, handle });
  }

  cancel(run: WorkflowRun, timerId: string, completedEventId: number, identity: string): void {
    let startedEventId: number;
    const timer = run.timers.get(timerId);
    if (timer) {
      timer.handle.cancel();
      run.timers.delete(timerId);
      startedEventId = timer.startedEventId;
    } else {
      // The timer fired while this task ran: its held TimerFired is dropped, as the server does.
      const held = run.buffered.findIndex((b) => b.firedTimerId === timerId);
      if (held < 0) throw invalidArgument(`Timer ${timerId} is not running.`);
      run.buffered.splice(held, 1);
      startedEventId = this.startedEventIdOf(run, timerId);
    }
    run.append(EventType.EVENT_TYPE_TIMER_CANCELED, {
      timerCanceledEventAttributes: {
        timerId,
        startedEventId: i64(startedEventId),
        workflowTaskCompletedEventId: i64(completedEventId),
        identity,
      },
    });
  }

  private startedEventIdOf(run: WorkflowRun, timerId: string): number {
    for (let i = run.events.length - 1; i >= 0; i--) {
      const event = run.events[i];
      if (event.timerStartedEventAttributes?.timerId === timerId) return Number(event.eventId);
    }
    return 0;
  }

  dropRun(run: WorkflowRun): void {
    for (const timer of run.timers.values()) timer.handle.cancel();
    run.timers.clear();
  }
}
