/** StartTimer: TimerStarted, and the timer armed on the service clock. */
import { enums } from '../enums';
import { durationMs } from '../time';
import type { CommandHandler } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;

export const startTimer: CommandHandler = {
  type: CommandType.COMMAND_TYPE_START_TIMER,

  validate(command, { run, timersStarted, timersCancelled }) {
    const a = command.startTimerCommandAttributes;
    const timerId = a?.timerId ?? '';
    if (!timerId)
      return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: 'TimerId is not set.' };
    if (durationMs(a?.startToFireTimeout) <= 0) {
      return {
        cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
        message: 'A valid StartToFireTimeout is not set on command.',
      };
    }
    if (timersStarted.has(timerId) || (run.timers.has(timerId) && !timersCancelled.has(timerId))) {
      return {
        cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
        message: `Timer ${timerId} is already started.`,
      };
    }
    timersStarted.add(timerId);
    return undefined;
  },

  apply(command, { deps, run, completedEventId }) {
    deps.timers.start(run, command.startTimerCommandAttributes ?? {}, completedEventId);
    return false;
  },
};
