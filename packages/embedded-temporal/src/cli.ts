/**
 * Command line of `bin/embedded-temporal`, in the two forms the SDK launches:
 *   test-server mode:  <path> <port>
 *   dev-server mode:   <path> server start-dev --port N [--ip A] [--namespace NS]...
 *                      [--search-attribute Name=Type]... [--headless] [--log-level L] [...]
 * Unknown dev-server flags are accepted and ignored, as long as they are well formed.
 */
import type { EmbeddedTemporalOptions } from './server';

/** Flags of `temporal server start-dev` that take no value. */
const BOOLEAN_FLAGS = new Set(['--headless', '--ui-asset-path-disabled', '--tls-disable-host-verification']);

export function parseArgs(args: string[]): EmbeddedTemporalOptions & { logLevel: string } {
  if (args.length === 1 && /^\d+$/.test(args[0])) {
    return { mode: 'test-server', port: Number(args[0]), host: '127.0.0.1', logLevel: 'warn' };
  }
  if (args[0] !== 'server' || args[1] !== 'start-dev') {
    throw new Error(
      'usage: embedded-temporal <port>  |  embedded-temporal server start-dev --port N [--ip A] [--namespace NS]... [--search-attribute Name=Type]...',
    );
  }
  const options: EmbeddedTemporalOptions & { logLevel: string } = {
    mode: 'dev-server',
    host: '127.0.0.1',
    port: 7233,
    namespaces: ['default'],
    searchAttributes: {},
    dynamicConfig: {},
    logLevel: 'warn',
  };
  for (let i = 2; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (BOOLEAN_FLAGS.has(flag)) continue;
    const value = () => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port':
      case '-p': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${args[i]}`);
        options.port = port;
        break;
      }
      case '--ip':
        options.host = value();
        break;
      case '--namespace':
      case '-n': {
        const ns = value();
        if (!options.namespaces?.includes(ns)) options.namespaces?.push(ns);
        break;
      }
      case '--search-attribute': {
        const spec = value();
        const at = spec.indexOf('=');
        if (at <= 0) throw new Error(`--search-attribute: expected Name=Type, got ${spec}`);
        (options.searchAttributes as Record<string, string>)[spec.slice(0, at)] = spec.slice(at + 1);
        break;
      }
      case '--log-level':
        options.logLevel = value();
        break;
      case '--dynamic-config-value': {
        const spec = value();
        const at = spec.indexOf('=');
        if (at <= 0) throw new Error(`--dynamic-config-value: expected key=value, got ${spec}`);
        (options.dynamicConfig as Record<string, string>)[spec.slice(0, at)] = spec.slice(at + 1);
        break;
      }
      default:
        if (!flag.startsWith('-')) throw new Error(`unexpected argument: ${arg}`);
        // Other flags (--log-format, --dynamic-config-value, --db-filename, ...) take a value.
        if (inline === undefined && args[i + 1] !== undefined && !args[i + 1].startsWith('--')) i++;
    }
  }
  return options;
}
