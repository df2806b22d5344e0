/**
 * Shared test plumbing: one workflow bundle per jest run, workers on a fresh task queue, and
 * replay of every history a test produced (a history the SDK's replayer rejects is a bug).
 */
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  Worker,
  type WorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import * as activities from '../activities';
import { BUNDLE_DIR_ENV } from './global-setup';

// Keep test output readable: the SDK logs worker states and every expected activity failure.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
});

let bundle: Promise<WorkflowBundleOption> | undefined;

/**
 * The test workflows' bundle. webpack takes seconds and a dozen files need the same bundle: the
 * first file of a jest run builds it into the run's directory (`global-setup.ts`), later files load
 * it from there (`{ codePath }`; the source map is inline). Outside jest, once per process.
 */
export function workflowBundle(): Promise<WorkflowBundleOption> {
  const dir = process.env[BUNDLE_DIR_ENV];
  const codePath = dir && path.join(dir, 'workflow-bundle.js');
  if (codePath && existsSync(codePath)) return Promise.resolve({ codePath });
  bundle ??= bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows/index.ts'),
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  }).then(async ({ code }) => {
    if (!codePath) return { code };
    // Written whole, then renamed: a parallel jest worker never reads half a bundle.
    const partial = `${codePath}.${process.pid}`;
    await writeFile(partial, code);
    await rename(partial, codePath);
    return { codePath };
  });
  return bundle;
}

export function uniqueTaskQueue(prefix = 'tq'): string {
  return `${prefix}-${randomUUID()}`;
}

export async function createWorker(
  env: TestWorkflowEnvironment,
  options: Partial<WorkerOptions> & { taskQueue: string },
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    workflowBundle: await workflowBundle(),
    activities,
    ...options,
  });
}

/** Runs `fn` while the worker runs, then shuts it down. */
export async function withWorker<T>(worker: Worker, fn: () => Promise<T>): Promise<T> {
  return worker.runUntil(fn);
}

/** A started workflow: its id and first run (follow-up runs are found through the histories). */
export interface StartedWorkflow {
  workflowId: string;
  /** When unknown (e.g. update-with-start handles), the current run's first run is used. */
  firstExecutionRunId?: string;
}

/**
 * Replays every run of the given workflows (following continue-as-new and retries); throws on
 * any nondeterminism or malformed history.
 */
export async function replayAll(client: Client, workflows: StartedWorkflow[]): Promise<void> {
  const histories: { workflowId: string; history: temporal.api.history.v1.IHistory }[] = [];
  for (const { workflowId, firstExecutionRunId } of workflows) {
    let runId: string | null | undefined =
      firstExecutionRunId ??
      (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.firstRunId;
    while (runId) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      histories.push({ workflowId, history });
      runId = nextRunId(history.events?.[history.events.length - 1]);
    }
  }
  const failures: string[] = [];
  const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories);
  for await (const result of results) {
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  if (failures.length > 0) throw new Error(`Replay failed for ${failures.length} histories:\n${failures.join('\n')}`);
  expect(histories.length).toBeGreaterThanOrEqual(workflows.length);
}

function nextRunId(last: temporal.api.history.v1.IHistoryEvent | undefined): string | undefined {
  if (!last) return undefined;
  return (
    last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ||
    last.workflowExecutionFailedEventAttributes?.newExecutionRunId ||
    last.workflowExecutionTimedOutEventAttributes?.newExecutionRunId ||
    last.workflowExecutionCompletedEventAttributes?.newExecutionRunId ||
    undefined
  );
}
