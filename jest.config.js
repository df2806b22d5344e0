/**
 * The app's tests and, as a second project, the workspace packages' own suites, so `npm test`
 * runs everything once.
 */
const base = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};

/** @type {import('jest').Config} */
module.exports = {
  // Global options: jest ignores them inside a project's configuration.
  testTimeout: 60_000,
  // Each test file leaves memory behind in the process that ran it (module registries kept alive by
  // native handles: ~50-100 MB per file), so one process running every file in turn ends up
  // collecting garbage in a heap of gigabytes and the late files run 2-3x slower. With a limit, jest
  // runs the files in a worker process and replaces the worker once its heap passes the limit.
  workerIdleMemoryLimit: '768MB',
  projects: [
    {
      ...base,
      displayName: 'app',
      roots: ['<rootDir>/test'],
      // One workflow bundle for the whole run (test/helpers/workflow-bundle.ts).
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
    '<rootDir>/packages/embedded-temporal',
    '<rootDir>/packages/temporal-ui',
  ],
};
