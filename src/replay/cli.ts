/**
 * `npm run replay -- ...`: replays workflow histories against the current workflow code and
 * says, per history, OK or what does not match. Exit code 0 when every history replayed,
 * 1 when any did not, 2 on bad usage or configuration.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { createDataConverter } from '../codec/data-converter';
import { ConfigError, loadTemporalConfig } from '../config';
import { clientConnectionOptions } from '../temporal/connection';
import { replayHistories, type ReplayOutcome } from './replayer';
import { historiesFromFiles, historiesOfQuery, historyOfWorkflow, type HistoryItem } from './sources';

export const DEFAULT_WORKFLOWS_PATH = path.resolve(__dirname, '../workflows');

export const REPLAY_USAGE = `Usage:
  npm run replay -- <history.json | directory>...        histories exported by the Temporal CLI or UI, or history:export
  npm run replay -- --workflow-id <id> [--run-id <run>]  one execution, fetched from TEMPORAL_ADDRESS
  npm run replay -- --query "<visibility query>"         every open or closed execution the query matches

Options:
  --workflows <path>   workflow code to replay against (default: src/workflows)
  --bundle <file.js>   a prebuilt workflow bundle instead (what the worker runs)
  --help

Env: PAYLOAD_CODEC_KEYS (to decode encrypted payloads), TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_TLS*, TEMPORAL_API_KEY (for --workflow-id and --query).
Exit code: 0 all replayed, 1 a history did not replay, 2 bad usage or configuration.`;

export interface ReplayIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Clock for the progress line; injectable for tests. */
  now?: () => number;
  /**
   * Called once, just before the replay worker starts (the process entry point installs the
   * SDK runtime's logging there: installing it earlier would keep a process that stops on a
   * usage error alive).
   */
  beforeReplay?: () => void;
}

const PROGRESS_EVERY = 25;
const PROGRESS_INTERVAL_MS = 10_000;

class UsageError extends Error {}

export async function runReplayCli(argv: string[], io: ReplayIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${REPLAY_USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    io.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }

  let connection: Connection | undefined;
  try {
    const dataConverter = createDataConverter(io.env);
    const workflows = await workflowCode(args.values);
    let histories: AsyncIterable<HistoryItem>;
    let total: number | undefined;
    if (args.positionals.length > 0) {
      histories = historiesFromFiles(args.positionals);
    } else {
      const config = loadTemporalConfig(io.env);
      connection = await Connection.connect(clientConnectionOptions(config));
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
      if (args.values.query !== undefined) {
        total = await client.workflow.count(args.values.query).then(
          (c) => c.count,
          () => undefined,
        );
        histories = historiesOfQuery(client, args.values.query);
      } else {
        histories = historyOfWorkflow(client, args.values['workflow-id'] as string, args.values['run-id']);
      }
    }

    const counts = { ok: 0, failed: 0 };
    const now = io.now ?? Date.now;
    const started = now();
    let lastProgress = started;
    io.beforeReplay?.();
    for await (const outcome of replayHistories({ workflows, dataConverter }, histories)) {
      io.stdout.write(formatOutcome(outcome));
      counts[outcome.problem ? 'failed' : 'ok'] += 1;
      const done = counts.ok + counts.failed;
      if (done % PROGRESS_EVERY === 0 || now() - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now();
        const seconds = Math.round((lastProgress - started) / 1000);
        io.stderr.write(
          `progress: ${done}${total !== undefined ? ` of ${total}` : ''} replayed, ${counts.failed} failed, ${seconds}s\n`,
        );
      }
    }
    const done = counts.ok + counts.failed;
    if (done === 0) {
      io.stdout.write('No histories to replay.\n');
      return 1;
    }
    io.stdout.write(
      `\n${done} ${done === 1 ? 'history' : 'histories'} checked: ${counts.ok} OK, ${counts.failed} failed.\n`,
    );
    return counts.failed === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    io.stderr.write(`replay failed: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  } finally {
    await connection?.close();
  }
}

function parse(argv: string[]) {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'workflow-id': { type: 'string' },
      'run-id': { type: 'string' },
      query: { type: 'string' },
      workflows: { type: 'string' },
      bundle: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values, positionals } = parsed;
  if (values.help) return parsed;
  const sources = [positionals.length > 0, values['workflow-id'] !== undefined, values.query !== undefined];
  if (sources.filter(Boolean).length !== 1) {
    throw new Error('Give exactly one of: history files, --workflow-id, or --query.');
  }
  if (values['run-id'] !== undefined && values['workflow-id'] === undefined) {
    throw new Error('--run-id needs --workflow-id.');
  }
  if (values.workflows !== undefined && values.bundle !== undefined) {
    throw new Error('Give --workflows or --bundle, not both.');
  }
  return parsed;
}

async function workflowCode(values: {
  workflows?: string;
  bundle?: string;
}): Promise<{ workflowBundle: WorkflowBundleOption }> {
  if (values.bundle !== undefined) return { workflowBundle: { codePath: path.resolve(values.bundle) } };
  const workflowsPath = values.workflows !== undefined ? path.resolve(values.workflows) : DEFAULT_WORKFLOWS_PATH;
  try {
    return { workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: quietLogger }) };
  } catch (error) {
    throw new UsageError(`cannot bundle the workflow code at ${workflowsPath}: ${(error as Error).message}`);
  }
}

/** The bundler reports progress at info level; on a replay run only its problems matter. */
const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};

export function formatOutcome(outcome: ReplayOutcome): string {
  const run = outcome.runId ? ` (run ${outcome.runId})` : '';
  const from = outcome.source.startsWith('workflow ') ? '' : ` from ${outcome.source}`;
  if (!outcome.problem) return `OK    ${outcome.workflowId}${run}${from}\n`;
  const p = outcome.problem;
  const title =
    p.kind === 'nondeterminism'
      ? `Nondeterminism${p.eventId !== undefined ? ` at event ${p.eventId}` : ''}`
      : p.kind === 'workflow-task-failure'
        ? 'Workflow code failed during replay'
        : 'Not replayed';
  const lines = [
    `FAIL  ${outcome.workflowId === '-' ? outcome.source : `${outcome.workflowId}${run}${from}`}`,
    `      ${title}: ${p.summary}`,
    ...(p.hint ? [`      What to do: ${p.hint}`] : []),
    ...(p.kind !== 'replay-error' ? [`      SDK said: ${p.sdkMessage}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
