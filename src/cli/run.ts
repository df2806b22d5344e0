/**
 * The command-line client: `npm run client -- <command>`. Results go to stdout as JSON (one
 * object, or one per line for `list`), errors to stderr. Exit codes: 0 done, 1 the operation
 * failed (not found, check failed, Temporal unreachable), 2 bad usage or input.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  Client,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { EncryptionCodec } from '../codec';
import { ConfigError, loadCodecConfig, loadTelemetryConfig, loadTemporalConfig, type TemporalConfig } from '../config';
import { startTracing, type Tracing } from '../telemetry/tracing';
import { startCheck } from '../temporal/start-check';
import { DEFAULT_TEMPORAL_ADDRESS, createTemporalClient } from '../temporal/client';
import { isTemporalUnavailable } from '../temporal/unavailable';
import { parseOnboardingEvent, workflowIdForProfile, type OnboardingEvent } from '../onboarding-event';
import { UnreadablePayloadsCodec } from './unreadable-payloads';
import {
  STAGES,
  WORKFLOW_TYPE,
  asyncRequestReadySignal,
  resumeSignal,
  searchAttributes,
  statusQuery,
  type CheckResult,
  type Stage,
} from '../workflows/definitions';

export const USAGE = `Usage: npm run client -- <command> [arguments]

Commands:
  start <event.json | ->                 start a background check from an onboarding event (file or stdin)
  status <profileId | workflowId>        current stage and details of a check
  async-request <profileId> <asyncRequestId>
                                         send the Attestr async request id to a waiting check
  list [--stage STAGE] [--limit N]       checks, newest first, optionally in one stage
  resume <profileId | workflowId>        retry a blocked check now (after topping up credits, for example)
  cancel <profileId | workflowId>        cancel a check
  result <profileId | workflowId>        wait for a check's decision

Environment: TEMPORAL_ADDRESS (default ${DEFAULT_TEMPORAL_ADDRESS}), TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
TEMPORAL_TLS*, TEMPORAL_API_KEY, PAYLOAD_CODEC_KEYS (must match the worker's).
BGCHECK_ENV_FILE=<file> reads unset variables from that file first (npm run dev writes .dev/secrets.env).
`;

export interface CliIo {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Builds the Temporal client; tests inject one bound to their environment. */
  connect?: (config: TemporalConfig) => Promise<Client>;
}

class UsageError extends Error {}
/** Bad input (an event file, an option value): exit 2 with the problems, without the usage text. */
class InputError extends Error {}
class CommandFailed extends Error {}

/** A workflow id as given, or the check's id for a profile id. */
export const toWorkflowId = (id: string): string => (id.startsWith('bgcheck-') ? id : workflowIdForProfile(id));

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readEvent(source: string, io: CliIo) {
  let text: string;
  try {
    text = source === '-' ? await readAll(io.stdin) : await readFile(source, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${source === '-' ? 'stdin' : source} is not valid JSON`);
  }
  const parsed = parseOnboardingEvent(json);
  if (!parsed.ok) {
    throw new InputError(
      `invalid onboarding event:\n${parsed.problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`,
    );
  }
  return parsed.event;
}

function stageOf(description: WorkflowExecutionDescription): string | undefined {
  return description.typedSearchAttributes.get(searchAttributes.stage);
}

/** The failure chain as text: the workflow's typed failure (e.g. ProfileNotUsable) and its message. */
function describeFailure(error: WorkflowFailedError): string {
  const cause = error.cause;
  if (cause instanceof CancelledFailure) return 'the check was cancelled';
  if (cause instanceof ApplicationFailure) return `the check failed: ${cause.type ?? 'Error'}: ${cause.message}`;
  return `the check failed: ${cause?.message ?? error.message}`;
}

type Command = (
  client: Client,
  args: string[],
  values: { stage?: string; limit?: string },
  prepared: unknown,
) => Promise<void>;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const print = (value: unknown) => io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  const config = { value: undefined as TemporalConfig | undefined };

  const commands: Record<
    string,
    { arity: [number, number]; options?: string[]; prepare?: (args: string[]) => Promise<unknown>; run: Command }
  > = {
    start: {
      arity: [1, 1],
      // The event is read and validated before connecting: bad input never needs a cluster.
      prepare: ([source]) => readEvent(source, io),
      run: async (client, _args, _values, event) => {
        print(await startCheck(client, config.value!.TEMPORAL_TASK_QUEUE, event as OnboardingEvent));
      },
    },
    status: {
      arity: [1, 1],
      run: async (client, [id]) => {
        const handle = client.workflow.getHandle(toWorkflowId(id));
        const description = await handle.describe();
        const base = {
          workflowId: description.workflowId,
          runId: description.runId,
          executionStatus: description.status.name,
          stage: stageOf(description),
        };
        try {
          // A query needs a worker: bound it, and fall back to what visibility knows.
          const status = await client.withDeadline(Date.now() + 5_000, () => handle.query(statusQuery));
          // An unreadable (encrypted) answer is a placeholder string: shown as such, not spread.
          print({ ...base, ...(typeof status === 'object' && status !== null ? status : { status }) });
        } catch (error) {
          if (!isTemporalUnavailable(error)) throw error;
          print({ ...base, note: 'no worker answered the status query; showing the indexed stage only' });
        }
      },
    },
    'async-request': {
      arity: [2, 2],
      run: async (client, [profileId, asyncRequestId]) => {
        const workflowId = workflowIdForProfile(profileId);
        await client.workflow.getHandle(workflowId).signal(asyncRequestReadySignal, { asyncRequestId });
        print({ workflowId, signalled: 'asyncRequestReady' });
      },
    },
    list: {
      arity: [0, 0],
      options: ['stage', 'limit'],
      run: async (client, _args, { stage, limit }) => {
        const max = limit === undefined ? 100 : Number(limit);
        // No ORDER BY: SQL visibility (PostgreSQL) refuses it; its default order is newest first.
        const query =
          `WorkflowType = '${WORKFLOW_TYPE}'` + (stage ? ` AND ${searchAttributes.stage.name} = '${stage}'` : '');
        let count = 0;
        for await (const info of client.workflow.list({ query, pageSize: Math.min(max, 100) })) {
          const current = info.typedSearchAttributes.get(searchAttributes.stage);
          if (stage && current !== stage) continue; // also holds on servers with partial query support
          io.stdout.write(
            JSON.stringify({
              workflowId: info.workflowId,
              runId: info.runId,
              executionStatus: info.status.name,
              stage: current,
              startTime: info.startTime.toISOString(),
            }) + '\n',
          );
          if (++count >= max) break;
        }
      },
    },
    resume: {
      arity: [1, 1],
      run: async (client, [id]) => {
        const workflowId = toWorkflowId(id);
        await client.workflow.getHandle(workflowId).signal(resumeSignal, {});
        print({ workflowId, signalled: 'resume' });
      },
    },
    cancel: {
      arity: [1, 1],
      run: async (client, [id]) => {
        const workflowId = toWorkflowId(id);
        await client.workflow.getHandle(workflowId).cancel();
        print({ workflowId, cancelRequested: true });
      },
    },
    result: {
      arity: [1, 1],
      run: async (client, [id]) => {
        const workflowId = toWorkflowId(id);
        try {
          print({ workflowId, ...((await client.workflow.getHandle(workflowId).result()) as CheckResult) });
        } catch (error) {
          if (error instanceof WorkflowFailedError) throw new CommandFailed(`${workflowId}: ${describeFailure(error)}`);
          throw error;
        }
      },
    },
  };

  let client: Client | undefined;
  let codec: UnreadablePayloadsCodec | undefined;
  let tracing: Tracing | undefined;
  try {
    const { values, positionals } = (() => {
      try {
        return parseArgs({
          args: argv,
          allowPositionals: true,
          options: { stage: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    })();
    const [name, ...args] = positionals;
    if (values.help || name === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (!name) throw new UsageError('missing command');
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const [min, max] = command.arity;
    if (args.length < min || args.length > max) throw new UsageError(`wrong number of arguments for "${name}"`);
    for (const option of ['stage', 'limit'] as const) {
      if (values[option] !== undefined && !command.options?.includes(option)) {
        throw new UsageError(`--${option} does not apply to "${name}"`);
      }
    }
    if (values.stage !== undefined && !STAGES.includes(values.stage as Stage)) {
      throw new InputError(`--stage: expected one of ${STAGES.join(', ')}`);
    }
    if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) {
      throw new InputError('--limit: expected a positive integer');
    }

    const prepared = await command.prepare?.(args);
    config.value = loadTemporalConfig(io.env);
    const keys = loadCodecConfig(io.env).PAYLOAD_CODEC_KEYS;
    // Payloads this CLI cannot decrypt are shown as placeholders and explained, not a failure.
    codec = new UnreadablePayloadsCodec(keys ? new EncryptionCodec(keys) : undefined);
    const dataConverter = { payloadCodecs: [codec] };
    const telemetry = loadTelemetryConfig(io.env);
    // The process's own client (not an injected one) is traced when OTEL_* says so.
    if (!io.connect) tracing = startTracing({ config: telemetry, defaultServiceName: 'bgcheck-cli' });
    const connect = io.connect ?? ((c: TemporalConfig) => createTemporalClient(c, io.env, { dataConverter }));
    try {
      client = await connect(config.value);
    } catch (error) {
      if (error instanceof ConfigError) throw error; // e.g. an unreadable TLS certificate file
      const address = config.value.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS;
      throw new CommandFailed(`cannot reach Temporal at ${address}: ${(error as Error).message}`);
    }
    await command.run(client, args, values, prepared);
    const warning = codec.warning(keys !== undefined);
    if (warning) io.stderr.write(`${warning}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CommandFailed) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    const warning = codec?.warning(loadCodecConfig(io.env).PAYLOAD_CODEC_KEYS !== undefined);
    if (warning) io.stderr.write(`${warning}\n`);
    if (error instanceof WorkflowNotFoundError) {
      io.stderr.write(`error: no background check ${error.workflowId} (or it is not running)\n`);
      return 1;
    }
    if (isTemporalUnavailable(error)) {
      io.stderr.write(`error: Temporal is unavailable: ${(error as Error).message}\n`);
      return 1;
    }
    io.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  } finally {
    // Injected clients belong to the caller.
    if (client && !io.connect) await client.connection.close();
    await tracing?.shutdown();
  }
}
