/**
 * A generic HTTP-to-gRPC gateway for the Temporal UI: every `/api/v1` request is matched against
 * the `google.api.http` rules of the protos, turned into the RPC's request message (path
 * parameters, query parameters, JSON body), sent through a `@temporalio/client` Connection (so
 * TLS, mTLS and API keys work as for the worker), and the answer written as proto JSON.
 */
import type { Connection } from '@temporalio/client';
import type protobuf from 'protobufjs';
import { httpRules, SUPERSEDED_PATHS, type HttpRule } from './http-rules';
import { JsonInputError, messageFromJson, messageToJson, setJsonPath } from './json';
import { loadSchema } from './protos';

export interface GatewayResponse {
  status: number;
  body: unknown;
}

export interface GatewayRequest {
  method: string;
  /** Path and query string, e.g. `/api/v1/namespaces/default/workflows?query=...`. */
  url: string;
  /** The parsed JSON body, if any. */
  body?: unknown;
  /** Aborted when the browser goes away (long polls). */
  signal?: AbortSignal;
}

/** gRPC status code -> HTTP status, as grpc-gateway maps them. */
const HTTP_STATUS: Record<number, number> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

/** Long polls (history with waitNewEvent) end well before this; anything slower is an error. */
const CALL_DEADLINE_MS = 70_000;

export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /** Calls one RPC by name with a JSON request; used for the UI-server-only paths. */
  call(rule: Pick<HttpRule, 'service' | 'method'>, json: unknown, signal?: AbortSignal): Promise<GatewayResponse>;
  rules: readonly HttpRule[];
  schema: protobuf.Root;
}

export function createGateway(connection: Connection): Gateway {
  const schema = loadSchema();
  const rules = httpRules(schema);
  const statusType = schema.lookupType('google.rpc.Status');

  const stubs = { workflow: connection.workflowService, operator: connection.operatorService } as unknown as Record<
    HttpRule['service'],
    Record<string, (request: unknown) => Promise<unknown>>
  >;

  async function call(
    rule: Pick<HttpRule, 'service' | 'method'>,
    json: unknown,
    signal?: AbortSignal,
  ): Promise<GatewayResponse> {
    const { method } = rule;
    const requestType = method.resolvedRequestType as protobuf.Type;
    const responseType = method.resolvedResponseType as protobuf.Type;
    let request: protobuf.Message;
    try {
      request = messageFromJson(requestType, json);
    } catch (error) {
      if (error instanceof JsonInputError) return failure(3, error.message);
      throw error;
    }
    const name = method.name[0].toLowerCase() + method.name.slice(1);
    const stub = stubs[rule.service][name];
    if (typeof stub !== 'function') return failure(12, `${method.name} is not available in this client`);
    try {
      const invoke = () =>
        connection.withDeadline(Date.now() + CALL_DEADLINE_MS, () => stub.call(stubs[rule.service], request));
      const response = await (signal ? connection.withAbortSignal(signal, invoke) : invoke());
      return { status: 200, body: messageToJson(responseType, response as Record<string, unknown>) };
    } catch (error) {
      return grpcFailure(error);
    }
  }

  function grpcFailure(error: unknown): GatewayResponse {
    const e = error as {
      code?: unknown;
      details?: unknown;
      message?: unknown;
      metadata?: { get(k: string): unknown[] };
    };
    if (typeof e?.code !== 'number') {
      // Not a gRPC status (e.g. the connection could not be made): say so, as UNAVAILABLE.
      return failure(14, e?.message ? String(e.message) : String(error));
    }
    let details: unknown[] = [];
    const raw = e.metadata?.get?.('grpc-status-details-bin')?.[0];
    if (raw instanceof Uint8Array) {
      try {
        const status = messageToJson(statusType, statusType.decode(raw) as unknown as Record<string, unknown>) as {
          details?: unknown[];
        };
        details = status.details ?? [];
      } catch {
        // Undecodable details: the code and message still tell the story.
      }
    }
    const message = typeof e.details === 'string' && e.details ? e.details : String(e.message ?? '');
    return failure(e.code, message, details);
  }

  async function handle(request: GatewayRequest): Promise<GatewayResponse> {
    const url = new URL(request.url, 'http://gateway');
    const path = url.pathname.replace(/\/+$/, '');
    const verb = request.method.toUpperCase();
    const superseded = SUPERSEDED_PATHS.find((s) => s.verb === verb && s.pattern.test(path));
    if (superseded) return failure(5, superseded.reason, [], 404);

    let pathMatched = false;
    for (const rule of rules) {
      const params = rule.match(path);
      if (!params) continue;
      pathMatched = true;
      if (rule.verb !== verb) continue;
      const requestType = rule.method.resolvedRequestType as protobuf.Type;
      try {
        const json = buildRequestJson(requestType, rule, params, url.searchParams, request.body);
        return await call(rule, json, request.signal);
      } catch (error) {
        if (error instanceof JsonInputError) return failure(3, error.message);
        throw error;
      }
    }
    return pathMatched
      ? failure(12, `${verb} is not supported on ${path}`, [], 405)
      : failure(5, `no Temporal API route matches ${path}`, [], 404);
  }

  return { handle, call, rules, schema };
}

function buildRequestJson(
  type: protobuf.Type,
  rule: HttpRule,
  params: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
): Record<string, unknown> {
  let json: Record<string, unknown> = {};
  if (rule.body === '*') {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
      throw new JsonInputError('request body: expected a JSON object');
    json = { ...((body as Record<string, unknown> | undefined) ?? {}) };
  } else if (rule.body && body !== undefined) {
    setJsonPath(type, json, rule.body, body);
  }
  // Query parameters fill what neither the path nor the body set (the browser's cache-busters are ignored).
  if (rule.body !== '*') {
    for (const [key, value] of query) {
      if (key === '_' || key.startsWith('_')) continue;
      setJsonPath(type, json, key, value);
    }
  }
  for (const [key, value] of Object.entries(params)) setJsonPath(type, json, key, value);
  return json;
}

function failure(code: number, message: string, details: unknown[] = [], status?: number): GatewayResponse {
  return { status: status ?? HTTP_STATUS[code] ?? 500, body: { code, message, details } };
}
