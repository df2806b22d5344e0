/** FailWorkflowExecution: the run closes as failed, or is retried under its workflow retry policy. */
import { enums } from '../enums';
import type { CommandHandler } from './command';

const { CommandType } = enums;

export const failWorkflowExecution: CommandHandler = {
  type: CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  closesRun: true,
  validate: () => undefined,
  apply(command, { deps, run, completedEventId }) {
    deps.lifecycle.failRun(run, command.failWorkflowExecutionCommandAttributes?.failure ?? {}, completedEventId);
    return false;
  },
};
