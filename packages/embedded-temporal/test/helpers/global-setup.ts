/**
 * jest globalSetup of this package: a fresh directory for the run's shared workflow bundle
 * (`workflowBundle()` in `worker.ts`); globalTeardown removes it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the run's shared workflow bundle goes. */
export const BUNDLE_DIR_ENV = 'EMBEDDED_TEMPORAL_TEST_BUNDLE_DIR';

export default function globalSetup(): void {
  process.env[BUNDLE_DIR_ENV] = mkdtempSync(path.join(os.tmpdir(), 'embedded-temporal-test-bundle-'));
}
