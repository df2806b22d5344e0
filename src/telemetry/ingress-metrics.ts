/**
 * The ingress's business metric, through the SDK's metric meter on its own Prometheus endpoint:
 * Percent webhook deliveries by result (from the answer's status: bounded, no ids).
 */
import type { MetricMeter } from '@temporalio/common';

export const INGRESS_METRICS = { webhookDeliveries: 'bgcheck_webhook_deliveries' } as const;

const RESULTS: Record<number, string> = {
  200: 'accepted',
  400: 'invalid',
  401: 'bad_signature',
  404: 'unknown_verification',
  413: 'too_large',
  503: 'temporal_unavailable',
};

export const webhookResult = (status: number): string => RESULTS[status] ?? 'error';

/** Counts one webhook delivery; a no-op without a meter (tests, embedded uses). */
export function webhookDeliveryRecorder(meter: MetricMeter | undefined): (status: number) => void {
  if (!meter) return () => undefined;
  const counter = meter.createCounter(INGRESS_METRICS.webhookDeliveries, '1', 'Percent webhook deliveries by result');
  return (status) => counter.add(1, { result: webhookResult(status) });
}
