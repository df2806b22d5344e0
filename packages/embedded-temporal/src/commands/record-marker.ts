/** RecordMarker: MarkerRecorded (side effects, local activities, versions); nothing else happens. */
import { enums } from '../enums';
import { i64 } from '../proto';
import type { CommandHandler } from './command';

const { CommandType, EventType } = enums;

export const recordMarker: CommandHandler = {
  type: CommandType.COMMAND_TYPE_RECORD_MARKER,

  validate: () => undefined,

  apply(command, { run, completedEventId }) {
    const a = command.recordMarkerCommandAttributes ?? {};
    run.append(EventType.EVENT_TYPE_MARKER_RECORDED, {
      markerRecordedEventAttributes: {
        markerName: a.markerName ?? '',
        details: a.details ?? {},
        workflowTaskCompletedEventId: i64(completedEventId),
        header: a.header ?? null,
        failure: a.failure ?? null,
      },
    });
    return false;
  },
};
