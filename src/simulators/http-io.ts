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

/** The raw body as text; rejects over 1 MiB so a runaway client cannot exhaust memory. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
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
