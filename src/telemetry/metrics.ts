/**
 * The Prometheus endpoint every process serves (`METRICS_PORT`, `/metrics`): the SDK's own
 * metrics and the business metrics recorded through its metric meter (workflow:
 * `src/workflows/check-metrics.ts`; activities: `src/activities/vendor-metrics.ts`; ingress:
 * `src/ingress/` webhook deliveries). Counters end in `_total` as Prometheus expects.
 */
import type { TelemetryOptions } from '@temporalio/worker';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket boundaries in seconds: decisions take minutes to weeks; 429 waits, a second to an hour. */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  bgcheck_check_decision_seconds: [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY],
  bgcheck_vendor_rate_limit_wait_seconds: [0.5, 1, 2, 5, 10, 30, MINUTE, 5 * MINUTE, HOUR],
};

export function prometheusMetrics(port: number, host = '0.0.0.0'): NonNullable<TelemetryOptions['metrics']> {
  return {
    prometheus: {
      bindAddress: `${host}:${port}`,
      countersTotalSuffix: true,
      histogramBucketOverrides: HISTOGRAM_BUCKETS,
    },
  };
}
