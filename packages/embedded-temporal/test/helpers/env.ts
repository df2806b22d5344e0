/**
 * Test environments on the embedded service, built with the official `TestWorkflowEnvironment`
 * API: the SDK itself launches `bin/embedded-temporal` through its `existing-path` hook.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { EMBEDDED_TEMPORAL_PATH, retryServerStart } from '../../src';

export { EMBEDDED_TEMPORAL_PATH };

const executable = { type: 'existing-path' as const, path: EMBEDDED_TEMPORAL_PATH };

export type SearchAttributeKind = 'KEYWORD' | 'TEXT' | 'INT' | 'DOUBLE' | 'BOOL' | 'DATETIME' | 'KEYWORD_LIST';

/** Test-server mode: a virtual clock that skips ahead whenever nothing is in flight. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return retryServerStart(() => TestWorkflowEnvironment.createTimeSkipping({ server: { executable } }));
}

/**
 * Dev-server mode (wall clock), with the given search attributes registered at start and extra
 * `start-dev` arguments (e.g. `--dynamic-config-value limit.blobSize.error=N`).
 */
export function createLocalEnv(
  searchAttributes: Record<string, SearchAttributeKind> = {},
  extraArgs: string[] = [],
): Promise<TestWorkflowEnvironment> {
  return retryServerStart(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        searchAttributes: Object.entries(searchAttributes).map(([name, type]) => ({ name, type })),
        extraArgs,
      },
    }),
  );
}
