/**
 * The Fastify set-up the app's HTTP services share (ingress, codec server): body limit (also
 * for chunked bodies), URL, header and time limits, request ids, one error handler that turns
 * every error into an answer (never a crash), 404/405, listen and graceful close. Each service
 * adds its routes, its error body and its own errors.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { silentLogger, type Logger } from '../logger';
import { HttpError, clientErrorOf } from './errors';

export interface HttpServerOptions {
  /** Largest accepted request body in bytes; a bigger one (chunked too) gets 413. */
  bodyLimit: number;
  /** Writes an error in the service's body shape. */
  sendError: (reply: FastifyReply, error: HttpError) => unknown;
  /** The service's own errors (consulted first); undefined = the shared mapping. */
  mapError?: (error: unknown, request: FastifyRequest) => HttpError | undefined;
  /** Answer for a request no route takes, before the shared 405/404 (e.g. a refused CORS preflight). */
  notFound?: (request: FastifyRequest) => HttpError | undefined;
  /** Internal errors go here (with the request id); nothing else is logged. */
  logger?: Logger;
  /** A whole request, body included, must arrive within this; default 30 s. */
  requestTimeoutMs?: number;
  /** Longest path parameter; longer: 414. Default 256. */
  maxParamLength?: number;
  /** `/decode/` is `/decode`. Default false. */
  ignoreTrailingSlash?: boolean;
}

/** Longest accepted request target; longer ones get 414. */
const MAX_URL_LENGTH = 2048;
/** Headers must arrive within this (slowloris); Node's header size limit (16 KiB) gives 431. */
const HEADERS_TIMEOUT_MS = 15_000;
const REQUEST_ID = /^[\w.-]{1,64}$/;
/** Methods a 405 may name in `Allow`. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const logger = options.logger ?? silentLogger;
  const { sendError } = options;

  const answerFor = (error: unknown, request: FastifyRequest, route: string): HttpError => {
    const known = options.mapError?.(error, request) ?? clientErrorOf(error);
    if (known) return known;
    logger.error('request failed', { requestId: request.id, route, error });
    return new HttpError(500, 'internal_error', 'internal error', { requestId: request.id });
  };

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    // Slow or stalled senders do not hold connections open.
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    routerOptions: {
      maxParamLength: options.maxParamLength ?? 256,
      ignoreTrailingSlash: options.ignoreTrailingSlash ?? false,
    },
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Errors before routing: bad percent-encoding in the path, over-long segments.
    frameworkErrors: (error, request, reply) => sendError(reply, answerFor(error, request, '(unknown)')),
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.length > MAX_URL_LENGTH) throw new HttpError(414, 'uri_too_long', 'the request URL is too long');
  });

  // Graceful close: requests in flight are answered, and their keep-alive connections closed
  // after the answer (else close() waits for the client's idle timeout, up to Fastify's 72 s).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((error, request, reply) => {
    const route = request.routeOptions.url ?? '(unknown)';
    if (reply.raw.destroyed || request.raw.socket?.destroyed) {
      // The sender went away mid-request: nothing to answer.
      logger.debug('request ended early', { requestId: request.id, route, error });
      return;
    }
    return sendError(reply, answerFor(error, request, route));
  });

  app.setNotFoundHandler(async (request, reply) => {
    const own = options.notFound?.(request);
    if (own) return sendError(reply, own);
    const path = request.url.split('?')[0];
    // Fastify answers 404 to a known path with another method: this says 405 and which ones.
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      const allow = allowed.join(', ');
      return sendError(reply, new HttpError(405, 'method_not_allowed', `use ${allow}`, undefined, { allow }));
    }
    return sendError(reply, new HttpError(404, 'not_found', 'no such route'));
  });

  return app;
}

/** Listens and resolves with the bound port (pass 0 for an ephemeral one). */
export async function listen(app: FastifyInstance, port: number, host = '0.0.0.0'): Promise<number> {
  await app.listen({ port, host });
  return (app.server.address() as AddressInfo).port;
}

/** `http://host:port` of a listening server (IPv6 in brackets). */
export function baseUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Stops accepting connections and resolves once in-flight requests have been answered. */
export async function closeServer(app: FastifyInstance): Promise<void> {
  await app.close();
}
