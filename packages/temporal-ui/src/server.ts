/**
 * The UI's HTTP server: the built single-page app, `/api/v1/settings`, the raw history download,
 * and every other `/api/v1` path through the generic gateway. Errors are JSON
 * `{code, message, details}`; nothing a browser sends can crash the process.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import type protobuf from 'protobufjs';
import { createGateway, type Gateway, type GatewayResponse } from './gateway/gateway';
import { renderPage } from './render-markdown';
import { uiSettings, type UiSettingsOptions } from './settings';

export interface UiServerOptions extends UiSettingsOptions {
  /** A client connection to the Temporal frontend (the caller owns and closes it). */
  connection: Connection;
  /** The built app (see `ensureUiBuild`); without it only `/api/v1` is served. */
  staticDir?: string;
  /** Largest JSON body accepted. */
  maxBodyBytes?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

const RAW_HISTORY = /^\/api\/v1\/namespaces\/([^/]+)\/workflows\/([^/]+)\/run\/([^/]+)\/history\.json$/;

export interface UiServer {
  server: Server;
  gateway: Gateway;
  /** Points the UI at a codec server started after this one (its CORS list needs the UI's origin). */
  setCodecEndpoint(endpoint: string | undefined): void;
}

export function createUiServer(options: UiServerOptions): UiServer {
  const gateway = createGateway(options.connection);
  let settings = uiSettings(options);
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const historyMethod = gateway.schema.lookupService('temporal.api.workflowservice.v1.WorkflowService').methods
    .GetWorkflowExecutionHistory as protobuf.Method;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 13, message: `UI server error: ${String(error)}`, details: [] });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ui');
    const pathname = url.pathname;
    if (pathname === '/api/v1/settings') return sendJson(res, 200, settings);
    if (pathname === '/render') {
      const { html, csp } = renderPage(url.searchParams.get('content') ?? '', url.searchParams.get('theme') ?? '');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        'content-length': Buffer.byteLength(html),
      });
      return void res.end(html);
    }
    if (pathname.startsWith('/api/')) {
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      const raw = RAW_HISTORY.exec(pathname);
      const result = raw
        ? await rawHistory(raw.slice(1).map(decodeURIComponent) as [string, string, string], aborted.signal)
        : await apiCall(req, url, aborted.signal);
      if (!res.destroyed) sendJson(res, result.status, result.body);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { message: 'method not allowed' });
    await serveStatic(req, res, pathname);
  }

  async function apiCall(req: IncomingMessage, url: URL, signal: AbortSignal): Promise<GatewayResponse> {
    let body: unknown;
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE') {
      const text = await readBody(req, maxBodyBytes);
      if (text === undefined) return { status: 413, body: { code: 3, message: 'request body too large', details: [] } };
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        return { status: 400, body: { code: 3, message: 'request body: not valid JSON', details: [] } };
      }
    }
    return gateway.handle({ method: req.method ?? 'GET', url: url.pathname + url.search, body, signal });
  }

  /** The whole history in one document, as the UI's "raw history" link and the CLI expect it. */
  async function rawHistory(
    [namespace, workflowId, runId]: [string, string, string],
    signal: AbortSignal,
  ): Promise<GatewayResponse> {
    const events: unknown[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await gateway.call(
        { service: 'workflow', method: historyMethod },
        { namespace, execution: { workflowId, runId }, ...(nextPageToken ? { nextPageToken } : {}) },
        signal,
      );
      if (page.status !== 200) return page;
      const body = page.body as { history?: { events?: unknown[] }; nextPageToken?: string };
      events.push(...(body.history?.events ?? []));
      nextPageToken = body.nextPageToken;
    } while (nextPageToken);
    return { status: 200, body: { events } };
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const root = options.staticDir;
    if (!root) return sendJson(res, 404, { message: 'the UI is not built; only /api/v1 is served' });
    const rel = path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(root, rel);
    if (!file.startsWith(root)) return sendJson(res, 400, { message: 'bad path' });
    let info = await stat(file).catch(() => undefined);
    // Any other path is a route of the single-page app: its shell decides what to show.
    if (!info?.isFile()) {
      file = path.join(root, 'index.html');
      info = await stat(file).catch(() => undefined);
      if (!info) return sendJson(res, 404, { message: 'not found' });
    }
    const immutable = rel.includes(`${path.sep}_app${path.sep}immutable${path.sep}`);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  return {
    server,
    gateway,
    setCodecEndpoint: (endpoint) => {
      settings = uiSettings({ ...options, codecEndpoint: endpoint });
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
