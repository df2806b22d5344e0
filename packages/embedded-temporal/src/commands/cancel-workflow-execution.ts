/** CancelWorkflowExecution: the run closes as canceled (after a cancel request the workflow accepted). */
import { enums } from '../enums';
import type { CommandHandler } from './command';

const { CommandType } = enums;

export const cancelWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  closesRun: true,
  validate: () => undefined,
  apply(command, { deps, run, completedEventId }) {
    deps.lifecycle.cancelRun(run, command.cancelWorkflowExecutionCommandAttributes ?? {}, completedEventId);
    return false;
  },
};
