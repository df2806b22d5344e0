/** SignalExternalWorkflowExecution: the initiated event, the signal delivered, and the outcome event (external-workflows.ts). */
import { enums } from '../enums';
import { type CommandHandler, problemFrom } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;
const BAD = Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES;

export const signalExternalWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,

  validate(command, { effects, run }) {
    const a = command.signalExternalWorkflowExecutionCommandAttributes;
    if (!a?.execution?.workflowId || !a.signalName) {
      return { cause: BAD, message: 'WorkflowId and SignalName must be set on command.' };
    }
    return problemFrom(() => effects.namespace(a.namespace || run.namespace.name), BAD);
  },

  apply(command, { deps, run, completedEventId }) {
    deps.external.signal(run, command.signalExternalWorkflowExecutionCommandAttributes ?? {}, completedEventId);
    return false;
  },
};
