/**
 * OpenTelemetry tracing for one process: a tracer provider configured from the standard OTEL_*
 * variables (validated in `src/config.ts`), the W3C trace-context propagator, and the
 * instrumentations of undici (the vendor calls, which then carry `traceparent`) and, for the
 * ingress, of incoming HTTP.
 *
 * Off unless an OTLP endpoint is set or the caller brings its own span processors (the in-memory
 * exporter of `npm run dev` and the tests): then nothing is registered and the OpenTelemetry API
 * stays the no-op it is by default. The OpenTelemetry JS SDK is the 1.x line here because
 * `@temporalio/interceptors-opentelemetry` 1.24 is built on it (its spans are 1.x `ReadableSpan`s).
 */
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { TelemetryConfig } from '../config';

export const TRACER_NAME = 'bgcheck-worker';

export interface TracingOptions {
  config: TelemetryConfig;
  /** `service.name` when OTEL_SERVICE_NAME is unset, e.g. `bgcheck-worker`, `bgcheck-ingress`. */
  defaultServiceName: string;
  /** Extra processors (an in-memory exporter); tracing is on when any is given. */
  spanProcessors?: SpanProcessor[];
  /** Trace incoming HTTP requests (the ingress). Outgoing calls go through undici, always traced. */
  incomingHttp?: boolean;
}

export interface Tracing {
  enabled: boolean;
  resource: Resource;
  /** Every span processor of the provider as one: the workflow spans' sink ends spans here. */
  spanProcessor: SpanProcessor;
  tracer: Tracer;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes, then unregisters everything this call registered. */
  shutdown(): Promise<void>;
}

export function tracesUrl(config: TelemetryConfig): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return config.OTEL_EXPORTER_OTLP_ENDPOINT && `${config.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`;
}

export function samplerFrom(config: TelemetryConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function otlpProcessor(config: TelemetryConfig, url: string): SpanProcessor {
  const options = { url, headers: config.OTEL_EXPORTER_OTLP_HEADERS ?? {} };
  const exporter =
    config.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json' ? new OtlpJsonExporter(options) : new OtlpProtoExporter(options);
  return new BatchSpanProcessor(exporter);
}

/** Forwards to each processor (what the provider does internally, for the workflow sink). */
function fanOut(processors: SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span: Span, parent) => processors.forEach((p) => p.onStart(span, parent)),
    onEnd: (span: ReadableSpan) => processors.forEach((p) => p.onEnd(span)),
    forceFlush: async () => void (await Promise.all(processors.map((p) => p.forceFlush()))),
    shutdown: async () => void (await Promise.all(processors.map((p) => p.shutdown()))),
  };
}

/**
 * One node:http instrumentation per process, enabled and disabled with each tracing started and
 * shut down: require-in-the-middle hands `node:http` to the instrumentations once per process, so
 * a new instance made after an earlier one was disabled never patched it (a second tracing in one
 * process, e.g. the benchmark's on/off phases, had no request spans); the same instance patches
 * the module it kept again when enabled. `enabled: false` leaves enabling to
 * `registerInstrumentations`, every time. (undici's instrumentation subscribes to diagnostics
 * channels, anew for each instance.)
 */
let httpInstrumentation: HttpInstrumentation | undefined;
const incomingHttpInstrumentation = () =>
  // Outgoing node:http is not ours (the app's HTTP clients are undici): only servers are traced.
  (httpInstrumentation ??= new HttpInstrumentation({ enabled: false, disableOutgoingRequestInstrumentation: true }));

export function startTracing(options: TracingOptions): Tracing {
  const { config } = options;
  const resource = new Resource({
    ...config.OTEL_RESOURCE_ATTRIBUTES,
    'service.name': config.OTEL_SERVICE_NAME ?? options.defaultServiceName,
  });
  const url = tracesUrl(config);
  const processors = [...(options.spanProcessors ?? []), ...(url ? [otlpProcessor(config, url)] : [])];
  if (config.OTEL_SDK_DISABLED || processors.length === 0) {
    return {
      enabled: false,
      resource,
      spanProcessor: new NoopSpanProcessor(),
      tracer: trace.getTracer(TRACER_NAME),
      flush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
  }

  const provider = new NodeTracerProvider({ resource, sampler: samplerFrom(config), spanProcessors: processors });
  provider.register();
  const instrumentations: Instrumentation[] = [new UndiciInstrumentation()];
  if (options.incomingHttp) instrumentations.push(incomingHttpInstrumentation());
  const unregister = registerInstrumentations({ instrumentations, tracerProvider: provider });
  // The instrumentation patches node:http when it is next required; it may already be loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require is what triggers the patch
  if (options.incomingHttp) require('node:http');
  return {
    enabled: true,
    resource,
    spanProcessor: fanOut(processors),
    tracer: provider.getTracer(TRACER_NAME),
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
