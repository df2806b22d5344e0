/** Reading requests and writing answers with node:http, without a framework. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; the server writes it (or a fault replaces it). */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export const empty = (status: number, contentType = 'text/plain'): SimResponse => ({
  status,
  headers: { 'content-type': contentType },
  body: '',
});

export const json = (status: number, value: unknown, headers?: Record<string, string>): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

const maxBodyBytes = 1024 * 1024;

export class BodyTooLargeError extends Error {}

/**
 * The raw body as text. Rejects with `BodyTooLargeError` over 1 MiB (a runaway client must not
 * exhaust memory), and with another error when the client goes away mid-body.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets its 413.
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('close', () => {
      if (!req.complete) reject(new Error('client closed the request before its end'));
    });
    req.on('end', () => {
      if (size > maxBodyBytes) reject(new BodyTooLargeError('request body too large'));
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export function writeResponse(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const body = response.body ?? '';
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Parses JSON, `undefined` when the text is not JSON. */
export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
