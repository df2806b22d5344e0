/** Answers as data (the server writes them, or a fault replaces them) and body parsing helpers. */

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
