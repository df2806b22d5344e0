/**
 * Loaded by ava in each test process (its `require` setting). The SDK's tests create their
 * servers with `TestWorkflowEnvironment.createLocal()` / `createTimeSkipping()`, which would
 * download the official binaries; here both launch the server under test instead, through the
 * SDK's `existing-path` hook. Patching the two methods once covers the test helpers' wrapper and
 * the test files that import `@temporalio/testing` directly, so no test file needs editing.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type {
  LocalTestWorkflowEnvironmentOptions,
  TimeSkippingTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';

function withExecutable<T extends { server?: object }>(opts: T | undefined, variable: string): T {
  const executable = process.env[variable];
  if (!executable) throw new Error(`conformance preload: ${variable} is not set`);
  return { ...opts, server: { ...opts?.server, executable: { type: 'existing-path', path: executable } } } as T;
}

const createLocal = TestWorkflowEnvironment.createLocal;
const createTimeSkipping = TestWorkflowEnvironment.createTimeSkipping;

TestWorkflowEnvironment.createLocal = function (opts?: LocalTestWorkflowEnvironmentOptions) {
  return createLocal.call(this, withExecutable(opts, 'CONFORMANCE_DEV_SERVER'));
};
TestWorkflowEnvironment.createTimeSkipping = function (opts?: TimeSkippingTestWorkflowEnvironmentOptions) {
  return createTimeSkipping.call(this, withExecutable(opts, 'CONFORMANCE_TEST_SERVER'));
};
