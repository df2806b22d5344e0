/**
 * Structured logging with pino: one JSON object per line (`LOG_LEVEL`), child loggers that add
 * fields, redaction of the fields that could hold personal data or credentials, and the active
 * trace's `trace_id`/`span_id` on every line written inside a span (see `src/telemetry/`).
 *
 * The app logs through the small `Logger` interface below (`logger.info(message, fields)`), a
 * thin face over pino; `logger.pino` is the pino instance itself, for libraries that take one.
 * Values go through pino's serialiser, so a `Secret` prints `[redacted]`; errors are reduced to
 * name, message and failure type (never their `cause` chain, which may hold request details).
 */
import { context, trace } from '@opentelemetry/api';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel } from '@temporalio/common';
import pino, { type DestinationStream } from 'pino';

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
  /** The underlying pino logger (absent on `silentLogger`). */
  readonly pino?: pino.Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default stdout. `npm run dev` passes a pino-pretty stream here. */
  stream?: DestinationStream;
  fields?: LogFields;
  now?: () => Date;
}

/**
 * Paths whose values never reach a log line, wherever a caller puts them: an agent's personal
 * data (the onboarding event, a Percent request) and credentials (HTTP headers, keys, tokens).
 * `Secret` values are already safe; these catch plain strings.
 */
export const REDACT_PATHS = [
  ...['firstName', 'lastName', 'email'].flatMap((f) => [f, `*.${f}`, `*.agent.${f}`]),
  ...['authorization', 'goodstack-signature', 'cookie'].flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
  ...['apiKey', 'authToken', 'secret', 'password', 'token'].flatMap((k) => [k, `*.${k}`]),
];

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

/** Errors anywhere in the fields, bigints, and cycles, made printable (pino only knows `err`). */
function printable(value: unknown, withStack: boolean, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return serialiseError(value, withStack);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if ('toJSON' in value && typeof value.toJSON === 'function') return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => printable(v, withStack, seen));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v, withStack, seen)]));
}

/** The active span's ids, as the OpenTelemetry log data model names them. */
function traceFields(): LogFields {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}`.slice(-2) };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const withStack = LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf('debug');
  const now = options.now ?? (() => new Date());
  const instance = pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => printable(bindings, withStack) as LogFields,
        log: (fields) => printable(fields, withStack) as LogFields,
      },
      mixin: traceFields,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.stream ?? pino.destination({ dest: 1, sync: true }),
  );
  return wrap(options.fields ? instance.child(options.fields) : instance);
}

function wrap(instance: pino.Logger): Logger {
  return {
    trace: (message, fields) => instance.trace(fields ?? {}, message),
    debug: (message, fields) => instance.debug(fields ?? {}, message),
    info: (message, fields) => instance.info(fields ?? {}, message),
    warn: (message, fields) => instance.warn(fields ?? {}, message),
    error: (message, fields) => instance.error(fields ?? {}, message),
    child: (fields) => wrap(instance.child(fields)),
    pino: instance,
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

/**
 * Adapts a `Logger` to the Temporal SDK's logger interface (`Runtime.install({ logger })`): the
 * SDK's lines, the workflows' and activities' `log` calls and core's forwarded logs all go here.
 */
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
