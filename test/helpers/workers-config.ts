import type { WorkersConfig } from '../../src/worker';

/**
 * Worker settings for tests: task queues named after `name`, so test files sharing a Temporal
 * never take each other's tasks, and vendor limits high enough never to slow a test down.
 */
export function testWorkersConfig(name: string, namespace: string): WorkersConfig {
  return {
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: `${name}-checks`,
    PERCENT_TASK_QUEUE: `${name}-percent`,
    ATTESTR_TASK_QUEUE: `${name}-attestr`,
    PERCENT_MAX_ACTIVITIES_PER_SECOND: 100,
    ATTESTR_MAX_ACTIVITIES_PER_SECOND: 100,
  };
}
