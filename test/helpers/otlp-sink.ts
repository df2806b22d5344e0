/**
 * An OTLP/HTTP trace receiver in the test process, standing in for a collector: processes under
 * test export to it with their real exporters (`OTEL_EXPORTER_OTLP_ENDPOINT`). Exports in
 * `http/json` are decoded into span objects that `spanForest` reads; `http/protobuf` ones are
 * acknowledged and counted only (what a benchmark needs).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, type Link } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';

/** OTLP JSON, as far as read here (ids hex, times in nanoseconds as strings). */
interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: { key: string; value: OtlpAnyValue }[];
  links?: { traceId: string; spanId: string; attributes?: { key: string; value: OtlpAnyValue }[] }[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans: {
    resource?: { attributes?: { key: string; value: OtlpAnyValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const value = (v: OtlpAnyValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));
const attributesOf = (list: { key: string; value: OtlpAnyValue }[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, value(a.value)]));
const hrTime = (nanos: string | number): [number, number] => {
  const n = BigInt(nanos);
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
};

/** The parts of a `ReadableSpan` the tests and `spanForest` read, from an exported span. */
function toReadableSpan(span: OtlpSpan, serviceName: string): ReadableSpan {
  const start = hrTime(span.startTimeUnixNano);
  const end = hrTime(span.endTimeUnixNano);
  const links: Link[] = (span.links ?? []).map((l) => ({
    context: { traceId: l.traceId, spanId: l.spanId, traceFlags: 1 },
    attributes: attributesOf(l.attributes),
  }));
  return {
    name: span.name,
    // OTLP counts kinds from 1 (internal); the API from 0.
    kind: (span.kind - 1) as SpanKind,
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
    parentSpanId: span.parentSpanId || undefined,
    startTime: start,
    endTime: end,
    duration: [end[0] - start[0], end[1] - start[1]],
    attributes: attributesOf(span.attributes),
    links,
    status: { code: span.status?.code ?? 0 },
    resource: { attributes: { 'service.name': serviceName } },
    events: [],
  } as unknown as ReadableSpan;
}

export interface OtlpSink {
  /** The value of `OTEL_EXPORTER_OTLP_ENDPOINT` for a process that exports here. */
  endpoint: string;
  /** Decoded spans (`http/json` exports). */
  spans: ReadableSpan[];
  /** Export requests and bytes received, whatever the protocol. */
  stats: { requests: number; bytes: number };
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const spans: ReadableSpan[] = [];
  const stats = { requests: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      stats.requests += 1;
      stats.bytes += body.length;
      if (req.url !== '/v1/traces') return void res.writeHead(404).end();
      if (req.headers['content-type']?.startsWith('application/json')) {
        const exported = JSON.parse(body.toString('utf8')) as OtlpExport;
        for (const { resource, scopeSpans } of exported.resourceSpans) {
          const service = String(attributesOf(resource?.attributes)['service.name'] ?? '');
          for (const scope of scopeSpans) spans.push(...scope.spans.map((s) => toReadableSpan(s, service)));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      // An empty ExportTraceServiceResponse is an empty protobuf message.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
