/** The HTTP server: routes each request to a vendor handler under that route's faults. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AttestrSimulator } from './attestr';
import type { RequestContext } from './context';
import type { FaultInjector, Outcome } from './faults';
import { BodyTooLargeError, json, readBody, writeResponse } from './http-io';
import type { SimulatorLifecycle } from './lifecycle';
import type { PercentSimulator } from './percent';
import type { RouteStats } from './route-stats';
import type { AsyncRequestType, RouteKey } from './types';

interface Match {
  route: RouteKey;
  handle: (ctx: RequestContext) => Promise<Outcome>;
}

export interface ServerParts {
  percent: PercentSimulator;
  attestr: AttestrSimulator;
  faults: FaultInjector;
  stats: RouteStats;
  lifecycle: SimulatorLifecycle;
  attestrVersions: ReadonlySet<string>;
}

const notFound = () => json(404, { message: 'Not found' });
const asyncTypes: ReadonlySet<string> = new Set(['education', 'work', 'document']);

/** Matches by splitting the path: no regular expressions, no route table scan. */
function match(method: string | undefined, url: string, parts: ServerParts): Match | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  if (segments[segments.length - 1] === '' && segments.length > 2) segments.pop();
  const { percent, attestr } = parts;

  if (segments[1] === 'v1' && segments[2] === 'agent-verifications') {
    if (segments.length === 3 && method === 'POST') {
      return { route: 'percent.createAgentVerification', handle: (ctx) => percent.create(ctx) };
    }
    if (segments.length === 3 && method === 'GET') {
      const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
      return { route: 'percent.listAgentVerifications', handle: (ctx) => percent.list(ctx, query) };
    }
    if (segments.length === 4 && method === 'GET') {
      const id = decodeURIComponent(segments[3]);
      return { route: 'percent.getAgentVerification', handle: (ctx) => percent.get(ctx, id) };
    }
    return undefined;
  }

  if (segments[1] === 'api' && segments[3] === 'public' && segments[4] === 'factx') {
    const version = segments[2];
    const versioned = (route: RouteKey, handle: Match['handle']): Match => ({
      route,
      handle: parts.attestrVersions.has(version) ? handle : async () => notFound(),
    });
    const rest = segments.slice(5);
    if (rest.length === 0 && method === 'POST') {
      return versioned('attestr.createProfile', (ctx) => attestr.createProfile(ctx));
    }
    if (rest.length === 2 && rest[0] === 'async' && method === 'POST' && asyncTypes.has(rest[1])) {
      const type = rest[1] as AsyncRequestType;
      return versioned('attestr.createAsyncRequest', (ctx) => attestr.createAsyncRequest(ctx, type));
    }
    const profileId = rest.length > 0 ? decodeURIComponent(rest[0]) : '';
    if (rest.length === 1 && method === 'GET') {
      return versioned('attestr.getProfile', (ctx) => attestr.getProfile(ctx, profileId));
    }
    if (rest.length === 2 && rest[1] === 'archive' && method === 'PUT') {
      return versioned('attestr.archiveProfile', (ctx) => attestr.archive(ctx, profileId));
    }
    if (rest.length === 2 && rest[1] === 'associate' && method === 'PUT') {
      return versioned('attestr.associate', (ctx) => attestr.associate(ctx, profileId));
    }
  }
  return undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse, parts: ServerParts): Promise<void> {
  let matched: Match | undefined;
  try {
    matched = match(req.method, req.url ?? '/', parts);
  } catch {
    // A malformed percent-encoding in the path.
    matched = undefined;
  }
  if (!matched) {
    req.resume();
    writeResponse(res, notFound());
    return;
  }
  const route = matched.route;
  parts.stats.begin(route);
  try {
    await serve(req, res, parts, matched);
  } finally {
    parts.stats.end(route);
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, parts: ServerParts, matched: Match): Promise<void> {
  const route = matched.route;
  let rawBody: string;
  try {
    rawBody = await readBody(req);
  } catch (error) {
    parts.stats.recordRequest(route);
    if (error instanceof BodyTooLargeError) writeResponse(res, json(413, { message: 'Request body too large' }));
    return;
  }
  // Counted once fully received; the handler then runs synchronously up to its first fault
  // delay, so a test woken by the count sees the request's effects (an idempotency key in flight).
  parts.stats.recordRequest(route);
  const ctx: RequestContext = {
    req,
    res,
    rawBody,
    runWithFaults: (process) => parts.faults.run(route, res, parts.lifecycle, process),
  };
  const outcome = await matched.handle(ctx);
  if (outcome === 'drop') req.socket.destroy();
  else if (outcome !== 'none') writeResponse(res, outcome);
}

export function createSimulatorServer(parts: ServerParts): Server {
  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res, parts).catch(() => {
      if (!res.headersSent) writeResponse(res, json(500, { message: 'Simulator error' }));
      else res.destroy();
    });
  });
  // Hung requests must stay open until the client or close() ends them.
  server.requestTimeout = 0;
  return server;
}
