/**
 * Event-by-event comparison of two histories in the history JSON format (`historyToJSON`), after
 * normalising what two runs of the same scenario never share.
 */

export interface Difference {
  /** 1-based position of the event in the history. */
  event: number;
  eventType: string;
  /** Where in the event they differ (`.` separated; `eventType` for a different event). */
  path: string;
  embedded: unknown;
  official: unknown;
}

/** Keys whose values differ between any two runs: compared as present/absent only. */
const RUN_SPECIFIC_KEYS = new Set([
  'eventTime',
  'expirationTime',
  'createTime',
  'expireTime',
  // The server's own sequence numbers and per-server namespace ids.
  'taskId',
  'namespaceId',
  'parentWorkflowNamespaceId',
  'workflowId',
  'runId',
  'originalExecutionRunId',
  'firstExecutionRunId',
  'continuedExecutionRunId',
  'newExecutionRunId',
  'baseRunId',
  'newRunId',
  // Made up by the client per update unless the caller names it (and the protocol ids made from it).
  'updateId',
  'protocolInstanceId',
  'acceptedRequestMessageId',
  'identity',
  'requestId',
  'binaryChecksum',
  // Payloads hold ids the simulators make up per run; the app's code, not the server, writes them.
  'data',
  // Follows from the ids' lengths.
  'historySizeBytes',
]);

/** Sets whose order is the worker's, not the server's. */
const UNORDERED_KEYS = new Set(['coreUsedFlags', 'langUsedFlags']);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Replaces run-specific values with a marker, ids inside texts (e.g. the run id in a cancel
 * reason) with `<uuid>`, and sticky queue names with `<sticky>`.
 */
export function normalise(value: Json, key = ''): Json {
  if (RUN_SPECIFIC_KEYS.has(key) && value !== null && value !== '') return `<${key}>`;
  if (typeof value === 'string') return value.replace(UUID, '<uuid>');
  if (Array.isArray(value)) {
    const items = value.map((item) => normalise(item, key));
    return UNORDERED_KEYS.has(key) ? [...items].sort() : items;
  }
  if (value && typeof value === 'object') {
    // A sticky task queue is named after the worker that owns it.
    if (value.kind === 'TASK_QUEUE_KIND_STICKY') return { ...value, name: '<sticky>', normalName: '<normal>' };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

/** Every place where two JSON values differ, as `[path, a, b]` (objects by key, arrays of one length by position). */
export function diffJson(
  a: Json | undefined,
  b: Json | undefined,
  path: string,
  out: [string, unknown, unknown][],
): void {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diffJson(a[key], b[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diffJson(item, b[i], `${path}[${i}]`, out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push([path, a, b]);
}

type Event = Record<string, Json>;

const isEmptyWorkflowTask = (events: Event[], i: number) =>
  events[i]?.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED' &&
  events[i + 1]?.eventType === 'EVENT_TYPE_WORKFLOW_TASK_STARTED' &&
  events[i + 2]?.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' &&
  // No command of that task follows it (the test server's commands name the task's started event).
  ![events[i + 1].eventId, events[i + 2].eventId].some((id) =>
    JSON.stringify(events[i + 3] ?? {}).includes(`"workflowTaskCompletedEventId":"${String(id)}"`),
  );

/**
 * Drops workflow tasks that produced no command (Temporal's test server runs one for a query
 * that arrives with no task in flight; a cluster answers queries without history events) and
 * renumbers the event ids and the references to them. Returns the events and how many were dropped.
 */
export function withoutEmptyWorkflowTasks(events: Event[]): { events: Event[]; dropped: number } {
  const kept: Event[] = [];
  let dropped = 0;
  for (let i = 0; i < events.length; i++) {
    // The last task of a history that is still open is not empty, just not done.
    if (isEmptyWorkflowTask(events, i) && i + 3 < events.length) {
      dropped += 1;
      i += 2;
      continue;
    }
    kept.push(events[i]);
  }
  const renumber = new Map(kept.map((e, i) => [String(e.eventId), String(i + 1)]));
  const rewrite = (value: Json, key = ''): Json => {
    if (/EventId$|^eventId$/.test(key) && typeof value === 'string') return renumber.get(value) ?? `<dropped ${value}>`;
    if (Array.isArray(value)) return value.map((item) => rewrite(item, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, k)]));
    }
    return value;
  };
  return { events: kept.map((e) => rewrite(e) as Event), dropped };
}

export function compareHistories(embedded: unknown, official: unknown): Difference[] {
  const a0 = withoutEmptyWorkflowTasks(
    ((embedded as { events?: Event[] })?.events ?? []).map((e) => normalise(e) as Event),
  );
  const b0 = withoutEmptyWorkflowTasks(
    ((official as { events?: Event[] })?.events ?? []).map((e) => normalise(e) as Event),
  );
  const left = a0.events;
  const right = b0.events;
  const differences: Difference[] = [];
  if (a0.dropped !== b0.dropped) {
    differences.push({
      event: 0,
      eventType: 'workflow tasks without commands',
      path: 'count',
      embedded: a0.dropped,
      official: b0.dropped,
    });
  }
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const a = left[i];
    const b = right[i];
    const eventType = String(a?.eventType ?? b?.eventType);
    if (!a || !b || a.eventType !== b.eventType) {
      // Past the first different event the two histories no longer line up: report it and stop.
      differences.push({ event: i + 1, eventType, path: 'eventType', embedded: a?.eventType, official: b?.eventType });
      break;
    }
    const found: [string, unknown, unknown][] = [];
    diffJson(a, b, '', found);
    for (const [path, x, y] of found) differences.push({ event: i + 1, eventType, path, embedded: x, official: y });
  }
  return differences;
}
