/**
 * A query waiting for its answer. Where it goes depends on the run's workflow task: before the
 * first task completes it waits (there is no state to query); with a task scheduled it rides in
 * that task's `queries` map; with a task started it waits for that task to finish; otherwise it
 * goes out alone as a legacy query task.
 */
import type { temporal } from '@temporalio/proto';
import type { Payloads } from '../types';
import type { WorkflowTaskPhase } from './workflow-task';

export interface PendingQuery {
  id: string;
  runId: string;
  query: temporal.api.query.v1.IWorkflowQuery;
  resolve(result: Payloads | null | undefined): void;
  reject(error: Error): void;
}

export type QueryRoute = 'hold' | 'legacy';

/** Where a new (or requeued) query goes, from the run's workflow task. */
export function routeQuery(
  hasCompletedTask: boolean,
  runOpen: boolean,
  task: WorkflowTaskPhase | undefined,
): QueryRoute | 'reject' {
  if (!hasCompletedTask) return runOpen ? 'hold' : 'reject';
  if (runOpen && (task === 'scheduled' || task === 'started')) return 'hold';
  return 'legacy';
}
