/** `npm run history:export -- ...`: see `src/replay/export-cli.ts`. */
import { runExportCli } from './export-cli';
import { loadEnvFile } from '../env-file';

if (!loadEnvFile(process.env, process.stderr)) process.exit(2);

runExportCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`history:export failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
