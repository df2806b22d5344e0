/**
 * The event ingress: an HTTP front door (Fastify) that turns onboarding events, async request
 * ids and Percent webhooks into workflow starts and signals.
 *
 * Each route does at most one change in Temporal (a start or a signal) and answers 2xx only
 * once Temporal accepted it; if Temporal cannot be reached it answers 503 with Retry-After,
 * so senders retry and an accepted event is never lost. Signals are deduplicated by the
 * workflow (by `eventId` for webhooks), so a retry after an ambiguous timeout is harmless.
 *
 * Hostile input is Fastify's job first (body limit also for chunked bodies, content-type
 * parsing, URL and header limits) and the zod schemas' next (strict, every problem at once);
 * any error becomes an answer, never a crash.
 */
import fastifySwagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import type { IngressAuthConfig, PercentWebhookConfig, TemporalConfig } from '../config';
import type { MetricMeter } from '@temporalio/common';
import { HttpError, MAX_JSON_DEPTH, acceptJsonOnly, createHttpServer, jsonDepthExceeds, tooDeep } from '../http';
import { silentLogger, type Logger } from '../logger';
import { fieldProblems, onboardingEventSchema, type FieldProblem } from '../onboarding-event';
import {
  asyncRequestBodySchema,
  deliveredSchema,
  errorBodySchema,
  profileParamsSchema,
  startedCheckSchema,
  statusSchema,
  webhookAnswerSchema,
} from './api-schemas';
import { bearerTokenCheck } from './auth';
import { temporalBackgroundChecks, type BackgroundChecks } from './background-checks';
import { invalidRequest } from './http';
import { SIGNATURE_HEADER, parsePercentWebhook, verifyPercentSignature } from './percent-webhook';
import { TemporalUnavailableError } from '../temporal/unavailable';
import { webhookDeliveryRecorder } from '../telemetry/ingress-metrics';

export type IngressConfig = Pick<TemporalConfig, 'TEMPORAL_TASK_QUEUE'> &
  PercentWebhookConfig &
  Partial<IngressAuthConfig> & {
    /** Largest accepted request body; default 256 KiB (an onboarding event is well under 4 KiB). */
    maxBodyBytes?: number;
    /** Upper bound of each Temporal call; default 10 s. */
    temporalCallTimeoutMs?: number;
    /** `Retry-After` (seconds) sent with 503; default 5. */
    retryAfterSeconds?: number;
  };

export type IngressOptions = {
  config: IngressConfig;
  logger?: Logger;
  /** The SDK's metric meter (`Runtime.instance().metricMeter`), for the business metrics. */
  metricMeter?: MetricMeter;
} & ({ client: Client; checks?: undefined } | { checks: BackgroundChecks; client?: undefined });

export function createIngress(options: IngressOptions): FastifyInstance {
  const { config } = options;
  const logger = (options.logger ?? silentLogger).child({ component: 'ingress' });
  const tokens = config.INGRESS_AUTH_TOKENS ?? [];
  if (tokens.length === 0 && config.INGRESS_INSECURE_NO_AUTH !== true) {
    throw new Error('the ingress needs INGRESS_AUTH_TOKENS (or INGRESS_INSECURE_NO_AUTH=true, local use only)');
  }
  const checkBearer = tokens.length > 0 ? bearerTokenCheck(tokens) : undefined;
  const recordWebhook = webhookDeliveryRecorder(options.metricMeter);
  const checks =
    options.checks ??
    temporalBackgroundChecks(options.client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      callTimeoutMs: config.temporalCallTimeoutMs,
    });
  const retryAfter = String(config.retryAfterSeconds ?? 5);

  const sendError = (reply: FastifyReply, error: HttpError) =>
    reply
      .code(error.status)
      .headers({ 'cache-control': 'no-store', ...error.headers })
      .send({ error: { code: error.code, message: error.message, ...error.details } });

  const app = createHttpServer({
    bodyLimit: config.maxBodyBytes ?? 256 * 1024,
    logger,
    sendError,
    mapError: (error, request) => {
      if (error instanceof TemporalUnavailableError) {
        logger.warn('temporal unavailable', {
          requestId: request.id,
          route: request.routeOptions.url ?? '(unknown)',
          error: error.cause,
        });
        return new HttpError(503, 'temporal_unavailable', 'try again later: nothing was applied', undefined, {
          'retry-after': retryAfter,
        });
      }
      // Bad percent-encoding in the profile id (`/profiles/%E0%A4%A/...`) names the field.
      if ((error as FastifyError).code === 'FST_ERR_BAD_URL' && /^\/profiles\/[^/]*\/async-request/.test(request.url)) {
        return invalidRequest([{ field: 'profileId', message: 'malformed percent-encoding in the path' }]);
      }
      return undefined;
    },
  }).withTypeProvider<ZodTypeProvider>();

  // Requests are validated by `validateRequest` below (all parts at once); responses by zod.
  app.setValidatorCompiler(() => (value) => ({ value }));
  app.setSerializerCompiler(serializerCompiler);

  // JSON bodies only; the webhook route replaces the parser with a raw-bytes one for its signature.
  acceptJsonOnly(app);

  // Access log: route template, status and timing only; no bodies, query strings, headers or ids in paths.
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url === '/webhooks/percent') recordWebhook(reply.statusCode);
    logger.info('http request', {
      requestId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? '(unknown)',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    });
  });

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'bgcheck-worker ingress',
        version: '1',
        description:
          'Onboarding events, Attestr async request ids and Percent webhooks for the background-check workflow.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      },
    },
    transform: jsonSchemaTransform,
  });

  void app.register(async (scope) => {
    const api = scope.withTypeProvider<ZodTypeProvider>();

    api.get('/healthz', { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));
    api.get('/readyz', { schema: { response: { 200: statusSchema, 503: errorBodySchema } } }, async () => {
      // Liveness (/healthz) never calls Temporal: an outage must not get the ingress restarted.
      await checks.ping();
      return { status: 'ready' };
    });
    api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    // Routes for the systems that start checks: bearer tokens.
    void api.register(async (authedScope) => {
      const authed = authedScope.withTypeProvider<ZodTypeProvider>();
      authed.addHook('onRequest', async (request) => {
        checkBearer?.(request.headers.authorization);
      });
      authed.addHook('preValidation', validateRequest);
      const secured = checkBearer ? [{ bearerAuth: [] }] : [];
      const errors = { 400: errorBodySchema, 401: errorBodySchema, 503: errorBodySchema };

      authed.post(
        '/onboarding-events',
        {
          schema: {
            summary: 'Start the background check of an onboarding event',
            security: secured,
            body: onboardingEventSchema,
            response: { 202: startedCheckSchema, ...errors },
          },
        },
        async (request, reply) => {
          const check = await checks.start(request.body);
          logger.info(check.started ? 'check started' : 'check already running', {
            workflowId: check.workflowId,
            runId: check.runId,
          });
          return reply.code(202).send(check);
        },
      );

      authed.post(
        '/profiles/:profileId/async-request',
        {
          schema: {
            summary: 'Give a running check its Attestr async request id',
            security: secured,
            params: profileParamsSchema,
            body: asyncRequestBodySchema,
            response: { 202: deliveredSchema, 404: errorBodySchema, ...errors },
          },
        },
        async (request, reply) => {
          const delivery = await checks.sendAsyncRequest(request.params.profileId, request.body.asyncRequestId);
          if (delivery.outcome !== 'delivered') {
            throw new HttpError(404, 'no_running_check', 'no background check is running for this profile');
          }
          logger.info('async request id delivered', { workflowId: delivery.workflowId });
          return reply.code(202).send({ workflowId: delivery.workflowId });
        },
      );
    });

    // Percent's webhooks: the HMAC signature over the raw bytes instead of a token.
    void api.register(async (webhookScope) => {
      const webhooks = webhookScope.withTypeProvider<ZodTypeProvider>();
      webhooks.removeContentTypeParser('application/json');
      webhooks.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
        done(null, body),
      );
      webhooks.post(
        '/webhooks/percent',
        {
          schema: {
            summary: 'Percent (Goodstack) webhook, signed with Goodstack-Signature',
            response: { 200: webhookAnswerSchema, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema },
          },
        },
        async (request) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const signature = request.headers[SIGNATURE_HEADER];
          if (
            !verifyPercentSignature(
              raw,
              typeof signature === 'string' ? signature : undefined,
              config.PERCENT_WEBHOOK_SECRET,
            )
          ) {
            throw new HttpError(401, 'invalid_signature', `missing or invalid ${SIGNATURE_HEADER} header`);
          }
          const text = raw.toString('utf8');
          if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
            throw tooDeep();
          }
          const webhook = parsePercentWebhook(parseSignedJson(text));
          if (webhook.kind === 'invalid') throw invalidRequest(webhook.problems);
          if (webhook.kind === 'ignored') {
            // Not an agent verification event: nothing in the lifecycle waits for it.
            logger.info('webhook ignored', { eventId: webhook.eventId, eventType: webhook.eventType });
            return { received: true as const, applied: false, reason: 'event type not used' };
          }
          const { change } = webhook;
          const delivery = await checks.sendVerificationStatus(change);
          const fields = {
            eventId: change.eventId,
            agentVerificationId: change.agentVerificationId,
            status: change.status,
          };
          switch (delivery.outcome) {
            case 'delivered':
              logger.info('webhook delivered', { ...fields, workflowId: delivery.workflowId });
              return { received: true as const, applied: true, workflowId: delivery.workflowId };
            case 'no_running_check':
              // The check closed (e.g. decided by polling): a late webhook has nothing to change.
              logger.info('webhook for a closed check', fields);
              return { received: true as const, applied: false, reason: 'check closed' };
            case 'unknown':
              // Not recorded yet (the webhook can beat the search attribute upsert) or not ours:
              // a non-2xx makes Percent resend it later; polling covers what is never matched.
              logger.warn('webhook for an unknown verification', fields);
              throw new HttpError(404, 'unknown_verification', 'no background check has this agent verification yet');
          }
        },
      );
    });
  });

  return app;
}

/**
 * Validates every part of a request (path parameters, body) against the route's zod schemas
 * and answers one 400 listing all problems; Fastify's own validation stops at the first part.
 * The parsed values (trimmed, defaults applied) replace the raw ones.
 */
async function validateRequest(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema as { params?: ZodType; body?: ZodType } | undefined;
  const problems: FieldProblem[] = [];
  for (const part of ['params', 'body'] as const) {
    const partSchema = schema?.[part];
    if (!partSchema) continue;
    const result = partSchema.safeParse(request[part]);
    if (result.success) (request as unknown as Record<string, unknown>)[part] = result.data;
    else problems.push(...fieldProblems(result.error, [], '(body)'));
  }
  if (problems.length > 0) throw invalidRequest(problems);
}

/** The webhook's JSON, parsed like any other body (no `__proto__` / `constructor.prototype`). */
function parseSignedJson(text: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('forbidden key');
      return value;
    });
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}
