/**
 * The one place where configuration comes in: environment variables, validated with zod.
 *
 * Each process loads only the sections it needs (the CLI needs Temporal, not vendor keys), but
 * every variable is declared here, once. A bad or missing variable stops start-up with a
 * `ConfigError` that names the variable and what was expected, never its value.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { KeyRingError, parseKeyRing } from './codec/key-ring';
import { Secret } from './secret';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Empty strings count as unset: `FOO=` in a compose file or .env means "use the default".
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

function secret(what: string, pattern?: RegExp) {
  return z
    .string({ error: `required: ${what}` })
    .min(1, { error: `required: ${what}` })
    .refine((v) => !pattern || pattern.test(v), { error: `expected ${what}` })
    .transform((v) => new Secret(v));
}

function optionalSecret(what: string) {
  return z
    .preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .optional()
        .transform((v) => (v === undefined ? undefined : new Secret(v))),
    )
    .describe(what);
}

function url(what: string, fallback?: string) {
  const base = z
    .string({ error: `required: ${what} (an http or https URL)` })
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), {
      error: `expected ${what} (an http or https URL)`,
    })
    .transform((v) => v.replace(/\/+$/, ''));
  return fallback === undefined ? base : z.preprocess((v) => (v === '' || v === undefined ? fallback : v), base);
}

/** A duration such as `"6 hours"`, `"30s"` or `"1500"` (milliseconds), returned in milliseconds. */
export function durationMs(fallback: string) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? fallback : v),
    z.string().transform((v, ctx) => {
      try {
        const n = msToNumber(/^\d+$/.test(v) ? Number(v) : (v as never));
        if (Number.isFinite(n) && n >= 0) return n;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: `expected a duration such as "30s", "6 hours" or "2 days"` });
      return z.NEVER;
    }),
  );
}

function positiveNumber(fallback: number) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? fallback : Number(v)),
    z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }),
  );
}

function port(fallback: number) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? fallback : Number(v)),
    z
      .number({ error: 'expected a TCP port (0-65535)' })
      .int({ error: 'expected a TCP port (0-65535)' })
      .min(0)
      .max(65535, { error: 'expected a TCP port (0-65535)' }),
  );
}

function bool(fallback: boolean) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? String(fallback) : String(v).toLowerCase()),
    z
      .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1'),
  );
}

export const temporalSchema = z.object({
  /** Unset means "no real cluster": `npm run dev` then starts the embedded service. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.preprocess((v) => (v === '' || v === undefined ? 'default' : v), z.string().min(1)),
  TEMPORAL_TASK_QUEUE: z.preprocess((v) => (v === '' || v === undefined ? 'background-checks' : v), z.string().min(1)),
  TEMPORAL_TLS: bool(false),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** Temporal Cloud API key; implies TLS. */
  TEMPORAL_API_KEY: optionalSecret('a Temporal Cloud API key'),
});

export const percentSchema = z.object({
  PERCENT_BASE_URL: url('the Percent (Goodstack) API base URL', 'https://api.goodstack.io'),
  PERCENT_API_KEY: secret('a Percent secret key (starts with sk_ or sandbox_sk_)', /^(sandbox_)?sk_\S+$/),
  PERCENT_TASK_QUEUE: z.preprocess((v) => (v === '' || v === undefined ? 'percent' : v), z.string().min(1)),
  /** Worker-side limit of Percent calls per second across the task queue. */
  PERCENT_MAX_ACTIVITIES_PER_SECOND: positiveNumber(10),
});

export const percentWebhookSchema = z.object({
  PERCENT_WEBHOOK_SECRET: secret('the Percent webhook subscription secret'),
});

/** Bearer tokens of the ingress's non-webhook routes: comma-separated, so they rotate without downtime. */
const bearerTokens = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return [];
      const tokens = v.split(',').map((t) => t.trim());
      // Never echo a token: say which position is wrong.
      tokens.forEach((token, i) => {
        if (!/^[\x21-\x7e]{16,512}$/.test(token)) {
          ctx.addIssue({
            code: 'custom',
            message: `token ${i + 1} of ${tokens.length}: expected 16-512 printable characters without spaces`,
          });
        }
      });
      return tokens.map((t) => new Secret(t));
    }),
);

export const ingressAuthSchema = z
  .object({
    INGRESS_AUTH_TOKENS: bearerTokens,
    /** Serve the non-webhook routes without auth: local use only, never where the internet reaches. */
    INGRESS_INSECURE_NO_AUTH: bool(false),
  })
  .superRefine((auth, ctx) => {
    if (auth.INGRESS_AUTH_TOKENS.length === 0 && !auth.INGRESS_INSECURE_NO_AUTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['INGRESS_AUTH_TOKENS'],
        message:
          'required: comma-separated bearer tokens for POST /onboarding-events and /profiles/:profileId/async-request (or INGRESS_INSECURE_NO_AUTH=true, local use only)',
      });
    }
  });

export const attestrSchema = z.object({
  ATTESTR_BASE_URL: url('the Attestr API base URL', 'https://api.attestr.com'),
  ATTESTR_API_VERSION: z.preprocess(
    (v) => (v === '' || v === undefined ? 'v1' : v),
    z.string().regex(/^v\d+$/, { error: 'expected an Attestr API version such as v1, v2 or v3' }),
  ),
  ATTESTR_AUTH_TOKEN: secret('the Attestr Basic auth token issued by the Attestr dashboard'),
  ATTESTR_TASK_QUEUE: z.preprocess((v) => (v === '' || v === undefined ? 'attestr' : v), z.string().min(1)),
  ATTESTR_MAX_ACTIVITIES_PER_SECOND: positiveNumber(5),
  /** Attestr does not document when daily limits (4293/4294) reset: wait this long before trying again. */
  ATTESTR_DAILY_LIMIT_RETRY_DELAY: durationMs('1 hour'),
  /** Low credit balance (4005) needs a person to top up: retry this rarely until told to resume. */
  ATTESTR_LOW_CREDITS_RETRY_DELAY: durationMs('1 hour'),
});

export const httpSchema = z.object({
  VENDOR_CONNECT_TIMEOUT: durationMs('5s'),
  VENDOR_HEADERS_TIMEOUT: durationMs('15s'),
  VENDOR_BODY_TIMEOUT: durationMs('15s'),
  /** Upper bound on a vendor's `Retry-After`, so one bad header cannot park a check for days. */
  VENDOR_RETRY_AFTER_CAP: durationMs('1 hour'),
});

export const processSchema = z.object({
  LOG_LEVEL: z.preprocess(
    (v) => (v === '' || v === undefined ? 'info' : v),
    z.enum(['trace', 'debug', 'info', 'warn', 'error'], { error: 'expected trace, debug, info, warn or error' }),
  ),
  INGRESS_PORT: port(8080),
  METRICS_PORT: port(9464),
  /** The Temporal UI of `npm run dev` and `npm run ui` (8233, like the Temporal CLI's dev server). */
  TEMPORAL_UI_PORT: port(8233),
});

/** `k1=v1,k2=v2` (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS), values percent-decoded. */
function keyValueList(what: string) {
  return z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        const out: Record<string, string> = {};
        for (const item of (v ?? '').split(',').filter((i) => i.trim() !== '')) {
          const at = item.indexOf('=');
          const key = item.slice(0, at).trim();
          let value: string | undefined;
          try {
            value = at > 0 ? decodeURIComponent(item.slice(at + 1).trim()) : undefined;
          } catch {
            value = undefined;
          }
          if (key === '' || value === undefined) {
            ctx.addIssue({ code: 'custom', message: `expected ${what} as key=value pairs separated by commas` });
            return z.NEVER;
          }
          out[key] = value;
        }
        return out;
      }),
  );
}

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * OpenTelemetry, configured with the standard variables. Tracing is off unless an OTLP endpoint
 * is set (or a process passes its own exporter, as `npm run dev` and the tests do).
 * Only the HTTP protocols are supported: `grpc` is refused by name rather than ignored.
 */
export const telemetrySchema = z.object({
  OTEL_SDK_DISABLED: bool(false),
  /** Base URL of an OTLP/HTTP receiver (a collector); `/v1/traces` is appended. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), url('the OTLP endpoint').optional()),
  /** The full traces URL, used as is (overrides the one above for traces). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    url('the OTLP traces endpoint').optional(),
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(
    (v) => (v === '' || v === undefined ? 'http/protobuf' : v),
    z.enum(['http/protobuf', 'http/json'], { error: 'expected http/protobuf or http/json (grpc is not supported)' }),
  ),
  /** Headers sent with each export, e.g. an API key of a hosted backend (secret: never logged). */
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList('headers'),
  OTEL_SERVICE_NAME: optionalString,
  OTEL_RESOURCE_ATTRIBUTES: keyValueList('resource attributes'),
  OTEL_TRACES_SAMPLER: z.preprocess(
    (v) => (v === '' || v === undefined ? 'parentbased_always_on' : v),
    z.enum(TRACES_SAMPLERS, { error: `expected one of ${TRACES_SAMPLERS.join(', ')}` }),
  ),
  /** The ratio of the `*traceidratio` samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    z
      .number({ error: 'expected a ratio between 0 and 1' })
      .min(0)
      .max(1, { error: 'expected a ratio between 0 and 1' })
      .optional(),
  ),
});

export const codecSchema = z.object({
  /**
   * Payload encryption keys, `id:base64key` comma-separated, newest first (the newest encrypts,
   * the others only decrypt older payloads). Unset means payloads are stored in clear: dev only.
   */
  PAYLOAD_CODEC_KEYS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        try {
          return parseKeyRing(v);
        } catch (error) {
          if (!(error instanceof KeyRingError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
          return z.NEVER;
        }
      }),
  ),
});

export const codecServerSchema = codecSchema.extend({
  /** Loopback by default; any other address needs CODEC_SERVER_AUTH_TOKEN (the server refuses to start without). */
  CODEC_SERVER_HOST: z.preprocess((v) => (v === '' || v === undefined ? '127.0.0.1' : v), z.string().min(1)),
  CODEC_SERVER_PORT: port(8888),
  /** Origins allowed to call the codec server from a browser: the Temporal UI's, comma-separated. */
  CODEC_SERVER_CORS_ORIGINS: z.preprocess(
    (v) => (v === '' || v === undefined ? 'http://localhost:8233,http://127.0.0.1:8233,http://localhost:8080' : v),
    z.string().transform((v) =>
      v
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter((o) => o !== ''),
    ),
  ),
  /** A static bearer token callers may present (the CLI's `--codec-auth`, scripts). */
  CODEC_SERVER_AUTH_TOKEN: optionalSecret('the bearer token callers of the codec server present'),
  /** OIDC issuer whose access tokens the codec server accepts (the UI forwards the user's). */
  CODEC_SERVER_OIDC_ISSUER: z.preprocess((v) => (v === '' ? undefined : v), url('the OIDC issuer URL').optional()),
  CODEC_SERVER_OIDC_AUDIENCE: optionalString,
  /** Default: the issuer's discovery document's `jwks_uri`. */
  CODEC_SERVER_OIDC_JWKS_URL: z.preprocess((v) => (v === '' ? undefined : v), url('the JWKS URL').optional()),
  /** Serve without any auth on a non-loopback address: only behind a port reachable from this machine alone. */
  CODEC_SERVER_INSECURE_NO_AUTH: bool(false),
});

function parse<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}

export type TemporalConfig = z.infer<typeof temporalSchema>;
export type PercentConfig = z.infer<typeof percentSchema>;
export type PercentWebhookConfig = z.infer<typeof percentWebhookSchema>;
export type IngressAuthConfig = z.infer<typeof ingressAuthSchema>;
export type AttestrConfig = z.infer<typeof attestrSchema>;
export type HttpConfig = z.infer<typeof httpSchema>;
export type ProcessConfig = z.infer<typeof processSchema>;
export type CodecConfig = z.infer<typeof codecSchema>;
export type TelemetryConfig = z.infer<typeof telemetrySchema>;
export type CodecServerConfig = z.infer<typeof codecServerSchema>;

export const loadTemporalConfig = (env: Env = process.env): TemporalConfig => parse(temporalSchema, env);
export const loadPercentConfig = (env: Env = process.env): PercentConfig => parse(percentSchema, env);
export const loadPercentWebhookConfig = (env: Env = process.env): PercentWebhookConfig =>
  parse(percentWebhookSchema, env);
export const loadAttestrConfig = (env: Env = process.env): AttestrConfig => parse(attestrSchema, env);
export const loadHttpConfig = (env: Env = process.env): HttpConfig => parse(httpSchema, env);
export const loadProcessConfig = (env: Env = process.env): ProcessConfig => parse(processSchema, env);
export const loadIngressAuthConfig = (env: Env = process.env): IngressAuthConfig => parse(ingressAuthSchema, env);
export const loadTelemetryConfig = (env: Env = process.env): TelemetryConfig => parse(telemetrySchema, env);
export const loadCodecConfig = (env: Env = process.env): CodecConfig => parse(codecSchema, env);
export const loadCodecServerConfig = (env: Env = process.env): CodecServerConfig => parse(codecServerSchema, env);

/** Everything the worker needs: all problems are reported at once, not one per restart. */
export function loadWorkerConfig(env: Env = process.env) {
  const schema = temporalSchema
    .extend(percentSchema.shape)
    .extend(attestrSchema.shape)
    .extend(httpSchema.shape)
    .extend(processSchema.shape)
    .extend(telemetrySchema.shape);
  return parse(schema, env);
}
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

/** What the vendor activities need (PERCENT_*, ATTESTR_*, VENDOR_*), all problems at once. */
export function loadActivitiesConfig(env: Env = process.env) {
  return parse(percentSchema.extend(attestrSchema.shape).extend(httpSchema.shape), env);
}

/** Everything the ingress process needs, with all problems reported at once as for the worker. */
export function loadIngressConfig(env: Env = process.env) {
  const base = temporalSchema
    .extend(percentWebhookSchema.shape)
    .extend(processSchema.shape)
    .extend(telemetrySchema.shape);
  // Parsed side by side (the auth schema has a cross-field rule), problems joined.
  const problems: string[] = [];
  const collect = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const config = collect(() => parse(base, env));
  const auth = collect(() => parse(ingressAuthSchema, env));
  if (!config || !auth) throw new ConfigError(problems);
  return { ...config, ...auth };
}
export type IngressProcessConfig = ReturnType<typeof loadIngressConfig>;
