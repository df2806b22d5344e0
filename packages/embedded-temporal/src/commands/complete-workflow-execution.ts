/** CompleteWorkflowExecution: the run closes as completed (its parent learns the result). */
import { enums } from '../enums';
import type { CommandHandler } from './command';

const { CommandType } = enums;

export const completeWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  closesRun: true,
  validate: () => undefined,
  apply(command, { deps, run, completedEventId }) {
    deps.lifecycle.completeRun(run, command.completeWorkflowExecutionCommandAttributes ?? {}, completedEventId);
    return false;
  },
};
