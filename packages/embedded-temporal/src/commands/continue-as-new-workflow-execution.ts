/** ContinueAsNewWorkflowExecution: the run closes and a new run of the same chain starts. */
import { enums } from '../enums';
import { typedSearchAttributes } from '../search-attribute-values';
import { type CommandHandler, problemFrom } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;

export const continueAsNewWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
  closesRun: true,
  validate(command, { run }) {
    const attributes = command.continueAsNewWorkflowExecutionCommandAttributes?.searchAttributes;
    return problemFrom(
      () => typedSearchAttributes(run.namespace, attributes),
      Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES,
    );
  },
  apply(command, { deps, run, completedEventId }) {
    deps.lifecycle.continueAsNew(run, command.continueAsNewWorkflowExecutionCommandAttributes ?? {}, completedEventId);
    return false;
  },
};
