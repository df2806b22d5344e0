/** ScheduleActivityTask: ActivityTaskScheduled with the timeouts as the server fills them in, then the first attempt (eagerly when asked and allowed). */
import { enums } from '../enums';
import { encodedPayloadsSize, i64 } from '../proto';
import { activityOptions } from '../state/activity';
import { duration, durationMs } from '../time';
import type { CommandHandler } from './command';

const { CommandType, EventType, TaskQueueKind, WorkflowTaskFailedCause: Cause } = enums;

export const scheduleActivityTask: CommandHandler = {
  type: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,

  validate(command, { effects }) {
    const a = command.scheduleActivityTaskCommandAttributes;
    const bad = (message: string) => ({
      cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
      message,
    });
    if (!a?.activityId) return bad('ActivityId is not set on command.');
    if (!a.activityType?.name) return bad('ActivityType is not set on command.');
    if (durationMs(a.scheduleToCloseTimeout) <= 0 && durationMs(a.startToCloseTimeout) <= 0) {
      return bad('A valid StartToClose or ScheduleToCloseTimeout is not set on command.');
    }
    // As the server: an input over the error limit (and the warn limit, which it checks
    // first) is not retried, since replay would produce it again; the run is terminated.
    const size = encodedPayloadsSize(a.input);
    const { blobSizeLimitError, blobSizeLimitWarn } = effects.limits;
    if (size > blobSizeLimitWarn && size > blobSizeLimitError) {
      return { ...bad('ScheduleActivityTaskCommandAttributes.Input exceeds size limit.'), terminate: true };
    }
    return undefined;
  },

  apply(command, { deps, run, completedEventId, identity, eagerActivities }) {
    const a = command.scheduleActivityTaskCommandAttributes ?? {};
    const options = activityOptions(a, {
      taskQueue: run.config.taskQueue,
      runTimeoutMs: run.config.workflowRunTimeoutMs,
    });
    const scheduledEventId = run.append(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
      activityTaskScheduledEventAttributes: {
        activityId: options.activityId,
        activityType: a.activityType,
        taskQueue: { name: options.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        header: a.header ?? null,
        input: a.input ?? null,
        scheduleToCloseTimeout: duration(options.scheduleToCloseMs),
        scheduleToStartTimeout: duration(options.scheduleToStartMs),
        startToCloseTimeout: duration(options.startToCloseMs),
        heartbeatTimeout: duration(options.heartbeatMs),
        workflowTaskCompletedEventId: i64(completedEventId),
        retryPolicy: options.retryPolicy,
        useWorkflowBuildId: a.useWorkflowBuildId ?? false,
        priority: a.priority ?? null,
      },
    });
    const activity = deps.activities.track(run, scheduledEventId, options);
    if (a.requestEagerExecution && deps.activities.canStartEagerly(run, options.taskQueue)) {
      // Handed straight back in the workflow task completion's response: saves a poll round trip.
      const eager = deps.activities.startEagerly(run, activity, identity);
      if (eager) eagerActivities.push(eager);
    } else {
      deps.activities.dispatch(run, activity);
    }
    return false;
  },
};
