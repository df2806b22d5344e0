/**
 * Vendor call metrics, recorded through the activity's metric meter (the SDK adds the task
 * queue, activity type and namespace): calls by vendor, route and status class; 429s; and how
 * long the 429s made the activity wait before its next attempt. Bounded labels, no ids.
 */
import { subscribe } from 'node:diagnostics_channel';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { FailureType } from '../failure-types';
import { vendorCallChannel, type VendorCallEvent } from '../vendors/http';

export const VENDOR_METRICS = {
  calls: 'bgcheck_vendor_calls',
  rateLimited: 'bgcheck_vendor_rate_limited',
  rateLimitWaitSeconds: 'bgcheck_vendor_rate_limit_wait_seconds',
} as const;

export const statusClass = (status: number | undefined): string =>
  status === undefined ? 'network_error' : `${Math.floor(status / 100)}xx`;

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // a vendor client used outside an activity (benches, scripts)
  }
}

function onVendorCall(message: unknown): void {
  const meter = currentContext()?.metricMeter;
  if (!meter) return;
  const { vendor, operation, status } = message as VendorCallEvent;
  const tags = { vendor, route: operation };
  meter
    .createCounter(VENDOR_METRICS.calls, '1', 'Vendor HTTP calls by vendor, route and status class')
    .add(1, { ...tags, status_class: statusClass(status) });
  if (status === 429) {
    meter.createCounter(VENDOR_METRICS.rateLimited, '1', 'Vendor calls answered 429').add(1, tags);
  }
}

let subscribed = false;

/** Idempotent: the worker may build its activities more than once (tests, dev). */
export function recordVendorMetrics(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe(vendorCallChannel.name, onVendorCall);
}

/** The wait a rate-limited attempt leaves behind (its `nextRetryDelay`), in seconds. */
export function recordRateLimitWait(failure: unknown): void {
  if (!(failure instanceof ApplicationFailure) || failure.type !== FailureType.RateLimited) return;
  if (failure.nextRetryDelay === undefined || failure.nextRetryDelay === null) return;
  const ms = msToNumber(failure.nextRetryDelay);
  const vendor = (failure.details?.[0] as { vendor?: string } | undefined)?.vendor ?? 'unknown';
  currentContext()
    ?.metricMeter.createHistogram(
      VENDOR_METRICS.rateLimitWaitSeconds,
      'float',
      's',
      'Wait before retrying a rate-limited vendor call',
    )
    .record(ms / 1000, { vendor });
}
