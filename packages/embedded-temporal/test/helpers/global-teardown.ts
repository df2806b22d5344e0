/** jest globalTeardown of this package: removes the run's shared workflow bundle. */
import { rmSync } from 'node:fs';
import { BUNDLE_DIR_ENV } from './global-setup';

export default function globalTeardown(): void {
  const dir = process.env[BUNDLE_DIR_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
