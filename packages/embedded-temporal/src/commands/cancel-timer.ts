/** CancelTimer: TimerCanceled for a running timer, or one that fired while this task ran (its held TimerFired is dropped). */
import { enums } from '../enums';
import type { CommandHandler } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;

export const cancelTimer: CommandHandler = {
  type: CommandType.COMMAND_TYPE_CANCEL_TIMER,

  validate(command, { run, timersStarted, timersCancelled }) {
    const timerId = command.cancelTimerCommandAttributes?.timerId ?? '';
    const known =
      timersStarted.has(timerId) ||
      run.timers.has(timerId) ||
      run.buffered.some((b) => b.firedTimer?.timerId === timerId);
    if (!known || timersCancelled.has(timerId)) {
      return {
        cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
        message: `Timer ${timerId} is not running.`,
      };
    }
    timersCancelled.add(timerId);
    timersStarted.delete(timerId);
    return undefined;
  },

  apply(command, { deps, run, completedEventId, identity }) {
    deps.timers.cancel(run, command.cancelTimerCommandAttributes?.timerId ?? '', completedEventId, identity);
    return false;
  },
};
