/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. Neither vendor documents
 * sending it, so it is honoured when present and capped (VENDOR_RETRY_AFTER_CAP): one odd header
 * must not park a check for days.
 */

/** Milliseconds to wait, or `undefined` when the header is absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only date-looking values: `Date.parse('12.5')` would happily answer a date in 2001.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** `parseRetryAfter`, bounded by `capMs`. */
export function retryAfterMs(value: string | undefined | null, capMs: number, now: number = Date.now()) {
  const ms = parseRetryAfter(value, now);
  return ms === undefined ? undefined : Math.min(ms, capMs);
}
