/**
 * The waits of a check, from the event's `options` and the defaults. Pure.
 *
 * Every poll adds about a dozen events to the check's history, and Temporal ends a workflow
 * whose history passes ~50,000 events. So a check reads the verification at most
 * `MAX_POLLS_PER_CHECK` times: a `pollInterval` too short for its `decisionTimeout` is
 * stretched (30 days at 1 minute becomes about every 22 minutes). Webhooks still arrive at once.
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';

export const DEFAULT_TIMEOUTS = {
  asyncRequestTimeout: '7 days',
  decisionTimeout: '30 days',
  pollInterval: '6 hours',
} as const;

export const MAX_POLLS_PER_CHECK = 2_000;

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
  const decisionMs = toMs(options.decisionTimeout ?? DEFAULT_TIMEOUTS.decisionTimeout);
  const pollMs = toMs(options.pollInterval ?? DEFAULT_TIMEOUTS.pollInterval);
  return {
    asyncRequestMs: toMs(options.asyncRequestTimeout ?? DEFAULT_TIMEOUTS.asyncRequestTimeout),
    decisionMs,
    pollMs: Math.max(pollMs, Math.ceil(decisionMs / MAX_POLLS_PER_CHECK)),
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
