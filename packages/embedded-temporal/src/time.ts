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
