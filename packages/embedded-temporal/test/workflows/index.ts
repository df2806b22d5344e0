/** Workflows exercised by the embedded service's tests (one bundle for every test file). */
export * from './basics';
export * from './activities';
export * from './executions';
export * from './children';
export * from './updates';
export * from './time';
export * from './unhandled-command';
export * from './activity-operator';
export * from './reset';
export * from './shutdown';
export * from './reset-children';
