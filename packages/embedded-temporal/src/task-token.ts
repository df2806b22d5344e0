/**
 * Opaque task tokens: which run, which task, which attempt. The areas that hand out tasks encode
 * them; `services/` decodes them before a request reaches the engine. Malformed and stale tokens
 * are answered NOT_FOUND.
 */
import { notFound } from './errors';

export interface TaskToken {
  kind: 'workflow' | 'activity' | 'query';
  namespace: string;
  workflowId: string;
  runId: string;
  /** Workflow task: its scheduled event id; activity: the ActivityTaskScheduled id. */
  scheduledEventId: number;
  attempt: number;
  /** Activity: counts its starts, so tokens differ when a reset repeats an attempt number. */
  stamp?: number;
  queryId?: string;
}

export function encodeTaskToken(token: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(token));
}

export function decodeTaskToken(bytes: Uint8Array | null | undefined): TaskToken {
  try {
    const parsed = JSON.parse(Buffer.from(bytes ?? []).toString('utf8')) as TaskToken;
    if (typeof parsed.runId !== 'string' || typeof parsed.kind !== 'string') throw new Error('bad token');
    return parsed;
  } catch {
    throw notFound('Task token is not valid');
  }
}
