/**
 * The waits of a check, from the event's `options` and the defaults. Pure. (However short the
 * `pollInterval`, the history stays bounded: a long decision wait continues as new.)
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';

export const DEFAULT_TIMEOUTS = {
  asyncRequestTimeout: '7 days',
  decisionTimeout: '30 days',
  pollInterval: '6 hours',
} as const;

export interface CheckTimeouts {
  asyncRequestMs: number;
  decisionMs: number;
  pollMs: number;
}

export interface TimeoutOptions {
  asyncRequestTimeout?: string;
  decisionTimeout?: string;
  pollInterval?: string;
}

// The onboarding event schema already checked these are durations `ms` understands.
const toMs = (duration: string) => msToNumber(duration as Duration);

export function checkTimeouts(options: TimeoutOptions = {}): CheckTimeouts {
  return {
    asyncRequestMs: toMs(options.asyncRequestTimeout ?? DEFAULT_TIMEOUTS.asyncRequestTimeout),
    decisionMs: toMs(options.decisionTimeout ?? DEFAULT_TIMEOUTS.decisionTimeout),
    pollMs: toMs(options.pollInterval ?? DEFAULT_TIMEOUTS.pollInterval),
  };
}

const UNITS: [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** `21600000` → `"6 hours"`; the largest unit that divides evenly, else milliseconds. */
export function describeDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
