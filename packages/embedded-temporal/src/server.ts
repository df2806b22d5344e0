/** The gRPC server: WorkflowService, OperatorService, TestService (test-server mode) and health. */
import * as grpc from '@grpc/grpc-js';
import { type Clock, SkippingClock, WallClock } from './clock';
import { Engine, type PayloadLimits } from './engine';
import { RpcError } from './errors';
import { loadServiceDefinitions } from './proto';
import { parseGoDurationMs } from './time';
import { type CallContext, type HealthHandlers, handlerFor } from './services/handler';
import { operatorServiceHandlers } from './services/operator-service';
import { testServiceHandlers } from './services/test-service';
import { workflowServiceHandlers } from './services/workflow-service';

/** What the SDK accepts (core allows 128 MiB); grpc-js defaults to 4 MiB. */
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
/** Long polls answer this long before the caller's deadline. */
const DEADLINE_MARGIN_MS = 1_000;
export const SERVER_VERSION = '1.24.0-embedded';

export interface EmbeddedTemporalOptions {
  /** `test-server`: virtual clock with time skipping; `dev-server`: wall clock. */
  mode: 'test-server' | 'dev-server';
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  namespaces?: string[];
  /** `Name` → type name as the CLI takes it (`Keyword`, `Int`, ...), registered in every namespace. */
  searchAttributes?: Record<string, string>;
  /**
   * `--dynamic-config-value key=value` settings. Used: `limit.blobSize.error`,
   * `limit.blobSize.warn` and `limit.memoSize.error` (bytes) and, in dev-server mode,
   * `history.timerProcessorMaxTimeShift` (a duration, `1s` by default); others are accepted and
   * ignored.
   */
  dynamicConfig?: Record<string, string>;
  log?: (message: string) => void;
}

export interface EmbeddedTemporal {
  readonly address: string;
  readonly port: number;
  readonly engine: Engine;
  shutdown(): Promise<void>;
}

export async function startEmbeddedTemporal(options: EmbeddedTemporalOptions): Promise<EmbeddedTemporal> {
  // The time-skipping test server fires timers when due; the dev server (a real server) does not
  // fire a timer-queue task sooner than its max time shift after creating it.
  const clock: Clock =
    options.mode === 'test-server'
      ? new SkippingClock(1)
      : new WallClock(timerMaxTimeShiftMs(options.dynamicConfig ?? {}));
  const engine = new Engine({ clock, namespaces: options.namespaces?.length ? options.namespaces : ['default'] });
  engine.limits = payloadLimits(options.dynamicConfig ?? {});
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) {
    for (const ns of engine.namespaces.all()) ns.searchAttributes.add(name, type);
  }
  const log = options.log ?? (() => undefined);
  const definitions = loadServiceDefinitions();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(
    definitions.workflow,
    implement(definitions.workflow, workflowServiceHandlers(engine, SERVER_VERSION), log),
  );
  server.addService(definitions.operator, implement(definitions.operator, operatorServiceHandlers(engine), log));
  if (clock instanceof SkippingClock) {
    server.addService(definitions.test, implement(definitions.test, testServiceHandlers(clock), log));
  }
  server.addService(definitions.health, implement(definitions.health, healthHandlers, log));
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    address: `${host}:${port}`,
    port,
    engine,
    shutdown: () =>
      new Promise<void>((resolve) => {
        clock.close();
        server.tryShutdown(() => resolve());
        // Long polls would hold a graceful shutdown open: cut them after a moment.
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
}

const healthHandlers: HealthHandlers = { Check: () => ({ status: 1 /* SERVING */ }) };

/** grpc-js implementations for every method of a service; unknown ones answer UNIMPLEMENTED. */
function implement(
  definition: grpc.ServiceDefinition,
  handlers: object,
  log: (message: string) => void,
): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, spec] of Object.entries(definition)) {
    if (spec.requestStream || spec.responseStream) {
      implementation[method] = (call: grpc.ServerWritableStream<unknown, unknown>) =>
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `${method} is not supported` });
      continue;
    }
    const handler = handlerFor(handlers, method);
    implementation[method] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (!handler) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by the embedded service` });
        return;
      }
      let cancelled = false;
      const listeners: (() => void)[] = [];
      call.on('cancelled', () => {
        cancelled = true;
        for (const listener of listeners.splice(0)) listener();
      });
      const ctx: CallContext = {
        answerBy: (maxWaitMs) => {
          const deadline = call.getDeadline();
          const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
          const cap = Date.now() + maxWaitMs;
          if (!Number.isFinite(deadlineMs)) return cap;
          return Math.min(cap, deadlineMs - DEADLINE_MARGIN_MS);
        },
        isCancelled: () => cancelled,
        requestEncoding: requestEncoding(call),
        onCancel: (listener) => {
          if (cancelled) listener();
          else listeners.push(listener);
        },
      };
      Promise.resolve()
        .then(() => handler(call.request, ctx))
        .then(
          (response) => callback(null, response ?? {}),
          (err: unknown) => {
            if (err instanceof RpcError) {
              callback({ code: err.code, details: err.message, metadata: statusDetails(err) });
              return;
            }
            log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
            callback({ code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) });
          },
        );
    };
  }
  return implementation;
}

/**
 * The request's `grpc-encoding`. grpc-js strips it from the metadata it hands to handlers, so
 * it is read from the call's base layer; `identity` when that layer is not what we expect.
 */
function requestEncoding(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  const base = (call as unknown as { call?: { incomingEncoding?: unknown } }).call;
  return typeof base?.incomingEncoding === 'string' ? base.incomingEncoding : 'identity';
}

/** `grpc-status-details-bin` (a `google.rpc.Status` with the error's details), when it has any. */
function statusDetails(err: RpcError): grpc.Metadata | undefined {
  if (err.details.length === 0) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK proto module is loaded only when needed
  const { google } = require('@temporalio/proto') as typeof import('@temporalio/proto');
  const encoded = google.rpc.Status.encode({
    code: err.code,
    message: err.message,
    details: err.details.map((d) => ({ type_url: `type.googleapis.com/${d.type}`, value: d.value })),
  }).finish();
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(encoded));
  return metadata;
}

/** The server's payload limits (its defaults: 2 MiB, warn 512 KiB), overridable by dynamic config. */
const TIMER_MAX_TIME_SHIFT_KEY = 'history.timerProcessorMaxTimeShift';

function timerMaxTimeShiftMs(config: Record<string, string>): number {
  const raw = config[TIMER_MAX_TIME_SHIFT_KEY];
  if (raw === undefined) return 1000;
  const ms = parseGoDurationMs(raw);
  if (ms === undefined)
    throw new Error(`dynamic config ${TIMER_MAX_TIME_SHIFT_KEY}: not a duration (e.g. 1s, 50ms): ${raw}`);
  return ms;
}

function payloadLimits(config: Record<string, string>): PayloadLimits {
  const read = (key: string, fallback: number) => {
    const raw = config[key];
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/^"|"$/g, ''));
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`dynamic config ${key}: not a positive integer: ${raw}`);
    return value;
  };
  return {
    blobSizeLimitError: read('limit.blobSize.error', 2 * 1024 * 1024),
    blobSizeLimitWarn: read('limit.blobSize.warn', 512 * 1024),
    memoSizeLimitError: read('limit.memoSize.error', 2 * 1024 * 1024),
  };
}
