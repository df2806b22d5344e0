/**
 * Deployment settings the workflow needs but cannot read itself (workflow code has no access to
 * the environment): the vendors' task queues. The workflow
 * worker serves them through a local activity, so each check records them once, at its start,
 * in its history and replays with the same values.
 *
 * Because a running check keeps the task queues it started with, drain the old queues (keep a
 * worker on them) before renaming `PERCENT_TASK_QUEUE` or `ATTESTR_TASK_QUEUE`.
 */
export interface WorkerSettings {
  percentTaskQueue: string;
  attestrTaskQueue: string;
  /**
   * History length at which a check waiting for its decision continues as new (default 10,000
   * events; Temporal's own suggestion applies too). Lower only to test continue-as-new.
   */
  continueAsNewAfterEvents?: number;
}

export interface WorkerSettingsActivities {
  readWorkerSettings(): Promise<WorkerSettings>;
}

export function createWorkerSettingsActivities(settings: WorkerSettings): WorkerSettingsActivities {
  const copy = { ...settings };
  return { readWorkerSettings: async () => ({ ...copy }) };
}
