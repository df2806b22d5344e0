import { Readable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { runCli, type CliIo } from '../../src/cli/run';

/** Runs the CLI in-process with captured output. */
export async function cli(
  argv: string[],
  options: { stdin?: string; env?: Record<string, string | undefined>; connect?: CliIo['connect'] } = {},
) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: options.env ?? {},
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    connect: options.connect,
  });
  return { code, stdout, stderr };
}

/** A `connect` that fails the test if the CLI reaches for Temporal. */
export const mustNotConnect = jest.fn(async (): Promise<Client> => {
  throw new Error('the CLI must not connect for this command');
});
