/**
 * The activities the worker registers, built by a factory from vendor clients (no globals, so
 * tests and benches build their own against the simulators).
 */
import { loadActivitiesConfig } from '../config';
import { AttestrClient } from '../vendors/attestr/client';
import { failurePolicyFromConfig, type FailurePolicy } from '../vendors/failure';
import { PercentClient } from '../vendors/percent/client';
import { createAttestrActivities } from './attestr';
import { createPercentActivities } from './percent';
import type { AttestrActivities, PercentActivities } from './types';
import { recordVendorMetrics } from './vendor-metrics';

export type Activities = PercentActivities & AttestrActivities;

export interface ActivityDependencies {
  percent: PercentClient;
  attestr: AttestrClient;
  failurePolicy: FailurePolicy;
  /** How often an activity heartbeats while its request is in flight (cancellation rides on heartbeats). */
  heartbeatIntervalMs?: number;
}

export function createActivities({ percent, attestr, ...options }: ActivityDependencies): Activities {
  recordVendorMetrics();
  return { ...createPercentActivities(percent, options), ...createAttestrActivities(attestr, options) };
}

export interface ActivitiesFromEnv {
  activities: Activities;
  percent: PercentClient;
  attestr: AttestrClient;
  /** Closes both vendor pools; call it after the worker has stopped. */
  close(): Promise<void>;
}

/** Reads PERCENT_*, ATTESTR_* and VENDOR_*; every bad variable is named in one `ConfigError`. */
export function createActivitiesFromEnv(env: Record<string, string | undefined> = process.env): ActivitiesFromEnv {
  const config = loadActivitiesConfig(env);
  const percent = PercentClient.fromConfig(config, config);
  const attestr = AttestrClient.fromConfig(config, config);
  return {
    activities: createActivities({ percent, attestr, failurePolicy: failurePolicyFromConfig(config, config) }),
    percent,
    attestr,
    close: async () => {
      await Promise.all([percent.close(), attestr.close()]);
    },
  };
}

export type { AttestrActivities, PercentActivities } from './types';
