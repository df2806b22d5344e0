/**
 * HTTP for the vendor clients: one undici keep-alive `Pool` per vendor (reused connections; a
 * burst of activities does not open a socket each), a configurable base URL, connect/headers/body
 * timeouts, JSON in and out, and cancellation through an `AbortSignal`.
 *
 * Network failures become a retryable `VendorError` (`VendorUnavailable`). An aborted request
 * rethrows the signal's reason unchanged, so a cancelled activity reports Temporal's own
 * cancellation rather than a vendor failure.
 */
import { channel } from 'node:diagnostics_channel';
import { Pool, type Dispatcher } from 'undici';
import type { HttpConfig } from '../config';
import { FailureType } from '../failure-types';
import { VendorError, type VendorName } from './vendor-error';

export interface VendorHttpOptions {
  vendor: VendorName;
  /** `https://api.goodstack.io`, or with a path prefix (`http://proxy/percent`). */
  baseUrl: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Open connections per vendor; default 10. */
  connections?: number;
  /** Tests only: route requests through another dispatcher (an undici `MockAgent`). */
  dispatcher?: Dispatcher;
}

export const httpOptionsFromConfig = (vendor: VendorName, baseUrl: string, config: HttpConfig): VendorHttpOptions => ({
  vendor,
  baseUrl,
  connectTimeoutMs: config.VENDOR_CONNECT_TIMEOUT,
  headersTimeoutMs: config.VENDOR_HEADERS_TIMEOUT,
  bodyTimeoutMs: config.VENDOR_BODY_TIMEOUT,
});

/** Per-call options of the vendor clients: the activity's cancellation signal aborts the request. */
export type CallOptions = Pick<VendorRequest, 'signal'>;

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path below the base URL, starting with `/`; may carry a query string. */
  path: string;
  /** Names the call in errors, e.g. `POST /v1/agent-verifications` (no ids, no data). */
  operation: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  signal?: AbortSignal;
}

export interface VendorResponse {
  status: number;
  /** Lower-case names; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  text: string;
}

/** What each vendor call published on `vendorCallChannel`: no ids, no data. */
export interface VendorCallEvent {
  vendor: VendorName;
  /** `POST /v1/agent-verifications`: the route, never a path with ids. */
  operation: string;
  /** The HTTP status, or undefined when no response came (network failure). */
  status?: number;
}

/**
 * Each answered or failed vendor call, for metrics (`src/activities/vendor-metrics.ts`), so
 * this layer stays free of Temporal. Subscribers run synchronously in the caller's context.
 */
export const vendorCallChannel = channel('bgcheck.vendor.call');

export class VendorHttp {
  readonly vendor: VendorName;
  readonly #origin: string;
  readonly #prefix: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(options: VendorHttpOptions) {
    this.vendor = options.vendor;
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#prefix = base.pathname.replace(/\/+$/, '');
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Pool(this.#origin, {
        connections: options.connections ?? 10,
        connect: { timeout: options.connectTimeoutMs },
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      });
  }

  async request(req: VendorRequest): Promise<VendorResponse> {
    req.signal?.throwIfAborted();
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    try {
      const res = await this.#dispatcher.request({
        origin: this.#origin,
        path: this.#prefix + req.path,
        method: req.method,
        headers,
        body,
        signal: req.signal,
      });
      const text = await res.body.text();
      this.#publish(req.operation, res.statusCode);
      return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      this.#publish(req.operation, undefined);
      throw this.#networkError(req.operation, err);
    }
  }

  #publish(operation: string, status: number | undefined): void {
    if (vendorCallChannel.hasSubscribers) {
      vendorCallChannel.publish({ vendor: this.vendor, operation, status } satisfies VendorCallEvent);
    }
  }

  /** Closes idle connections and waits for requests in flight. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  #networkError(operation: string, err: unknown): VendorError {
    const code = networkCode(err);
    return new VendorError({
      vendor: this.vendor,
      type: FailureType.VendorUnavailable,
      retryable: true,
      meaning: NETWORK_MEANINGS[code] ?? `network failure (${code})`,
      operation,
      networkCode: code,
    });
  }
}

const NETWORK_MEANINGS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out (VENDOR_CONNECT_TIMEOUT)',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time (VENDOR_HEADERS_TIMEOUT)',
  UND_ERR_BODY_TIMEOUT: 'response body stalled (VENDOR_BODY_TIMEOUT)',
  UND_ERR_SOCKET: 'connection closed by the other side',
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
};

/**
 * The most specific error code in an undici error and its causes. Duck-typed: errors from Node's
 * core may come from another realm (jest, vm), where `instanceof Error` is false.
 */
function networkCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'unknown';
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `JSON.parse` that answers `undefined` instead of throwing. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
