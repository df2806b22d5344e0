/**
 * Turns the SDK's replay errors into words for the person on call: which event, what the
 * history had there, what the current code did instead, and what usually causes it.
 *
 * The SDK reports nondeterminism as text from sdk-core (e.g. `Timer machine does not handle
 * this event: HistoryEvent(id: 5, ActivityTaskScheduled)`). The patterns below cover the
 * messages sdk-core produces for the commands workflows here use; anything else is shown as is.
 */
import { temporal } from '@temporalio/proto';
import type { History } from './history-file';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ReplayProblem {
  kind: 'nondeterminism' | 'workflow-task-failure' | 'replay-error';
  /** The event the mismatch was found at, when the SDK names it or it can be found. */
  eventId?: number;
  /** One paragraph for a person: what the history had, what the code did. */
  summary: string;
  /** What usually causes this and what to do. */
  hint?: string;
  /** The SDK's own message, for a bug report or a search. */
  sdkMessage: string;
}

/** What the current code did, by the sdk-core state machine that received the event. */
const MACHINE_ACTIONS: Record<string, string> = {
  Timer: 'started a timer (sleep or condition with a timeout)',
  Activity: 'scheduled an activity',
  'Local activity': 'ran a local activity',
  'Child workflow': 'started a child workflow',
  'Complete workflow': 'completed the workflow (returned its result)',
  'Fail workflow': 'failed the workflow (threw an error out of it)',
  'Cancel workflow': 'ended the workflow as cancelled',
  'Continue as new workflow': 'continued as new',
  'Signal external WF': 'signalled another workflow',
  'Cancel external WF': 'asked another workflow to cancel',
  Change: 'called patched()',
  Update: 'handled an update',
  'Nexus operation': 'started a Nexus operation',
};

const HINT_REORDERED =
  'The workflow code changed in a way that runs its steps in another order or runs other steps. ' +
  'Guard the change with patched("<change-id>") so that checks started before the change keep the old path, ' +
  'or deploy the old code alongside the new until those checks have closed.';

export function explainReplayFailure(error: Error, history?: History): ReplayProblem {
  const sdkMessage = innermostMessage(error.message);
  const kind: ReplayProblem['kind'] =
    error.name === 'DeterminismViolationError' || /Nondeterminism/i.test(error.message)
      ? 'nondeterminism'
      : /workflow task failure/i.test(error.message)
        ? 'workflow-task-failure'
        : 'replay-error';
  const events = history?.events ?? [];
  const byId = (id: number) => events.find((e) => Number(e.eventId) === id);

  if (kind === 'workflow-task-failure') {
    const encrypted = /binary\/encrypted|Encrypted payload|PAYLOAD_CODEC_KEYS/.test(sdkMessage);
    return {
      kind,
      summary: `The workflow code threw while replaying (this is not a nondeterminism): ${sdkMessage}`,
      hint: encrypted
        ? 'The history holds encrypted payloads: set PAYLOAD_CODEC_KEYS to the key list the worker uses ' +
          '(it must hold the key ids named in the history).'
        : 'Often a payload that cannot be decoded (wrong or missing PAYLOAD_CODEC_KEYS, or a history downloaded with ' +
          'decoded payloads) or an input the current code no longer accepts.',
      sdkMessage,
    };
  }
  if (kind === 'replay-error') {
    return { kind, summary: `Replay could not run: ${sdkMessage}`, sdkMessage };
  }

  let m = /([A-Z][A-Za-z ]*?) machine (?:does not|cannot) handle this event: HistoryEvent\(id: (\d+), (\w+)/.exec(
    sdkMessage.replace(/^.*?Nondeterminism error: /, ''),
  );
  if (m) {
    const eventId = Number(m[2]);
    const did = MACHINE_ACTIONS[m[1]] ?? `issued a "${m[1]}" command`;
    return {
      kind,
      eventId,
      summary: `The history has ${describeEvent(byId(eventId), m[3], events)}, but the current code ${did} at that point.`,
      hint: HINT_REORDERED,
      sdkMessage,
    };
  }
  m = /No command scheduled for event HistoryEvent\(id: (\d+), (\w+)/.exec(sdkMessage);
  if (m) {
    const eventId = Number(m[1]);
    return {
      kind,
      eventId,
      summary:
        `The history has ${describeEvent(byId(eventId), m[2], events)}, ` +
        'but the current code did not do that: it issued no command at that point (a step was removed, ' +
        'or the code now waits for something else first).',
      hint: HINT_REORDERED,
      sdkMessage,
    };
  }
  m = /Activity (type|id) of scheduled event '([^']*)' does not match activity \1 of activity command '([^']*)'/.exec(
    sdkMessage,
  );
  if (m) {
    const [, what, had, did] = m;
    const event = events.find(
      (e) =>
        e.activityTaskScheduledEventAttributes &&
        (what === 'type'
          ? e.activityTaskScheduledEventAttributes.activityType?.name === had
          : e.activityTaskScheduledEventAttributes.activityId === had),
    );
    const eventId = event ? Number(event.eventId) : undefined;
    return {
      kind,
      eventId,
      summary:
        `The history has activity ${what} "${had}" scheduled, ` +
        `but the current code scheduled activity ${what} "${did}" in its place.`,
      hint:
        what === 'type'
          ? 'An activity call was replaced, renamed or reordered. ' + HINT_REORDERED
          : 'Activities are numbered in the order the code schedules them: one was added or removed before this one. ' +
            HINT_REORDERED,
      sdkMessage,
    };
  }
  m = /Timer fired event did not have expected timer id (\S+), it was (\S+?)!?$/.exec(sdkMessage);
  if (m) {
    return {
      kind,
      summary: `The history has timer ${m[2]} firing where the current code expected timer ${m[1]}: timers were added, removed or reordered.`,
      hint: HINT_REORDERED,
      sdkMessage,
    };
  }
  m = /Non-deprecated patch marker encountered for change (\S+), but there is no corresponding change command/.exec(
    sdkMessage,
  );
  if (m) {
    const event = events.find((e) => e.markerRecordedEventAttributes && markerPatchId(e) === m![1]);
    return {
      kind,
      eventId: event ? Number(event.eventId) : undefined,
      summary: `The history recorded patch "${m[1]}", but the current code no longer calls patched("${m[1]}").`,
      hint: `Keep patched("${m[1]}") (or deprecatePatch("${m[1]}")) until no check that recorded it is still open.`,
      sdkMessage,
    };
  }
  m = /Change id (\S+) does not match expected id (\S+)/.exec(sdkMessage);
  if (m) {
    return {
      kind,
      summary: `The history recorded patch "${m[2]}" where the current code calls patched("${m[1]}"): patches were renamed or reordered.`,
      hint: 'Patch ids must never change once deployed.',
      sdkMessage,
    };
  }
  return {
    kind,
    summary: `The current code does not match the history: ${sdkMessage}`,
    hint: HINT_REORDERED,
    sdkMessage,
  };
}

/**
 * The most specific message inside the SDK's wrapping, e.g. the `message: "..."` of the
 * failure that core embeds in the DeterminismViolationError text.
 */
function innermostMessage(message: string): string {
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(message);
  if (inner) return inner[1].replace(/\\"/g, '"');
  const details = /Details: ([\s\S]*)$/.exec(message);
  return (details ? details[1] : message).trim();
}

const EVENT_WORDS: Record<string, string> = {
  ActivityTaskScheduled: 'an activity scheduled',
  TimerStarted: 'a timer started',
  MarkerRecorded: 'a marker recorded',
  WorkflowExecutionCompleted: 'the workflow completing',
  WorkflowExecutionFailed: 'the workflow failing',
  WorkflowExecutionCanceled: 'the workflow ending as cancelled',
  WorkflowExecutionContinuedAsNew: 'the workflow continuing as new',
  StartChildWorkflowExecutionInitiated: 'a child workflow started',
  SignalExternalWorkflowExecutionInitiated: 'a signal sent to another workflow',
  RequestCancelExternalWorkflowExecutionInitiated: 'a cancellation sent to another workflow',
  UpsertWorkflowSearchAttributes: 'search attributes updated',
  WorkflowPropertiesModified: 'the memo updated',
  TimerCanceled: 'a timer cancelled',
  ActivityTaskCancelRequested: 'an activity cancellation requested',
};

/** e.g. `an activity scheduled (type "createAgentVerification", activity id "3")`. */
function describeEvent(event: HistoryEvent | undefined, typeName: string, events: HistoryEvent[]): string {
  const words = EVENT_WORDS[typeName] ?? `a ${typeName} event`;
  if (!event) return words;
  const details: string[] = [];
  const activity = event.activityTaskScheduledEventAttributes;
  if (activity) details.push(`type "${activity.activityType?.name}"`, `activity id "${activity.activityId}"`);
  const timer = event.timerStartedEventAttributes;
  if (timer) details.push(`timer id "${timer.timerId}"`, `for ${durationText(timer.startToFireTimeout)}`);
  const marker = event.markerRecordedEventAttributes;
  if (marker) {
    const patch = markerPatchId(event);
    details.push(patch ? `patch "${patch}"` : `"${marker.markerName}"`);
  }
  const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
  if (child) details.push(`type "${child.workflowType?.name}"`);
  const upsert = event.upsertWorkflowSearchAttributesEventAttributes;
  if (upsert) details.push(Object.keys(upsert.searchAttributes?.indexedFields ?? {}).join(', '));
  const task = Number(commandTaskOf(event) ?? NaN);
  const taskEvent = Number.isFinite(task) ? events.find((e) => Number(e.eventId) === task) : undefined;
  const when = taskEvent?.eventTime ? ` at ${timestampText(taskEvent.eventTime)}` : '';
  return `${words}${details.filter(Boolean).length ? ` (${details.filter(Boolean).join(', ')})` : ''}${when ? `, recorded${when}` : ''}`;
}

/** The workflow task whose completion recorded this event (every command event names it). */
function commandTaskOf(event: HistoryEvent): unknown {
  for (const [key, value] of Object.entries(event)) {
    if (
      key.endsWith('EventAttributes') &&
      value &&
      typeof value === 'object' &&
      'workflowTaskCompletedEventId' in value
    ) {
      return (value as { workflowTaskCompletedEventId: unknown }).workflowTaskCompletedEventId;
    }
  }
  return undefined;
}

function markerPatchId(event: HistoryEvent): string | undefined {
  const attrs = event.markerRecordedEventAttributes;
  if (attrs?.markerName !== 'core_patch') return undefined;
  const payload = attrs.details?.['patch-data']?.payloads?.[0];
  try {
    return payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as { id?: string }).id : undefined;
  } catch {
    return undefined;
  }
}

function durationText(d: temporal.api.history.v1.ITimerStartedEventAttributes['startToFireTimeout']): string {
  const seconds = Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;
  if (seconds >= 86400 && seconds % 3600 === 0) return `${seconds / 86400} days`.replace(/^1 days$/, '1 day');
  if (seconds >= 3600 && seconds % 60 === 0) return `${seconds / 3600} hours`.replace(/^1 hours$/, '1 hour');
  return `${seconds} seconds`;
}

function timestampText(t: NonNullable<HistoryEvent['eventTime']>): string {
  return new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}
