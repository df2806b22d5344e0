/**
 * Replays histories against workflow code, one replay worker for the whole batch, and reports
 * each history's outcome as it completes.
 */
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { explainReplayFailure, type ReplayProblem } from './explain';
import type { LoadedHistory } from './history-file';

export interface ReplayOutcome {
  source: string;
  workflowId: string;
  runId?: string;
  /** Absent when the history replayed cleanly. */
  problem?: ReplayProblem;
}

export interface ReplayOptions {
  /** The workflow code: a prebuilt bundle (what the worker runs) or a path for the SDK to bundle. */
  workflows: { workflowBundle: WorkflowBundleOption } | { workflowsPath: string };
  /** The same converter as the worker, so encrypted inputs decode as they did in production. */
  dataConverter?: DataConverter;
}

/**
 * Yields one outcome per history, in order. A history that could not be loaded (an item with
 * `error`) is reported without stopping the others.
 */
export async function* replayHistories(
  options: ReplayOptions,
  histories: AsyncIterable<LoadedHistory | { source: string; error: Error }>,
): AsyncGenerator<ReplayOutcome> {
  // runReplayHistories replays one history at a time, in order: the one last handed to it is
  // the one its next result belongs to.
  const unreadable: ReplayOutcome[] = [];
  let current: LoadedHistory | undefined;
  async function* loaded() {
    for await (const item of histories) {
      if ('error' in item) {
        unreadable.push({
          source: item.source,
          workflowId: '-',
          problem: { kind: 'replay-error', summary: item.error.message, sdkMessage: item.error.message },
        });
        continue;
      }
      current = item;
      yield { workflowId: item.workflowId, history: item.history };
    }
  }

  const results = Worker.runReplayHistories(
    { ...options.workflows, dataConverter: options.dataConverter, replayName: 'bgcheck-replay' },
    loaded(),
  );
  for await (const result of results) {
    yield* unreadable.splice(0);
    const item = current as LoadedHistory;
    yield {
      source: item.source,
      workflowId: result.workflowId,
      runId: result.runId,
      ...(result.error ? { problem: explainReplayFailure(result.error, item.history) } : {}),
    };
  }
  yield* unreadable.splice(0);
}
