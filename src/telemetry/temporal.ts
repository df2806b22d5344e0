/**
 * Tracing through Temporal with the SDK's own interceptors (`@temporalio/interceptors-opentelemetry`):
 * the client's start/signal spans carry the trace in the `_tracer-data` header, the workflow's
 * spans (run, activity scheduling, signals) continue it inside the sandbox and leave it through a
 * sink, and each activity attempt is a span whose context the vendor HTTP calls inherit.
 *
 * The workflow interceptor module is always in the workflow bundle and the sink always
 * registered (to a no-op processor when tracing is off), so one bundle serves both.
 */
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { ClientInterceptors } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { context, propagation, trace } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Tracing } from './tracing';

export const ATTEMPT_ATTRIBUTE = 'temporalActivityAttempt';

/** Bundled with the workflow code (`bundleWorkflows()` in `src/worker.ts`). */
export const WORKFLOW_INTERCEPTOR_MODULES = [
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

export type TracingSinks = InjectedSinks<OpenTelemetrySinks>;

/** The worker side: activity interceptors, and the sink the workflow spans leave through. */
export function workerTracing(tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>): {
  interceptors: WorkerInterceptors;
  sinks: TracingSinks;
} {
  const processor = primitiveAttributesOnly(tracing?.spanProcessor ?? new NoopSpanProcessor());
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        // Inside the SDK's activity span: each attempt of a retried activity says which it is.
        (ctx) => ({
          inbound: {
            execute: (input, next) => {
              trace.getActiveSpan()?.setAttribute(ATTEMPT_ATTRIBUTE, ctx.info.attempt);
              return next(input);
            },
          },
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(processor, tracing?.resource ?? Resource.empty()) },
  };
}

/**
 * The workflow sink copies the whole `WorkflowInfo` onto each workflow span, nested objects
 * (search attributes, memo, last failure) included: keep the scalar fields (ids, type, queue,
 * attempt) and drop the rest, so a span holds ids and states only.
 */
function primitiveAttributesOnly(next: SpanProcessor): SpanProcessor {
  const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
  return {
    onStart: (span, parent) => next.onStart(span, parent),
    onEnd: (span: ReadableSpan) => {
      const attributes = span.attributes as Record<string, unknown>;
      for (const [key, value] of Object.entries(attributes)) {
        if (!scalar(value) && !(Array.isArray(value) && value.every(scalar))) delete attributes[key];
      }
      next.onEnd(span);
    },
    forceFlush: () => next.forceFlush(),
    shutdown: () => next.shutdown(),
  };
}

/** For every `Client` the app builds (ingress, CLI, dev stack). */
export const clientTracingInterceptors = (): ClientInterceptors => ({
  workflow: [new OpenTelemetryWorkflowClientInterceptor()],
});

/**
 * The start request's header with the active trace context, written as the SDK's client
 * interceptor writes it: for the calls made on the raw workflow service, which no client
 * interceptor sees. Empty when no span is active.
 */
export function traceHeader(): Record<string, Payload> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length === 0 ? {} : { [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) };
}
