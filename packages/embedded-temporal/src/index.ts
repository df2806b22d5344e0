/**
 * The package's public entry. The app's dev stack, tests and benches reach the service through
 * this file only; everything else under `src/` is internal.
 */
import path from 'node:path';

/** The executable the SDK's `existing-path` hook launches (`<path> <port>` or `server start-dev ...`). */
export const EMBEDDED_TEMPORAL_PATH = path.resolve(__dirname, '../bin/embedded-temporal');

export { startEmbeddedTemporal, SERVER_VERSION } from './server';
export type { EmbeddedTemporal, EmbeddedTemporalOptions } from './server';
export { retryServerStart } from './start-retry';

/** Event-by-event comparison of two histories (the differential checks against Temporal's own servers). */
export { compareHistories, diffJson } from '../differential/compare';
export type { Difference, Json } from '../differential/compare';
