/** `npm run replay -- ...`: see `src/replay/cli.ts`. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runReplayCli } from './cli';

// The replay worker logs its start and stop, and core logs each failed workflow task: the report
// says the same in words, so only errors of the tool itself are shown.
const quietRuntime = () =>
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });

runReplayCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  beforeReplay: quietRuntime,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`replay failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
