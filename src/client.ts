/** `npm run client -- <command>`: see `src/cli/run.ts` for the commands. */
import { runCli } from './cli/run';
import { loadEnvFile } from './env-file';

if (!loadEnvFile(process.env, process.stderr)) process.exit(2);

runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
