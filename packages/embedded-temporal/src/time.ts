/** Conversions between milliseconds and the protobuf Timestamp/Duration shapes. */
import { i64, type google } from './proto';

type Timestamp = google.protobuf.ITimestamp;
type Duration = google.protobuf.IDuration;

export function timestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: i64(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function timestampMs(ts: Timestamp | null | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export function duration(ms: number): Duration {
  const seconds = Math.floor(ms / 1000);
  return { seconds: i64(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** Duration in ms; unset or zero means "none" and gives 0. */
export function durationMs(d: Duration | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
}

/** A duration field that stays unset (null) when there is none, as the server leaves it. */
export function optionalDuration(ms: number): Duration | null {
  return ms > 0 ? duration(ms) : null;
}

const GO_DURATION_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A Go duration string as the server's dynamic config takes it (`1s`, `50ms`, `1m30s`), in ms;
 * undefined when it is not one. Surrounding quotes (YAML-style values) are allowed.
 */
export function parseGoDurationMs(text: string): number | undefined {
  const value = text.trim().replace(/^"(.*)"$/, '$1');
  if (value === '0') return 0;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * GO_DURATION_UNIT_MS[unit], 0);
}
