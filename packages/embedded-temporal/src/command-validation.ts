/**
 * Checks a workflow task's commands before any of them is applied, so that a bad command fails
 * the task as a whole (WorkflowTaskFailed with the server's cause) instead of leaving half of a
 * completion in the history.
 */
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import type { Engine } from './engine';
import { RpcError } from './errors';
import { encodedPayloadsSize } from './proto';
import { durationMs } from './time';
import type { Command, ProtocolMessage } from './types';
import type { WorkflowRun } from './workflow-run';

const { CommandType, EventType, WorkflowTaskFailedCause: Cause } = enums;
type Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;

export interface CommandProblem {
  cause: Cause;
  message: string;
  /** The server terminates the run rather than retrying the task (an oversized input). */
  terminate?: boolean;
}

export function validateCommands(
  engine: Engine,
  run: WorkflowRun,
  commands: Command[],
  messages: ProtocolMessage[],
): CommandProblem | undefined {
  const timersStarted = new Set<string>();
  const timersCancelled = new Set<string>();
  const messageIds = new Set(messages.map((m) => m.id));
  for (const command of commands) {
    const problem = validate(command);
    if (problem) return problem;
  }
  return undefined;

  function validate(command: Command): CommandProblem | undefined {
    switch (command.commandType) {
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
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
        const { blobSizeLimitError, blobSizeLimitWarn } = engine.limits;
        if (size > blobSizeLimitWarn && size > blobSizeLimitError) {
          return { ...bad('ScheduleActivityTaskCommandAttributes.Input exceeds size limit.'), terminate: true };
        }
        return undefined;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: {
        const id = Number(command.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0);
        const event = run.events[id - 1];
        if (!run.activities.has(id) && event?.eventType !== EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
            message: `Activity with scheduled event id ${id} does not exist.`,
          };
        }
        return undefined;
      }
      case CommandType.COMMAND_TYPE_START_TIMER: {
        const a = command.startTimerCommandAttributes;
        const timerId = a?.timerId ?? '';
        if (!timerId) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: 'TimerId is not set.' };
        }
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
      }
      case CommandType.COMMAND_TYPE_CANCEL_TIMER: {
        const timerId = command.cancelTimerCommandAttributes?.timerId ?? '';
        const known =
          timersStarted.has(timerId) || run.timers.has(timerId) || run.buffered.some((b) => b.firedTimerId === timerId);
        if (!known || timersCancelled.has(timerId)) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
            message: `Timer ${timerId} is not running.`,
          };
        }
        timersCancelled.add(timerId);
        timersStarted.delete(timerId);
        return undefined;
      }
      case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
        const a = command.startChildWorkflowExecutionCommandAttributes;
        const bad = (message: string) => ({
          cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES,
          message,
        });
        if (!a?.workflowId) return bad('Required field WorkflowId is not set on command.');
        if (!a.workflowType?.name) return bad('Required field WorkflowType is not set on command.');
        return searchAttributesProblem(a.namespace, a.searchAttributes, bad);
      }
      case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
        const a = command.signalExternalWorkflowExecutionCommandAttributes;
        if (!a?.execution?.workflowId || !a.signalName) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
            message: 'WorkflowId and SignalName must be set on command.',
          };
        }
        return namespaceProblem(a.namespace, Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES);
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: {
        const a = command.requestCancelExternalWorkflowExecutionCommandAttributes;
        if (!a?.workflowId) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
            message: 'WorkflowId must be set on command.',
          };
        }
        return namespaceProblem(
          a.namespace,
          Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
        );
      }
      case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        return searchAttributesProblem(
          run.namespace.name,
          command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes,
          (message) => ({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, message }),
        );
      case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        return searchAttributesProblem(
          run.namespace.name,
          command.continueAsNewWorkflowExecutionCommandAttributes?.searchAttributes,
          (message) => ({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES, message }),
        );
      case CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE: {
        const id = command.protocolMessageCommandAttributes?.messageId ?? '';
        if (!messageIds.has(id)) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
            message: `Protocol message ${id} is not in the completion.`,
          };
        }
        return undefined;
      }
      case CommandType.COMMAND_TYPE_RECORD_MARKER:
      case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
      case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        return undefined;
      default:
        return {
          cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED,
          message: `Command type ${command.commandType} is not supported by the embedded Temporal service.`,
        };
    }
  }

  function namespaceProblem(namespace: string | null | undefined, cause: Cause): CommandProblem | undefined {
    try {
      engine.namespace(namespace || run.namespace.name);
      return undefined;
    } catch (err) {
      if (err instanceof RpcError) return { cause, message: err.message };
      throw err;
    }
  }

  function searchAttributesProblem(
    namespace: string | null | undefined,
    attributes: temporal.api.common.v1.ISearchAttributes | null | undefined,
    bad: (message: string) => CommandProblem,
  ): CommandProblem | undefined {
    try {
      engine.executions.typedSearchAttributes(engine.namespace(namespace || run.namespace.name), attributes);
      return undefined;
    } catch (err) {
      if (err instanceof RpcError) return bad(err.message);
      throw err;
    }
  }
}
