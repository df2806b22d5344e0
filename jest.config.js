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
  // A global option: jest ignores it inside a project's configuration.
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: 'app', roots: ['<rootDir>/test'] },
    '<rootDir>/packages/embedded-temporal',
    '<rootDir>/packages/temporal-ui',
  ],
};
