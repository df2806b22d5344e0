/** Where histories to replay come from: files, one workflow execution, or a visibility query. */
import type { Client } from '@temporalio/client';
import { expandHistoryPaths, readHistoryFile, type History, type LoadedHistory } from './history-file';

export type HistoryItem = LoadedHistory | { source: string; error: Error };

export async function* historiesFromFiles(paths: string[]): AsyncGenerator<HistoryItem> {
  for (const file of await expandHistoryPaths(paths)) {
    try {
      yield await readHistoryFile(file);
    } catch (error) {
      yield { source: file, error: error as Error };
    }
  }
}

export async function* historyOfWorkflow(
  client: Client,
  workflowId: string,
  runId?: string,
): AsyncGenerator<HistoryItem> {
  const source = `workflow ${workflowId}${runId ? ` run ${runId}` : ''}`;
  try {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    yield { source, workflowId, history };
  } catch (error) {
    yield { source, error: error as Error };
  }
}

/** Every execution the query matches, open or closed, fetched a few at a time. */
export async function* historiesOfQuery(client: Client, query: string): AsyncGenerator<HistoryItem> {
  const executions = client.workflow.list({ query });
  for await (const { workflowId, history } of executions.intoHistories({ concurrency: 4 })) {
    // Typed `unknown` by the SDK; it is the decoded History that fetchHistory returns.
    yield { source: `workflow ${workflowId}`, workflowId, history: history as History };
  }
}
