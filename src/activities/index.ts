/**
 * The activities the worker registers, built by a factory from vendor clients (no globals, so
 * tests and benches build their own against the simulators).
 */
import { loadAttestrConfig, loadHttpConfig, loadPercentConfig } from '../config';
import { AttestrClient } from '../vendors/attestr/client';
import { failurePolicyFromConfig, type FailurePolicy } from '../vendors/failure';
import { PercentClient } from '../vendors/percent/client';
import { createAttestrActivities } from './attestr';
import { createPercentActivities } from './percent';
import type { AttestrActivities, PercentActivities } from './types';

export type Activities = PercentActivities & AttestrActivities;

export interface ActivityDependencies {
  percent: PercentClient;
  attestr: AttestrClient;
  failurePolicy: FailurePolicy;
}

export function createActivities({ percent, attestr, failurePolicy }: ActivityDependencies): Activities {
  return { ...createPercentActivities(percent, failurePolicy), ...createAttestrActivities(attestr, failurePolicy) };
}

export interface ActivitiesFromEnv {
  activities: Activities;
  percent: PercentClient;
  attestr: AttestrClient;
  /** Closes both vendor pools; call it after the worker has stopped. */
  close(): Promise<void>;
}

/** Reads PERCENT_*, ATTESTR_* and VENDOR_* (a bad variable throws `ConfigError` naming it). */
export function createActivitiesFromEnv(env: Record<string, string | undefined> = process.env): ActivitiesFromEnv {
  const http = loadHttpConfig(env);
  const attestrConfig = loadAttestrConfig(env);
  const percent = PercentClient.fromConfig(loadPercentConfig(env), http);
  const attestr = AttestrClient.fromConfig(attestrConfig, http);
  return {
    activities: createActivities({ percent, attestr, failurePolicy: failurePolicyFromConfig(http, attestrConfig) }),
    percent,
    attestr,
    close: async () => {
      await Promise.all([percent.close(), attestr.close()]);
    },
  };
}

export type { AttestrActivities, PercentActivities } from './types';
