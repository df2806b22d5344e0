/**
 * The lifecycle's business metrics, through the SDK's workflow metric meter (the worker's
 * Prometheus endpoint; the SDK emits nothing while a workflow replays, so each counts once).
 * Labels are bounded sets (stages, failure types): never an id.
 *
 * Names are the Prometheus ones, listed in `CHECK_METRICS` for the dashboards' static check.
 */
import { metricMeter } from '@temporalio/workflow';
import { FINAL_STAGES, type Stage } from './definitions';

export const CHECK_METRICS = {
  started: 'bgcheck_checks_started',
  closed: 'bgcheck_checks_closed',
  decisionSeconds: 'bgcheck_check_decision_seconds',
  blocked: 'bgcheck_checks_blocked',
} as const;

const started = metricMeter.createCounter(CHECK_METRICS.started, '1', 'Checks started (first run only)');
const closed = metricMeter.createCounter(
  CHECK_METRICS.closed,
  '1',
  'Checks closed, by outcome (final stage) and failure type (none unless failed)',
);
const decision = metricMeter.createHistogram(
  CHECK_METRICS.decisionSeconds,
  'float',
  's',
  'Time from the onboarding event reaching the check to its decision (approved or rejected)',
);
const blocked = metricMeter.createCounter(CHECK_METRICS.blocked, '1', 'Checks entering blocked, by failure type');

export function recordStarted(): void {
  started.add(1);
}

/**
 * On every stage change: closes count with their outcome, decisions their duration from the
 * check's first stage (carried across continue-as-new), blocks their reason.
 */
export function recordStage(stage: Stage, opts: { firstAt: string; now: Date; reason?: string }): void {
  if (stage === 'blocked') {
    blocked.add(1, { reason: opts.reason ?? 'unknown' });
  } else if (FINAL_STAGES.includes(stage)) {
    closed.add(1, { outcome: stage, failure_type: stage === 'failed' ? (opts.reason ?? 'unknown') : 'none' });
    if (stage === 'approved' || stage === 'rejected') {
      const seconds = (opts.now.getTime() - Date.parse(opts.firstAt)) / 1000;
      decision.record(Math.max(0, seconds), { outcome: stage });
    }
  }
}
