/**
 * The entry point of Temporal's VS Code debugger extension ("Temporal.io" extension): it starts
 * this file with a debugger attached and feeds it a history (from a file or from a cluster),
 * event by event, so breakpoints in `src/workflows/` stop at the event where things went wrong.
 * How to set it up: src/replay/README.md ("Step-through replay").
 *
 * The data converter decrypts payloads with PAYLOAD_CODEC_KEYS, as on the worker.
 */
import { startDebugReplayer } from '@temporalio/worker';
import { createDataConverter } from '../codec';

startDebugReplayer({
  workflowsPath: require.resolve('../workflows'),
  dataConverter: createDataConverter(),
});
