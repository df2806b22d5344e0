/**
 * `npm run history:export -- --workflow-id ID [--run-id R] [--out file.json] [--redact]`:
 * writes a workflow's history in the format of `temporal workflow show --output json` and the
 * Temporal UI's download (the SDK's `historyToJSON`), ready for `npm run replay`.
 *
 * Payloads are written as Temporal stores them (encrypted when the codec is on). `--redact`
 * decrypts them with PAYLOAD_CODEC_KEYS and replaces agents' personal data with placeholders,
 * for a history that may be committed as a test fixture.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createDataConverter } from '../codec/data-converter';
import { ConfigError, loadTemporalConfig } from '../config';
import { clientConnectionOptions } from '../temporal/connection';
import type { History } from './history-file';
import { redactHistoryJson } from './redact';

export const EXPORT_USAGE = `Usage:
  npm run history:export -- --workflow-id <id> [--run-id <run>] [--out <file.json>] [--redact]

  --out      write to this file (default: standard output)
  --redact   decrypt payloads (PAYLOAD_CODEC_KEYS) and replace personal data with placeholders,
             so the history can be kept in test/fixtures/histories/

Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS*, TEMPORAL_API_KEY, PAYLOAD_CODEC_KEYS (for --redact).`;

export interface ExportIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export async function runExportCli(argv: string[], io: ExportIo): Promise<number> {
  let values: { 'workflow-id'?: string; 'run-id'?: string; out?: string; redact?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'workflow-id': { type: 'string' },
        'run-id': { type: 'string' },
        out: { type: 'string' },
        redact: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (!values.help && values['workflow-id'] === undefined) throw new Error('--workflow-id is required.');
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }

  let connection: Connection | undefined;
  try {
    const config = loadTemporalConfig(io.env);
    const codec = createDataConverter(io.env).payloadCodecs?.[0];
    if (values.redact && !codec) {
      throw new ConfigError(['PAYLOAD_CODEC_KEYS: required with --redact, to decrypt the payloads']);
    }
    connection = await Connection.connect(clientConnectionOptions(config));
    // No data converter: the history is exported exactly as stored.
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const workflowId = values['workflow-id'] as string;
    const history = (await client.workflow.getHandle(workflowId, values['run-id']).fetchHistory()) as History;
    let text = historyToJSON(history);
    if (values.redact) text = JSON.stringify(await redactHistoryJson(JSON.parse(text), codec), null, 2);
    if (values.out === undefined) {
      io.stdout.write(`${text}\n`);
    } else {
      await writeFile(values.out, `${text}\n`);
      io.stderr.write(
        `Wrote ${history.events?.length ?? 0} events of ${workflowId}${values.redact ? ' (redacted)' : ''} to ${values.out}\n`,
      );
    }
    return 0;
  } catch (error) {
    io.stderr.write(
      error instanceof ConfigError ? `${error.message}\n` : `history:export failed: ${(error as Error).message}\n`,
    );
    return error instanceof ConfigError ? 2 : 1;
  } finally {
    await connection?.close();
  }
}
