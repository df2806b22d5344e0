import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Installs the SDK runtime with errors only. A replay worker logs its start and stop, and core
 * logs each failed workflow task: the replay report says the same in words.
 */
export function installQuietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}
