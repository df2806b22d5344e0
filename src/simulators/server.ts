/**
 * The HTTP server (Fastify): one route per vendor operation, each run under that route's
 * faults. Bodies are taken as raw text whatever their content type, as the vendors' own
 * validation (in the handlers) decides what a bad body gets; Fastify bounds them (1 MiB, also
 * when chunked) and keeps a failing request from taking the simulators down. Faults that must
 * not answer (a hang, a dropped connection) take the raw socket over with `reply.hijack()`.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AttestrSimulator } from './attestr';
import type { RequestContext } from './context';
import type { FaultInjector, Outcome } from './faults';
import { json, type SimResponse } from './http-io';
import type { SimulatorLifecycle } from './lifecycle';
import type { PercentSimulator } from './percent';
import type { RouteStats } from './route-stats';
import type { AsyncRequestType, RouteKey } from './types';

export interface ServerParts {
  percent: PercentSimulator;
  attestr: AttestrSimulator;
  faults: FaultInjector;
  stats: RouteStats;
  lifecycle: SimulatorLifecycle;
  attestrVersions: ReadonlySet<string>;
}

type Handle = (ctx: RequestContext, request: FastifyRequest) => Promise<Outcome>;

/** A runaway client must not exhaust memory; the vendors' bodies are a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

const notFound = () => json(404, { message: 'Not found' });
const asyncTypes: readonly AsyncRequestType[] = ['education', 'work', 'document'];

/** Where a request on a route is: counted once received, settled once answered, dropped or released. */
interface Tracked {
  counted: boolean;
  handling: boolean;
  settled: boolean;
}

function write(reply: FastifyReply, response: SimResponse): void {
  // The client went away (e.g. during a latency fault): nothing to write.
  if (reply.raw.destroyed) return void reply.hijack();
  void reply
    .code(response.status)
    .headers(response.headers ?? {})
    .send(response.body ?? '');
}

export function createSimulatorServer(parts: ServerParts): FastifyInstance {
  const { percent, attestr, stats } = parts;
  const tracked = new WeakMap<FastifyRequest, Tracked>();

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // Hung requests must stay open until the client or close() ends them.
    requestTimeout: 0,
    // Node's default, as clients of the real vendors meet it.
    keepAliveTimeout: 5000,
    http: { keepAlive: true },
    // close() ends keep-alive and hung connections at once.
    forceCloseConnections: true,
    // Only the vendors' routes: no HEAD twins of the GETs.
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // A malformed percent-encoding in the path matches no route.
    frameworkErrors: (_error, _request, reply) => write(reply, notFound()),
  });

  // Raw text for every content type (none included); the handlers parse it as the vendor would.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.setNotFoundHandler((_request, reply) => write(reply, notFound()));

  const count = (route: RouteKey, request: FastifyRequest) => {
    const state = tracked.get(request);
    if (state && !state.counted) {
      state.counted = true;
      stats.recordRequest(route);
    }
  };
  const settle = (route: RouteKey, request: FastifyRequest) => {
    const state = tracked.get(request);
    if (state && !state.settled) {
      state.settled = true;
      stats.end(route);
    }
  };

  const route = (method: 'GET' | 'POST' | 'PUT', url: string, key: RouteKey, handle: Handle) => {
    app.route({
      method,
      url,
      onRequest: async (request) => {
        tracked.set(request, { counted: false, handling: false, settled: false });
        stats.begin(key);
      },
      // The client went away before the handler ran (mid-body): counted, no longer in progress.
      // A handler that is running (a latency, a hang) settles the request itself when it ends.
      onRequestAbort: async (request) => {
        if (tracked.get(request)?.handling) return;
        count(key, request);
        settle(key, request);
      },
      // Body too large, or another request error before the handler: counted, answered.
      errorHandler: (error: FastifyError, request, reply) => {
        count(key, request);
        if (!reply.raw.destroyed && !reply.sent) {
          if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
            write(reply, json(413, { message: 'Request body too large' }));
          else if (error.statusCode !== undefined && error.statusCode < 500) {
            write(reply, json(error.statusCode, { message: 'Bad request' }));
          } else write(reply, json(500, { message: 'Simulator error' }));
        }
        settle(key, request);
      },
      handler: async (request, reply) => {
        // Counted once fully received; the handler then runs synchronously up to its first fault
        // delay, so a test woken by the count sees the request's effects (an idempotency key in flight).
        count(key, request);
        const state = tracked.get(request);
        if (state) state.handling = true;
        try {
          const ctx: RequestContext = {
            req: request.raw,
            res: reply.raw,
            rawBody: typeof request.body === 'string' ? request.body : '',
            runWithFaults: (process) => parts.faults.run(key, reply.raw, parts.lifecycle, process),
          };
          const outcome = await handle(ctx, request);
          if (outcome === 'drop') {
            reply.hijack();
            request.raw.socket.destroy();
          } else if (outcome === 'none') reply.hijack();
          else write(reply, outcome);
        } catch {
          if (!reply.sent && !reply.raw.destroyed) write(reply, json(500, { message: 'Simulator error' }));
        } finally {
          settle(key, request);
        }
        return reply;
      },
    });
  };

  const params = (request: FastifyRequest) => request.params as Record<string, string>;
  const query = (request: FastifyRequest) => {
    const url = request.raw.url ?? '';
    const at = url.indexOf('?');
    return new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
  };

  route('POST', '/v1/agent-verifications', 'percent.createAgentVerification', (ctx) => percent.create(ctx));
  route('GET', '/v1/agent-verifications', 'percent.listAgentVerifications', (ctx, request) =>
    percent.list(ctx, query(request)),
  );
  route('GET', '/v1/agent-verifications/:id', 'percent.getAgentVerification', (ctx, request) =>
    percent.get(ctx, params(request).id),
  );

  // An unknown version is still the route (counted) but answers 404, as Attestr does.
  const versioned =
    (handle: Handle): Handle =>
    (ctx, request) =>
      parts.attestrVersions.has(params(request).version) ? handle(ctx, request) : Promise.resolve(notFound());
  const factx = '/api/:version/public/factx';
  route(
    'POST',
    factx,
    'attestr.createProfile',
    versioned((ctx) => attestr.createProfile(ctx)),
  );
  for (const type of asyncTypes) {
    route(
      'POST',
      `${factx}/async/${type}`,
      'attestr.createAsyncRequest',
      versioned((ctx) => attestr.createAsyncRequest(ctx, type)),
    );
  }
  route(
    'GET',
    `${factx}/:profileId`,
    'attestr.getProfile',
    versioned((ctx, request) => attestr.getProfile(ctx, params(request).profileId)),
  );
  route(
    'PUT',
    `${factx}/:profileId/archive`,
    'attestr.archiveProfile',
    versioned((ctx, request) => attestr.archive(ctx, params(request).profileId)),
  );
  route(
    'PUT',
    `${factx}/:profileId/associate`,
    'attestr.associate',
    versioned((ctx, request) => attestr.associate(ctx, params(request).profileId)),
  );

  return app;
}
