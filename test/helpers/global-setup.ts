/**
 * jest globalSetup of the app project: a fresh directory for the run's shared workflow bundle
 * (`workflow-bundle.ts`); globalTeardown removes it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the run's shared workflow bundle goes (read by `workflow-bundle.ts`). */
export const BUNDLE_DIR_ENV = 'BGCHECK_TEST_BUNDLE_DIR';

export default function globalSetup(): void {
  process.env[BUNDLE_DIR_ENV] = mkdtempSync(path.join(os.tmpdir(), 'bgcheck-test-bundle-'));
}
