/** Entry point of `bin/embedded-temporal`: parse the command line, serve, exit on SIGTERM/SIGINT. */
import { parseArgs } from './cli';
import { startEmbeddedTemporal } from './server';

export async function main(argv: string[]): Promise<void> {
  let options;
  try {
    options = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`embedded-temporal: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const quiet = options.logLevel === 'error' || options.logLevel === 'fatal';
  const log = (message: string) => {
    if (!quiet) process.stderr.write(`embedded-temporal: ${message}\n`);
  };
  // Never let one bad request take the service down.
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${String(err)}`));
  const service = await startEmbeddedTemporal({ ...options, log });
  if (options.logLevel === 'info' || options.logLevel === 'debug') {
    log(`${options.mode} listening on ${service.address}`);
  }
  const stop = () => {
    void service.shutdown().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
