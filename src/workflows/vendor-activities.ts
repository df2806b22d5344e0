/**
 * The vendor activities as the lifecycle schedules them: each on its vendor's task queue (where
 * the worker rate-limits it) with the lifecycle's options from src/retry-policies.ts, under which
 * daily limits and low credits come back to the workflow at once instead of retrying for hours.
 */
import * as wf from '@temporalio/workflow';
import type { AttestrActivities, PercentActivities } from '../activities/types';
import { lifecycleActivityOptions } from '../retry-policies';
import type { WorkerSettings } from './worker-settings';

export type VendorActivities = PercentActivities & AttestrActivities;

export function vendorActivities({ percentTaskQueue, attestrTaskQueue }: WorkerSettings): VendorActivities {
  const on = (taskQueue: string, name: keyof VendorActivities) =>
    wf.proxyActivities<VendorActivities>({ ...lifecycleActivityOptions[name], taskQueue })[name];
  return {
    createAgentVerification: on(
      percentTaskQueue,
      'createAgentVerification',
    ) as PercentActivities['createAgentVerification'],
    getAgentVerification: on(percentTaskQueue, 'getAgentVerification') as PercentActivities['getAgentVerification'],
    associateAsyncRequest: on(attestrTaskQueue, 'associateAsyncRequest') as AttestrActivities['associateAsyncRequest'],
  };
}
