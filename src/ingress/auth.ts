/**
 * Bearer-token auth of the ingress's non-webhook routes (`Authorization: Bearer <token>`).
 *
 * Several tokens are valid at once (`INGRESS_AUTH_TOKENS`), so one is rotated by adding the new
 * one, moving the senders, then removing the old. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every configured token (no early exit), so neither the length nor
 * the content of a token leaks through timing. A token never reaches a log or an answer.
 * Hand-written (a dozen lines) rather than a plugin: the tokens stay `Secret` values and the
 * 401 uses the ingress's error body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../secret';
import { HttpError } from '../http';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function bearerTokenCheck(tokens: readonly Secret[]): (authorization: string | undefined) => void {
  const digests = tokens.map((t) => digest(t.reveal()));
  return (authorization) => {
    const presented = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization?.trim() ?? '')?.[1];
    let match = false;
    if (presented !== undefined) {
      const candidate = digest(presented);
      for (const known of digests) match = timingSafeEqual(candidate, known) || match;
    }
    if (!match) {
      throw new HttpError(
        401,
        'unauthorized',
        presented === undefined ? 'missing Authorization: Bearer <token> header' : 'invalid bearer token',
        undefined,
        { 'www-authenticate': 'Bearer realm="ingress"' },
      );
    }
  };
}
