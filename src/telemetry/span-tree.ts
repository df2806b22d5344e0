/** A readable tree of one trace's spans (`npm run dev` prints the demo check's; tests read it). */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';

const hrTimeToMilliseconds = ([seconds, nanos]: HrTime) => seconds * 1000 + nanos / 1e6;

export interface SpanNode {
  span: ReadableSpan;
  children: SpanNode[];
}

/** The trace's spans as trees, roots first, children by start time. Orphans count as roots. */
export function spanForest(spans: readonly ReadableSpan[], traceId: string): SpanNode[] {
  const ofTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const nodes = new Map(ofTrace.map((span) => [span.spanContext().spanId, { span, children: [] } as SpanNode]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) =>
    hrTimeToMilliseconds(a.span.startTime) - hrTimeToMilliseconds(b.span.startTime);
  const sort = (list: SpanNode[]) => {
    list.sort(byStart);
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

const SHOWN_ATTRIBUTES = [
  'temporalActivityAttempt',
  'http.request.method',
  'url.path',
  'http.response.status_code',
  'http.method',
  'http.target',
  'http.status_code',
];
const KINDS = ['', ' server', ' client', ' producer', ' consumer'];

export function formatSpanTree(spans: readonly ReadableSpan[], traceId: string): string {
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number) => {
    const { span } = node;
    const ms = Math.round(hrTimeToMilliseconds(span.duration));
    const shown = SHOWN_ATTRIBUTES.filter((k) => span.attributes[k] !== undefined).map(
      (k) => `${k}=${String(span.attributes[k])}`,
    );
    const status = span.status.code === 2 ? ' ERROR' : '';
    lines.push(
      `${'  '.repeat(depth)}${span.name}${KINDS[span.kind] ?? ''} (${ms} ms)${status}${shown.length ? ` ${shown.join(' ')}` : ''}`,
    );
    node.children.forEach((child) => walk(child, depth + 1));
  };
  spanForest(spans, traceId).forEach((root) => walk(root, 0));
  return lines.join('\n');
}
