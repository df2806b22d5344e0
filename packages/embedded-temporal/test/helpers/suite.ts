/**
 * One test file's environment: a `TestWorkflowEnvironment` on the embedded service, a worker
 * polling the file's own task queue for the whole file, and, at the end, replay of every
 * history the file's tests recorded.
 *
 * Teardown order matters: every worker is stopped and replay has read its histories before the
 * environment closes its connections, and teardown waits for a set-up that is still running
 * (a `beforeAll` past its timeout), so no call is ever made on a closed channel.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { createLocalEnv, createTimeSkippingEnv, type SearchAttributeKind } from './env';
import { createWorker, replayAll, type StartedWorkflow, uniqueTaskQueue } from './worker';

export interface WorkerSuiteOptions {
  /** Task queue prefix, also the file's name in test output. */
  name: string;
  /** `time-skipping` (default) or `local` (dev-server mode, wall clock). */
  mode?: 'time-skipping' | 'local';
  /** Extra search attributes registered at start (local mode). */
  searchAttributes?: Record<string, SearchAttributeKind>;
}

export interface WorkerSuite {
  /** The environment; available from the first test (or a later `beforeAll`) on. */
  readonly env: TestWorkflowEnvironment;
  /** The file's worker (runs from set-up to teardown). */
  readonly worker: Worker;
  /** The queue the file's worker polls. */
  readonly taskQueue: string;
  /** Workflows replayed after the last test. */
  readonly started: StartedWorkflow[];
  /** Records a workflow for replay and hands it back. */
  track<T extends StartedWorkflow>(handle: T): T;
  /**
   * Runs `fn` while another worker (other options or task queue) runs on this environment, then
   * stops it. A worker left running by a test that timed out is stopped at teardown.
   */
  withWorker<T>(options: Partial<WorkerOptions> & { taskQueue: string }, fn: () => Promise<T>): Promise<T>;
}

/** Registers `beforeAll`/`afterAll` for the calling `describe` block and returns its suite. */
export function useWorkerSuite(options: WorkerSuiteOptions): WorkerSuite {
  const taskQueue = uniqueTaskQueue(options.name);
  const started: StartedWorkflow[] = [];
  const extraRuns = new Map<Worker, Promise<unknown>>();
  let env: TestWorkflowEnvironment | undefined;
  let setUp: Promise<void> | undefined;
  let main: { worker: Worker; running: Promise<void> } | undefined;

  const suite: WorkerSuite = {
    get env() {
      if (!env) throw new Error(`${options.name}: the environment is not set up (did beforeAll fail?)`);
      return env;
    },
    get worker() {
      if (!main) throw new Error(`${options.name}: the worker is not set up (did beforeAll fail?)`);
      return main.worker;
    },
    taskQueue,
    started,
    track(handle) {
      started.push(handle);
      return handle;
    },
    async withWorker(workerOptions, fn) {
      const worker = await createWorker(suite.env, workerOptions);
      const run = worker.runUntil(fn);
      extraRuns.set(worker, run);
      try {
        return await run;
      } finally {
        extraRuns.delete(worker);
      }
    },
  };

  beforeAll(() => {
    setUp = (async () => {
      env = options.mode === 'local' ? await createLocalEnv(options.searchAttributes) : await createTimeSkippingEnv();
      const worker = await createWorker(env, { taskQueue });
      main = { worker, running: worker.run() };
    })();
    return setUp;
  });

  afterAll(async () => {
    // A set-up past its timeout may still be creating the worker: let it finish first.
    await setUp?.catch(() => undefined);
    try {
      for (const [worker, run] of extraRuns) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined); // its test has already failed (it timed out)
      }
      if (main) {
        if (main.worker.getState() === 'RUNNING') main.worker.shutdown();
        await main.running; // rethrows a worker failure
        await replayAll(suite.env.client, started);
      }
    } finally {
      await env?.teardown();
    }
  });

  return suite;
}
