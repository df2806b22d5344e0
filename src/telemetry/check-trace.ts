/**
 * A check's trace beyond its start: the trace context is kept in the check's memo (`trace`), so
 * what later reaches the check from outside (a Percent webhook, an async request id) can link
 * its own trace to the check's. A memo, because the ingress finds a check through visibility,
 * which returns it with no extra call; it holds ids only (`traceparent`, `tracestate`).
 */
import { context, propagation, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { TRACER_NAME } from './tracing';

export const TRACE_MEMO_KEY = 'trace';

/** The active context as W3C headers, for the check's memo; undefined when no span is active. */
export function traceMemo(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** A span link to the check's trace from its memo (as the client decodes it); none without. */
export function linkToCheck(memo: Record<string, unknown> | undefined): Link[] {
  const carrier = memo?.[TRACE_MEMO_KEY];
  if (carrier === null || typeof carrier !== 'object') return [];
  const extracted = propagation.extract(context.active(), carrier as Record<string, string>);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && spanContext !== trace.getSpanContext(context.active())
    ? [{ context: spanContext, attributes: { 'bgcheck.link': 'check' } }]
    : [];
}

/** Whether a span is being recorded here (an extra lookup for a link is worth it only then). */
export const tracingActive = (): boolean => trace.getActiveSpan()?.isRecording() ?? false;

/**
 * A delivery to a check (`Deliver:<signal>`), linked to the check's trace; the signal's own span
 * (the SDK's client interceptor) is its child, so the delivery's trace reaches the workflow too.
 */
export function deliverySpan<T>(
  signal: string,
  workflowId: string,
  memo: Record<string, unknown> | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  return trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(
      `Deliver:${signal}`,
      { links: linkToCheck(memo), attributes: { temporalWorkflowId: workflowId } },
      async (span) => {
        try {
          return await fn();
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}
