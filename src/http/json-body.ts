/** JSON request bodies: the only content type the app's services accept, with a nesting bound. */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';

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

export const tooDeep = () =>
  new HttpError(400, 'too_deep', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);

/**
 * Makes `application/json` the only body the app accepts (anything else: 415), parsed by
 * Fastify's parser (it refuses `__proto__` / `constructor.prototype` keys) after the nesting
 * bound. Fastify's size limit applies before, also to chunked bodies.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepthExceeds(body as string, MAX_JSON_DEPTH)) {
      done(tooDeep(), undefined);
      return;
    }
    defaultJson(request, body as string, done);
  });
}
