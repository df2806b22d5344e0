/**
 * The event ingress: an HTTP front door that turns onboarding events, async request ids and
 * Percent webhooks into workflow starts and signals.
 *
 * Each route does at most one change in Temporal (a start or a signal) and answers 2xx only
 * once Temporal accepted it; if Temporal cannot be reached it answers 503 with Retry-After,
 * so senders retry and an accepted event is never lost. Signals are deduplicated by the
 * workflow (by `eventId` for webhooks), so a retry after an ambiguous timeout is harmless.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import { z } from 'zod';
import type { PercentWebhookConfig, TemporalConfig } from '../config';
import { silentLogger, type Logger } from '../logger';
import { onboardingEventSchema, parseOnboardingEvent } from '../onboarding-event';
import { temporalBackgroundChecks, type BackgroundChecks } from './background-checks';
import { HttpError, parseJson, readBody, requireJsonContentType, sendJson } from './http';
import { SIGNATURE_HEADER, parsePercentWebhook, verifyPercentSignature } from './percent-webhook';
import { TemporalUnavailableError } from '../temporal/unavailable';
import { webhookDeliveryRecorder } from '../telemetry/ingress-metrics';

export type IngressConfig = Pick<TemporalConfig, 'TEMPORAL_TASK_QUEUE'> &
  PercentWebhookConfig & {
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

interface Route {
  method: string;
  pattern: RegExp;
  /** Path template for logs: ids in paths never reach the access log. */
  name: string;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

const profileIdSchema = onboardingEventSchema.shape.profileId;
const asyncRequestBodySchema = z.object({ asyncRequestId: z.string().trim().min(1).max(128) });

const fieldProblems = (error: z.ZodError, prefix?: string) =>
  error.issues.map((i) => ({ field: [prefix, ...i.path].filter(Boolean).join('.') || '(body)', message: i.message }));

const badRequest = (problems: { field: string; message: string }[]) =>
  new HttpError(400, 'invalid_request', 'the request has invalid fields', { problems });

export function createIngress(options: IngressOptions): Server {
  const { config } = options;
  const logger = (options.logger ?? silentLogger).child({ component: 'ingress' });
  const recordWebhook = webhookDeliveryRecorder(options.metricMeter);
  const checks =
    options.checks ??
    temporalBackgroundChecks(options.client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      callTimeoutMs: config.temporalCallTimeoutMs,
    });
  const maxBodyBytes = config.maxBodyBytes ?? 256 * 1024;
  const retryAfter = String(config.retryAfterSeconds ?? 5);

  const readJson = async (req: IncomingMessage) => {
    requireJsonContentType(req);
    return parseJson(await readBody(req, maxBodyBytes));
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/healthz$/,
      name: '/healthz',
      // Liveness only: a Temporal outage must not get the ingress restarted (see /readyz).
      handle: async (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      pattern: /^\/readyz$/,
      name: '/readyz',
      handle: async (_req, res) => {
        await checks.ping();
        sendJson(res, 200, { status: 'ready' });
      },
    },
    {
      method: 'POST',
      pattern: /^\/onboarding-events$/,
      name: '/onboarding-events',
      handle: async (req, res) => {
        const parsed = parseOnboardingEvent(await readJson(req));
        if (!parsed.ok) throw badRequest(parsed.problems);
        const check = await checks.start(parsed.event);
        logger.info(check.started ? 'check started' : 'check already running', {
          workflowId: check.workflowId,
          runId: check.runId,
        });
        sendJson(res, 202, check);
      },
    },
    {
      method: 'POST',
      pattern: /^\/profiles\/([^/]+)\/async-request$/,
      name: '/profiles/:profileId/async-request',
      handle: async (req, res, [rawProfileId]) => {
        const profileId = profileIdSchema.safeParse(decodeURIComponent(rawProfileId));
        const body = asyncRequestBodySchema.safeParse(await readJson(req));
        const problems = [
          ...(profileId.success ? [] : fieldProblems(profileId.error, 'profileId')),
          ...(body.success ? [] : fieldProblems(body.error)),
        ];
        if (!profileId.success || !body.success) throw badRequest(problems);
        const delivery = await checks.sendAsyncRequest(profileId.data, body.data.asyncRequestId);
        if (delivery.outcome !== 'delivered') {
          throw new HttpError(404, 'no_running_check', 'no background check is running for this profile');
        }
        logger.info('async request id delivered', { workflowId: delivery.workflowId });
        sendJson(res, 202, { workflowId: delivery.workflowId });
      },
    },
    {
      method: 'POST',
      pattern: /^\/webhooks\/percent$/,
      name: '/webhooks/percent',
      handle: async (req, res) => {
        const raw = await readBody(req, maxBodyBytes);
        const signature = req.headers[SIGNATURE_HEADER];
        if (
          !verifyPercentSignature(
            raw,
            typeof signature === 'string' ? signature : undefined,
            config.PERCENT_WEBHOOK_SECRET,
          )
        ) {
          throw new HttpError(401, 'invalid_signature', `missing or invalid ${SIGNATURE_HEADER} header`);
        }
        const webhook = parsePercentWebhook(parseJson(raw));
        if (webhook.kind === 'invalid') throw badRequest(webhook.problems);
        if (webhook.kind === 'ignored') {
          // Not an agent verification event: nothing in the lifecycle waits for it.
          logger.info('webhook ignored', { eventId: webhook.eventId, eventType: webhook.eventType });
          sendJson(res, 200, { received: true, applied: false, reason: 'event type not used' });
          return;
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
            sendJson(res, 200, { received: true, applied: true, workflowId: delivery.workflowId });
            return;
          case 'no_running_check':
            // The check closed (e.g. decided by polling): a late webhook has nothing to change.
            logger.info('webhook for a closed check', fields);
            sendJson(res, 200, { received: true, applied: false, reason: 'check closed' });
            return;
          case 'unknown':
            // Not recorded yet (the webhook can beat the search attribute upsert) or not ours:
            // a non-2xx makes Percent resend it later; polling covers what is never matched.
            logger.warn('webhook for an unknown verification', fields);
            throw new HttpError(404, 'unknown_verification', 'no background check has this agent verification yet');
        }
      },
    },
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string> => {
    const path = (req.url ?? '/').split('?')[0];
    const matching = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((r) => r.match);
    const found = matching.find((r) => r.route.method === req.method);
    if (!found) {
      if (matching.length > 0) {
        const allow = matching.map((r) => r.route.method).join(', ');
        sendJson(res, 405, { error: { code: 'method_not_allowed', message: `use ${allow}` } }, { allow });
        return matching[0].route.name;
      }
      sendJson(res, 404, { error: { code: 'not_found', message: 'no such route' } });
      return '(unknown)';
    }
    const { route, match } = found;
    try {
      await route.handle(req, res, match!.slice(1));
    } catch (error) {
      if (res.headersSent || res.destroyed || req.socket.destroyed) {
        // The sender went away mid-request, or the answer was already on its way: nothing to send.
        logger.debug('request ended early', { requestId, route: route.name, error });
        res.destroy();
      } else if (error instanceof HttpError) {
        sendJson(
          res,
          error.status,
          { error: { code: error.code, message: error.message, ...error.details } },
          error.headers,
        );
      } else if (error instanceof TemporalUnavailableError) {
        logger.warn('temporal unavailable', { requestId, route: route.name, error: error.cause });
        sendJson(
          res,
          503,
          { error: { code: 'temporal_unavailable', message: 'try again later: nothing was applied' } },
          { 'retry-after': retryAfter },
        );
      } else {
        logger.error('request failed', { requestId, route: route.name, error });
        sendJson(res, 500, { error: { code: 'internal_error', message: 'internal error', requestId } });
      }
    }
    return route.name;
  };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    void handle(req, res, requestId).then((route) => {
      if (route === '/webhooks/percent') recordWebhook(res.statusCode);
      // Access log: route template, status and timing only; no bodies, query strings or headers.
      logger.info('http request', {
        requestId,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      });
    });
  });
  // Slow or stalled senders do not hold connections open: Percent and the CRM send small bodies.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  return server;
}
