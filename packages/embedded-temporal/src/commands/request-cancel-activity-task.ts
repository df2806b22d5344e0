/** RequestCancelActivityTask: ActivityTaskCancelRequested; an activity not yet started is cancelled at once. */
import { enums } from '../enums';
import type { CommandHandler } from './command';

const { CommandType, EventType, WorkflowTaskFailedCause: Cause } = enums;

export const requestCancelActivityTask: CommandHandler = {
  type: CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,

  validate(command, { run }) {
    const id = Number(command.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0);
    // An activity that already ended may still be cancelled by a workflow that has not seen its end.
    const event = run.events[id - 1];
    if (!run.activities.has(id) && event?.eventType !== EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      return {
        cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
        message: `Activity with scheduled event id ${id} does not exist.`,
      };
    }
    return undefined;
  },

  apply(command, { deps, run, completedEventId }) {
    const id = Number(command.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0);
    deps.activities.requestCancel(run, id, completedEventId);
    return false;
  },
};
