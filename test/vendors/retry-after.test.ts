import { parseRetryAfter, retryAfterMs } from '../../src/vendors/retry-after';

const now = Date.parse('2026-11-21T12:00:00Z');

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 21 Nov 2026 12:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    for (const value of [undefined, null, '', '-5', '1.5', 'soon', '12.5']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });

  it('caps both forms', () => {
    expect(retryAfterMs('86400', 3_600_000, now)).toBe(3_600_000);
    expect(retryAfterMs('Mon, 23 Nov 2026 12:00:00 GMT', 3_600_000, now)).toBe(3_600_000);
    expect(retryAfterMs('30', 3_600_000, now)).toBe(30_000);
  });
});
