/**
 * Reading workflow histories from files, as they come from the tools people have at hand:
 * - `temporal workflow show --workflow-id ID --output json > file.json` (`{ "events": [...] }`),
 * - the Temporal UI's "Download" of the event history (the same format; older UIs wrote the
 *   events newest first),
 * - `npm run history:export` (the SDK's `historyToJSON`),
 * - a raw `GetWorkflowExecutionHistory` response (`{ "history": { "events": [...] } }`) or a
 *   bare array of events.
 * All of them are the protobuf JSON mapping; `historyFromJSON` of the SDK does the decoding.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

export type History = temporal.api.history.v1.IHistory;

/** A history that cannot be read, with the reason and what to do about it. */
export class HistoryFileError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'HistoryFileError';
  }
}

export interface LoadedHistory {
  /** Where it came from, for the report (a file path or `workflow <id>`). */
  source: string;
  /** The workflow id replay runs under: for files, the file name without `.json`. */
  workflowId: string;
  history: History;
}

type JsonEvent = Record<string, unknown> & { eventId?: unknown };

export function parseHistoryJson(json: unknown, source: string): History {
  const events = eventsOf(json);
  if (events === undefined) {
    throw new HistoryFileError(
      source,
      'not a workflow history: expected { "events": [...] } as written by `temporal workflow show --output json`, ' +
        'the Temporal UI download or `npm run history:export`',
    );
  }
  if (events.length === 0) throw new HistoryFileError(source, 'the history has no events');
  const ordered = [...events].sort((a, b) => Number(a.eventId) - Number(b.eventId));
  const decoded = findDecodedPayload(ordered);
  if (decoded) {
    throw new HistoryFileError(
      source,
      `event ${decoded} holds decoded payloads, which cannot be replayed. Download the history again with ` +
        '"decode" switched off in the UI (or TEMPORAL_CODEC_DECODE_EVENT_HISTORY_DOWNLOAD=false), ' +
        'or use `npm run history:export`',
    );
  }
  try {
    return historyFromJSON({ events: ordered });
  } catch (error) {
    throw new HistoryFileError(source, `not a valid history: ${(error as Error).message}`);
  }
}

function eventsOf(json: unknown): JsonEvent[] | undefined {
  if (Array.isArray(json)) return json as JsonEvent[];
  if (typeof json !== 'object' || json === null) return undefined;
  const obj = json as { events?: unknown; history?: { events?: unknown } };
  if (Array.isArray(obj.events)) return obj.events as JsonEvent[];
  if (Array.isArray(obj.history?.events)) return obj.history.events as JsonEvent[];
  return undefined;
}

/**
 * The UI can download histories with payloads decoded through the codec server; those hold
 * values in place of `{ metadata, data }` and no SDK can replay them. Returns the event id.
 */
function findDecodedPayload(events: JsonEvent[]): string | undefined {
  for (const event of events) {
    if (hasDecodedPayload(event)) return String(event.eventId);
  }
  return undefined;
}

function hasDecodedPayload(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasDecodedPayload);
  for (const [key, child] of Object.entries(value)) {
    if (key === 'payloads' && Array.isArray(child)) {
      if (child.some((p) => !isEncodedPayload(p))) return true;
    } else if (hasDecodedPayload(child)) {
      return true;
    }
  }
  return false;
}

function isEncodedPayload(p: unknown): boolean {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  const { metadata, data, ...rest } = p as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return false;
  if (data !== undefined && typeof data !== 'string') return false;
  if (metadata === undefined) return true;
  return (
    typeof metadata === 'object' && metadata !== null && Object.values(metadata).every((v) => typeof v === 'string')
  );
}

export async function readHistoryFile(file: string): Promise<LoadedHistory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HistoryFileError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HistoryFileError(file, 'not JSON');
  }
  return {
    source: file,
    workflowId: path.basename(file).replace(/\.json$/i, ''),
    history: parseHistoryJson(json, file),
  };
}

/** Expands directories into the `.json` files they hold (sorted), keeping files as given. */
export async function expandHistoryPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
      files.push(...names.map((n) => path.join(p, n)));
    } else {
      files.push(p);
    }
  }
  return files;
}
