/** StartChildWorkflowExecution: StartChildWorkflowExecutionInitiated, and the child started right away (children.ts). */
import { enums } from '../enums';
import { typedSearchAttributes } from '../search-attribute-values';
import { type CommandHandler, problemFrom } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;
const BAD = Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES;

export const startChildWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,

  validate(command, { effects, run }) {
    const a = command.startChildWorkflowExecutionCommandAttributes;
    if (!a?.workflowId) return { cause: BAD, message: 'Required field WorkflowId is not set on command.' };
    if (!a.workflowType?.name) return { cause: BAD, message: 'Required field WorkflowType is not set on command.' };
    return problemFrom(
      () => typedSearchAttributes(effects.namespace(a.namespace || run.namespace.name), a.searchAttributes),
      BAD,
    );
  },

  apply(command, { deps, run, completedEventId }) {
    deps.children.start(
      run,
      command.startChildWorkflowExecutionCommandAttributes ?? {},
      completedEventId,
      command.userMetadata,
    );
    return false;
  },
};
