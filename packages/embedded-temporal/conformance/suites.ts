/**
 * Which SDK test files the harness runs, and how it classifies tests that do not measure the
 * embedded service.
 */

/** The 44 suites of the full run (files `packages/test/src/<suite>.ts` of the SDK). */
export const DEFAULT_SUITES = [
  'test-integration-update',
  'test-integration-workflow-start',
  'test-integration-activities',
  'test-integration-split-one',
  'test-integration-split-two',
  'test-integration-split-three',
  'test-integration-workflow-info',
  'test-testenvironment',
  'test-signals-are-always-delivered',
  'test-integration-cancellation-scopes',
  'test-workflow-cancellation',
  'test-patch-and-condition',
  'test-local-activities',
  'test-integration-workflows-with-recorded-logs',
  'test-signal-query-patch',
  'test-integration-replay-and-flags',
  'test-interceptors',
  'test-sinks',
  'test-worker-lifecycle',
  'test-integration-patch-activation-callback',
  'test-workflow-unhandled-rejection-crash',
  'test-integration-reserved-prefixes',
  'test-integration-update-interceptors',
  'test-workflow-log-interceptor',
  'test-worker-heartbeats',
  'test-native-connection',
  'test-worker-tuner',
  'test-worker-poller-autoscale',
  'test-default-activity',
  'test-default-workflow',
  'test-custom-payload-codec',
  'test-custom-payload-converter',
  'test-failure-converter',
  'test-workflow-fail-on-errors-policy',
  'test-worker-connection-replacement',
  'test-workflow-async-local-storage',
  'test-runtime',
  'test-integration-envconfig',
  'test-payload-size-limits',
  'test-random-stream-reset',
  'test-async-completion',
  'test-client-errors',
  'test-serialization-context',
  'test-typed-search-attributes',
];

/** A test the summary lists apart: not counted as passing or failing. */
export interface Classification {
  kind: 'out-of-scope' | 'harness';
  reason: string;
}

interface Rule extends Classification {
  suite?: string;
  title: RegExp;
}

const OUT_OF_SCOPE = 'out-of-scope' as const;

// Features the embedded service does not implement by design (see the package README, "Limits").
const RULES: Rule[] = [
  { kind: OUT_OF_SCOPE, title: /\bschedules?\b|\bScheduleClient\b/i, reason: 'schedules' },
  { kind: OUT_OF_SCOPE, title: /nexus/i, reason: 'Nexus' },
  { kind: OUT_OF_SCOPE, title: /standalone activit/i, reason: 'standalone activities' },
  { kind: OUT_OF_SCOPE, title: /deployment|versioning/i, reason: 'worker deployments' },
  {
    kind: 'harness',
    suite: 'test-integration-split-three',
    title: /^Enhanced stack trace returns trace that makes sense/,
    reason: 'expects the SDK monorepo path /packages/workflow/src/trigger.ts; the harness runs the npm packages',
  },
];

export function classify(suite: string, title: string): Classification | undefined {
  const rule = RULES.find((r) => (r.suite === undefined || r.suite === suite) && r.title.test(title));
  return rule && { kind: rule.kind, reason: rule.reason };
}
