/** `npm run replay -- ...`: see `src/replay/cli.ts`. */
import { runReplayCli } from './cli';
import { installQuietRuntime } from './quiet-runtime';
import { loadEnvFile } from '../env-file';

if (!loadEnvFile(process.env, process.stderr)) process.exit(2);

runReplayCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  beforeReplay: installQuietRuntime,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`replay failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
