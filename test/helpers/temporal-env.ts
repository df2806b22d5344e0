/**
 * Test environments, always built with the official `TestWorkflowEnvironment` API.
 *
 * Where the SDK cannot download its servers (these machines), the server executable is the
 * project's embedded service (`@bgcheck/embedded-temporal`), launched by the SDK itself through the
 * `existing-path` hook. Set `TEMPORAL_TEST_SERVER=download` to use the official binaries
 * instead, or `TEMPORAL_TEST_SERVER=/path/to/binary` for another executable.
 */
import { EMBEDDED_TEMPORAL_PATH } from '@bgcheck/embedded-temporal';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions';

export { EMBEDDED_TEMPORAL_PATH };

function executable() {
  const choice = process.env.TEMPORAL_TEST_SERVER;
  if (choice === 'download') return undefined;
  return { type: 'existing-path' as const, path: choice || EMBEDDED_TEMPORAL_PATH };
}

/**
 * Test-server mode: a virtual clock that skips ahead whenever nothing is in flight. The
 * lifecycle's search attributes are registered through the operator service, as on a cluster.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const exe = executable();
  const env = await TestWorkflowEnvironment.createTimeSkipping(exe ? { server: { executable: exe } } : {});
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
  const exe = executable();
  const lifecycle = Object.fromEntries(Object.keys(SEARCH_ATTRIBUTE_TYPES).map((name) => [name, 'KEYWORD' as const]));
  const all = { ...lifecycle, ...searchAttributes };
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(exe ? { executable: exe } : {}),
      searchAttributes: Object.entries(all).map(([name, type]) => ({ name, type })),
    },
  });
}
