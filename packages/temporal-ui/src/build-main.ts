/** `npm run build -w @bgcheck/temporal-ui`: builds the UI now if its sources or versions changed (`--force`: always). */
import { ensureUiBuild } from './build';

ensureUiBuild({ force: process.argv.includes('--force'), progress: (line) => process.stdout.write(`${line}\n`) }).then(
  (build) => process.stdout.write(`${build.built ? 'built' : 'up to date'}: ${build.dir} (${build.hash})\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
