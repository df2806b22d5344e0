/** ModifyWorkflowProperties: the upserted memo merged into the run's (a nil value deletes its key), and written. */
import type { temporal } from '@temporalio/proto';
import { enums } from '../enums';
import { i64 } from '../proto';
import type { CommandHandler } from './command';

const { CommandType, EventType } = enums;

export const modifyWorkflowProperties: CommandHandler = {
  type: CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES,

  validate: () => undefined,

  apply(command, { run, completedEventId }) {
    const memo = command.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo ?? {};
    const fields = { ...(run.memo?.fields ?? {}) };
    for (const [key, value] of Object.entries(memo.fields ?? {})) {
      if (isNilPayload(value)) delete fields[key];
      else fields[key] = value;
    }
    run.memo = { fields };
    run.append(EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, {
      workflowPropertiesModifiedEventAttributes: {
        workflowTaskCompletedEventId: i64(completedEventId),
        upsertedMemo: memo,
      },
    });
    return false;
  },
};

/** A memo value that deletes its key on upsert, as the server merges memos. */
function isNilPayload(payload: temporal.api.common.v1.IPayload): boolean {
  const data = payload.data ? Buffer.from(payload.data).toString('utf8') : '';
  const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString('utf8') : '';
  return encoding === 'binary/null' || data === '' || data === 'null' || data === '[]';
}
