/** UpsertWorkflowSearchAttributes: typed from the namespace registry, merged into the run's, and written. */
import { enums } from '../enums';
import { i64 } from '../proto';
import { mergeSearchAttributes, typedSearchAttributes } from '../search-attribute-values';
import { type CommandHandler, problemFrom } from './command';

const { CommandType, EventType, WorkflowTaskFailedCause: Cause } = enums;

export const upsertWorkflowSearchAttributes: CommandHandler = {
  type: CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,

  validate(command, { run }) {
    const attributes = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes;
    return problemFrom(
      () => typedSearchAttributes(run.namespace, attributes),
      Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
    );
  },

  apply(command, { run, completedEventId }) {
    const attributes = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes ?? {};
    const typed = typedSearchAttributes(run.namespace, attributes);
    mergeSearchAttributes(run, typed);
    run.append(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
      upsertWorkflowSearchAttributesEventAttributes: {
        workflowTaskCompletedEventId: i64(completedEventId),
        searchAttributes: typed,
      },
    });
    return false;
  },
};
