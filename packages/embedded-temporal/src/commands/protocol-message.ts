/** ProtocolMessage: places an update's message (acceptance, response, rejection) at this point of the command order. */
import { enums } from '../enums';
import { invalidArgument } from '../errors';
import type { CommandHandler } from './command';

const { CommandType, WorkflowTaskFailedCause: Cause } = enums;

export const protocolMessage: CommandHandler = {
  type: CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE,

  validate(command, { messageIds }) {
    const id = command.protocolMessageCommandAttributes?.messageId ?? '';
    if (!messageIds.has(id)) {
      return {
        cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
        message: `Protocol message ${id} is not in the completion.`,
      };
    }
    return undefined;
  },

  apply(command, { deps, run, completedEventId, messagesById, handledMessages }) {
    const id = command.protocolMessageCommandAttributes?.messageId ?? '';
    const message = messagesById.get(id);
    if (!message) throw invalidArgument(`Protocol message ${id} not found in the completion`);
    handledMessages.add(id);
    return deps.updates.onMessage(run, message, completedEventId);
  },
};
