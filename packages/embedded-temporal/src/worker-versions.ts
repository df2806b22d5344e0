/** The worker version stamps the server records, taken from worker requests. */
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';

/**
 * The stamp WorkflowTaskStarted records: the poller's build id from its version capabilities,
 * none when it polls as a worker deployment (versioning 3) or sends no build id.
 */
export function pollerVersionStamp(
  request: temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest,
): temporal.api.common.v1.IWorkerVersionStamp | undefined {
  const capabilities = request.workerVersionCapabilities;
  const options = request.deploymentOptions;
  if (
    options?.workerVersioningMode === enums.WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED &&
    options.deploymentName
  ) {
    return undefined;
  }
  if (capabilities?.useVersioning && capabilities.deploymentSeriesName) return undefined;
  if (!capabilities?.buildId) return undefined;
  return { buildId: capabilities.buildId, useVersioning: capabilities.useVersioning ?? false };
}

/** The build id of a completing worker, however it sends it (WorkflowTaskCompleted, `BuildIds`). */
export function completionBuildId(
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): string {
  return request.workerVersionStamp?.buildId || request.deploymentOptions?.buildId || request.binaryChecksum || '';
}
