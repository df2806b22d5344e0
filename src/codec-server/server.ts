/**
 * The codec server: lets the Temporal UI and CLI show decrypted payloads to those allowed,
 * while Temporal itself only ever stores ciphertext.
 *
 * - `POST /encode`, `POST /decode` (also under a namespace segment, `/{namespace}/decode`):
 *   `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`
 *   in and out, as the UI (`Codec Server` setting / `TEMPORAL_CODEC_ENDPOINT`) and the CLI
 *   (`--codec-endpoint`) send it, with `Content-Type: application/json` (else 415). The UI's
 *   `X-Namespace` header is allowed and not needed: one key ring serves every namespace.
 * - CORS for the configured UI origins (`@fastify/cors`), with the preflight the browser sends
 *   before each POST; a preflight from any other origin gets 403.
 * - `Authorization: Bearer <token>` when auth is configured: the static CODEC_SERVER_AUTH_TOKEN
 *   (CLI, scripts) or a user's OIDC access token, which the UI forwards. Checked before the body
 *   is read.
 * - `GET /healthz`.
 *
 * Fastify with the app's shared HTTP set-up (`src/http/`): body limit that holds for chunked
 * bodies (413), JSON only, 404/405, every error an answer `{ message }`, graceful close.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PayloadCodecError } from '../codec/encryption-codec';
import { HttpError, acceptJsonOnly, baseUrl, createHttpServer } from '../http';
import type { Logger } from '../logger';
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
  /** Where internal errors are logged (never bodies or tokens). */
  logger?: Logger;
}

const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Namespace'];
// A history page holds many payloads, each up to Temporal's 2 MB blob limit.
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

const sendError = (reply: FastifyReply, error: HttpError) =>
  reply
    .code(error.status)
    .headers({ 'cache-control': 'no-store', ...error.headers })
    .send({ message: error.message });

export function createCodecServer(options: CodecServerOptions): FastifyInstance {
  const origins = new Set(options.corsOrigins);
  const expectedToken = options.authToken && digest(options.authToken.reveal());
  const authRequired = expectedToken !== undefined || options.oidc !== undefined;

  const app = createHttpServer({
    bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    // A big history page may take a while to upload from a browser.
    requestTimeoutMs: 120_000,
    ignoreTrailingSlash: true,
    logger: options.logger,
    sendError,
    mapError: (error) =>
      // Key id and reason help the operator (e.g. a retired key); nothing else is echoed.
      error instanceof PayloadCodecError ? new HttpError(422, 'undecodable_payload', error.message) : undefined,
    // The one OPTIONS route is the CORS preflight; @fastify/cors passes on those it refuses.
    notFound: (request) =>
      request.method === 'OPTIONS' ? new HttpError(403, 'origin_not_allowed', 'origin not allowed') : undefined,
  });
  acceptJsonOnly(app);

  void app.register(fastifyCors, {
    // Exact origins; `false` for any other (no CORS headers, and its preflight is refused).
    origin: (origin, callback) => callback(null, origin !== undefined && origins.has(origin)),
    // The UI may send cookies (TEMPORAL_CODEC_INCLUDE_CREDENTIALS); harmless when it does not.
    credentials: true,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    maxAge: 600,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  void app.register(async (scope) => {
    // Auth before the body is read: an unauthenticated caller cannot make us buffer 32 MB.
    if (authRequired) scope.addHook('onRequest', async (request) => authorize(request));
    for (const operation of ['encode', 'decode'] as const) {
      const handler = async (request: FastifyRequest) => {
        const body = payloadsBodySchema.safeParse(request.body);
        if (!body.success) {
          const problems = body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
          throw new HttpError(
            400,
            'invalid_request',
            `expected { payloads: [{ metadata, data }] }: ${problems.slice(0, 5).join('; ')}`,
          );
        }
        const payloads = fromJson(body.data);
        const result =
          operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
        return toJson(result);
      };
      scope.post(`/${operation}`, handler);
      // The CLI's --codec-endpoint may template the namespace into the path.
      scope.post(`/:namespace/${operation}`, handler);
    }
  });

  async function authorize(request: FastifyRequest): Promise<void> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      // Constant time: both sides are hashed to the same length before comparing.
      if (expectedToken && timingSafeEqual(digest(bearer), expectedToken)) return;
      if (options.oidc) {
        let valid: boolean;
        try {
          valid = await options.oidc.verify(bearer);
        } catch {
          throw new HttpError(
            503,
            'idp_unavailable',
            'cannot check the access token: the identity provider did not answer',
          );
        }
        if (valid) return;
      }
    }
    throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token', undefined, {
      'www-authenticate': 'Bearer',
    });
  }

  return app;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Starts a server on `host:port` (port 0 = any free port) and returns its base URL. */
export async function listen(server: FastifyInstance, port: number, host = '127.0.0.1'): Promise<string> {
  await server.listen({ port, host });
  return baseUrl(server);
}
