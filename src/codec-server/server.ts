/**
 * The codec server: lets the Temporal UI and CLI show decrypted payloads to those allowed,
 * while Temporal itself only ever stores ciphertext.
 *
 * - `POST /encode`, `POST /decode` (also under a namespace segment, `/{namespace}/decode`):
 *   `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`
 *   in and out, as the UI (`Codec Server` setting / `TEMPORAL_CODEC_ENDPOINT`) and the CLI
 *   (`--codec-endpoint`) send it.
 * - CORS for the configured UI origins, with the preflight the browser sends before each POST.
 * - `Authorization: Bearer <token>` when auth is configured: the static CODEC_SERVER_AUTH_TOKEN
 *   (CLI, scripts) or a user's OIDC access token, which the UI forwards.
 * - `GET /healthz`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { PayloadCodecError } from '../codec/encryption-codec';
import type { Secret } from '../secret';
import { fromJson, payloadsBodySchema, toJson } from './payloads-json';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call the server (exact match, e.g. `https://temporal.example.org`). */
  corsOrigins: readonly string[];
  /** When set, encode/decode requests may authenticate with `Authorization: Bearer <token>`. */
  authToken?: Secret;
  /** When set, encode/decode requests may authenticate with an OIDC access token (the UI forwards the user's). */
  oidc?: { verify(token: string): Promise<boolean> };
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';
// A history page holds many payloads, each up to Temporal's 2 MB blob limit.
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createCodecServer(options: CodecServerOptions): Server {
  const origins = new Set(options.corsOrigins);
  const expectedToken = options.authToken && digest(options.authToken.reveal());
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : 'internal error';
      if (!res.headersSent) send(res, status, { message });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const corsAllowed = origin !== undefined && origins.has(origin);
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      // The UI may send cookies (TEMPORAL_CODEC_INCLUDE_CREDENTIALS); harmless when it does not.
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Vary', 'Origin');

    const path = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '') || '/';
    // `/{namespace}/decode` too: the CLI's --codec-endpoint may template the namespace into the path.
    const operation = /^(?:\/[^/]+)?\/(encode|decode)$/.exec(path)?.[1] as 'encode' | 'decode' | undefined;

    if (req.method === 'OPTIONS') {
      if (!corsAllowed) throw new HttpError(403, 'origin not allowed');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (!operation) throw new HttpError(404, 'not found: use POST /encode or POST /decode');
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      throw new HttpError(405, `${operation} takes POST`);
    }
    if ((expectedToken || options.oidc) && !(await authorized(req.headers.authorization))) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing or wrong bearer token');
    }

    const body = payloadsBodySchema.safeParse(await readJson(req, maxBodyBytes));
    if (!body.success) {
      const problems = body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      throw new HttpError(400, `expected { payloads: [{ metadata, data }] }: ${problems.slice(0, 5).join('; ')}`);
    }
    const payloads = fromJson(body.data);
    try {
      const result =
        operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      send(res, 200, toJson(result));
    } catch (error) {
      // Key id and reason help the operator (e.g. a retired key); nothing else is echoed.
      if (error instanceof PayloadCodecError) throw new HttpError(422, error.message);
      throw error;
    }
  }

  async function authorized(header: string | undefined): Promise<boolean> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (bearer === undefined) return false;
    // Constant time: both sides are hashed to the same length before comparing.
    if (expectedToken && timingSafeEqual(digest(bearer), expectedToken)) return true;
    if (!options.oidc) return false;
    try {
      return await options.oidc.verify(bearer);
    } catch {
      throw new HttpError(503, 'cannot check the access token: the identity provider did not answer');
    }
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/** Starts a server on `host:port` (port 0 = any free port) and returns its base URL. */
export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
