/**
 * Test environments, always built with the official `TestWorkflowEnvironment` API.
 *
 * Where the SDK cannot download its servers (these machines), the server executable is the
 * project's embedded service (`@bgcheck/embedded-temporal`), launched by the SDK itself through the
 * `existing-path` hook. `TEMPORAL_TEST_SERVER` chooses another server, and the same tests run on it:
 * - unset or `embedded`: the embedded service;
 * - `official`: Temporal's own binaries from the project cache (`scripts/install-official-temporal.sh`),
 *   the time-skipping test server for `createTimeSkippingEnv` and `temporal server start-dev` for
 *   `createLocalEnv`, launched through the same hook;
 * - `download`: the SDK downloads them itself (where it can);
 * - a path: another executable, for both modes.
 */
import { EMBEDDED_TEMPORAL_PATH, retryServerStart } from '@bgcheck/embedded-temporal';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions';
import { officialTemporal } from '../../scripts/official-temporal';

export { EMBEDDED_TEMPORAL_PATH };

function executable(mode: 'time-skipping' | 'local', choice = process.env.TEMPORAL_TEST_SERVER) {
  if (choice === 'download') return undefined;
  if (choice === 'official') {
    const official = officialTemporal();
    return { type: 'existing-path' as const, path: mode === 'local' ? official.cli : official.testServer };
  }
  return { type: 'existing-path' as const, path: !choice || choice === 'embedded' ? EMBEDDED_TEMPORAL_PATH : choice };
}

/**
 * Test-server mode: a virtual clock that skips ahead whenever nothing is in flight. The
 * lifecycle's search attributes are registered through the operator service, as on a cluster.
 */
export async function createTimeSkippingEnv(
  /** A `TEMPORAL_TEST_SERVER` value for this environment only (the differential tool runs both). */
  server?: string,
): Promise<TestWorkflowEnvironment> {
  const exe = executable('time-skipping', server);
  const env = await retryServerStart(() =>
    TestWorkflowEnvironment.createTimeSkipping(exe ? { server: { executable: exe } } : {}),
  );
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.keys(SEARCH_ATTRIBUTE_TYPES).map((name) => [
        name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/** Dev-server mode (wall clock), with the lifecycle's search attributes registered. */
export function createLocalEnv(
  searchAttributes: Record<string, 'KEYWORD' | 'TEXT' | 'INT' | 'DOUBLE' | 'BOOL' | 'DATETIME' | 'KEYWORD_LIST'> = {},
): Promise<TestWorkflowEnvironment> {
  const exe = executable('local');
  const lifecycle = Object.fromEntries(Object.keys(SEARCH_ATTRIBUTE_TYPES).map((name) => [name, 'KEYWORD' as const]));
  const all = { ...lifecycle, ...searchAttributes };
  return retryServerStart(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        ...(exe ? { executable: exe } : {}),
        searchAttributes: Object.entries(all).map(([name, type]) => ({ name, type })),
      },
    }),
  );
}
