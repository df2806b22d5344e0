/** RequestCancelExternalWorkflowExecution: the initiated event, the cancel request delivered, and the outcome event (external-workflows.ts). */
import { enums } from '../enums';
import { type CommandHandler, problemFrom } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;
const BAD = Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES;

export const requestCancelExternalWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,

  validate(command, { effects, run }) {
    const a = command.requestCancelExternalWorkflowExecutionCommandAttributes;
    if (!a?.workflowId) return { cause: BAD, message: 'WorkflowId must be set on command.' };
    return problemFrom(() => effects.namespace(a.namespace || run.namespace.name), BAD);
  },

  apply(command, { deps, run, completedEventId }) {
    deps.external.cancel(run, command.requestCancelExternalWorkflowExecutionCommandAttributes ?? {}, completedEventId);
    return false;
  },
};
