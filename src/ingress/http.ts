/** HTTP helpers of the ingress: its error type, the JSON depth bound, listen and close. */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { FieldProblem } from '../onboarding-event';

/** An answer other than 2xx, in the ingress's error body `{ error: { code, message, ...details } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 listing every invalid field of the request at once. */
export const invalidRequest = (problems: FieldProblem[]) =>
  new HttpError(400, 'invalid_request', 'the request has invalid fields', { problems });

/** Deepest nesting of objects and arrays any accepted body may have (an onboarding event has 3). */
export const MAX_JSON_DEPTH = 16;

/**
 * True when the JSON text nests objects/arrays deeper than `max`. Scanned on the text before it
 * is parsed, so a hostile 30,000-deep body costs one pass over bytes already bounded in size.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Listens and resolves with the bound port (pass 0 for an ephemeral one). */
export async function listen(app: FastifyInstance, port: number, host = '0.0.0.0'): Promise<number> {
  await app.listen({ port, host });
  return (app.server.address() as AddressInfo).port;
}

/** Stops accepting connections and resolves once in-flight requests have been answered. */
export async function closeServer(app: FastifyInstance): Promise<void> {
  await app.close();
}
