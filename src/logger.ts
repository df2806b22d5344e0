/**
 * A small structured logger: one JSON object per line, filtered by level (`LOG_LEVEL`).
 *
 * Values go through `JSON.stringify`, so a `Secret` prints `[redacted]`; errors are reduced to
 * name, message and failure type (never their `cause` chain, which may hold request details).
 */
import type { Writable } from 'node:stream';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel } from '@temporalio/common';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ component: 'ingress' }`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default `process.stdout`. */
  stream?: Pick<Writable, 'write'>;
  fields?: LogFields;
  now?: () => Date;
}

const rank = (level: LogLevel) => LOG_LEVELS.indexOf(level);

/** Errors carry no enumerable fields: keep what explains them, drop stacks at info and above. */
function serialiseError(error: Error, withStack: boolean): LogFields {
  const { type, code } = error as Error & { type?: unknown; code?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof type === 'string' ? { type } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(withStack && error.stack ? { stack: error.stack } : {}),
  };
}

function stringify(record: LogFields, withStack: boolean): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return serialiseError(value, withStack);
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
    }
    return value;
  });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = rank(options.level ?? 'info');
  const stream = options.stream ?? process.stdout;
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};

  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (rank(level) < threshold) return;
    const record = { time: now().toISOString(), level, msg: message, ...base, ...fields };
    stream.write(stringify(record, threshold <= rank('debug')) + '\n');
  };

  return {
    trace: (m, f) => write('trace', m, f),
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests, libraries called without one). */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** Adapts a `Logger` to the Temporal SDK's logger interface (`Runtime.install({ logger })`). */
export function toTemporalLogger(logger: Logger): TemporalLogger {
  const at = (level: TemporalLogLevel) => (message: string, meta?: Record<string | symbol, unknown>) =>
    logger[level.toLowerCase() as LogLevel](message, meta as LogFields | undefined);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}
