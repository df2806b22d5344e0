import { inspect } from 'node:util';
import {
  ConfigError,
  loadAttestrConfig,
  loadHttpConfig,
  loadPercentConfig,
  loadPercentWebhookConfig,
  loadTelemetryConfig,
  loadTemporalConfig,
  loadWorkerConfig,
} from '../src/config';

const PERCENT_KEY = 'sk_live_super_secret_4711';
const ATTESTR_TOKEN = 'YXR0ZXN0cjpzZWNyZXQtdG9rZW4tMDgxNQ==';
const WEBHOOK_SECRET = 'whsec_do_not_print_me';
const TEMPORAL_API_KEY = 'temporal-cloud-key-secret';

const env = {
  PERCENT_API_KEY: PERCENT_KEY,
  ATTESTR_AUTH_TOKEN: ATTESTR_TOKEN,
  PERCENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  TEMPORAL_API_KEY,
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const everyRendering = (value: unknown) =>
  [String(value), JSON.stringify(value), inspect(value, { depth: 10 }), `${inspect(value)}`].join('\n');

describe('configuration', () => {
  it('applies documented defaults', () => {
    const config = loadWorkerConfig(env);
    expect(config).toMatchObject({
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'background-checks',
      PERCENT_BASE_URL: 'https://api.goodstack.io',
      ATTESTR_BASE_URL: 'https://api.attestr.com',
      ATTESTR_API_VERSION: 'v1',
      VENDOR_CONNECT_TIMEOUT: 5_000,
      VENDOR_RETRY_AFTER_CAP: 3_600_000,
      ATTESTR_DAILY_LIMIT_RETRY_DELAY: 3_600_000,
    });
  });

  it('reads durations, trims trailing slashes of base URLs and treats empty as unset', () => {
    const http = loadHttpConfig({
      VENDOR_CONNECT_TIMEOUT: '250',
      VENDOR_HEADERS_TIMEOUT: '30s',
      VENDOR_BODY_TIMEOUT: '',
    });
    expect(http).toMatchObject({
      VENDOR_CONNECT_TIMEOUT: 250,
      VENDOR_HEADERS_TIMEOUT: 30_000,
      VENDOR_BODY_TIMEOUT: 15_000,
    });
    const attestr = loadAttestrConfig({
      ...env,
      ATTESTR_BASE_URL: 'http://127.0.0.1:4000/',
      ATTESTR_DAILY_LIMIT_RETRY_DELAY: '6 hours',
    });
    expect(attestr.ATTESTR_BASE_URL).toBe('http://127.0.0.1:4000');
    expect(attestr.ATTESTR_DAILY_LIMIT_RETRY_DELAY).toBe(6 * 3_600_000);
  });

  it.each([
    ['PERCENT_API_KEY', undefined, /PERCENT_API_KEY: required/],
    ['PERCENT_API_KEY', 'pk_live_publishable', /PERCENT_API_KEY: expected a Percent secret key/],
    ['ATTESTR_AUTH_TOKEN', '', /ATTESTR_AUTH_TOKEN: required/],
    ['PERCENT_BASE_URL', 'api.goodstack.io', /PERCENT_BASE_URL: expected .*http or https URL/],
    ['ATTESTR_API_VERSION', 'version1', /ATTESTR_API_VERSION: expected an Attestr API version/],
    ['VENDOR_RETRY_AFTER_CAP', 'a while', /VENDOR_RETRY_AFTER_CAP: expected a duration/],
    ['PERCENT_MAX_ACTIVITIES_PER_SECOND', '-1', /PERCENT_MAX_ACTIVITIES_PER_SECOND: expected a positive number/],
    ['INGRESS_PORT', '70000', /INGRESS_PORT: expected a TCP port/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: expected trace, debug/],
  ])('names %s when it is %p', (name, value, message) => {
    expect(configError(() => loadWorkerConfig({ ...env, [name]: value })).message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const err = configError(() => loadWorkerConfig({ ATTESTR_API_VERSION: 'latest' }));
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ATTESTR_API_VERSION',
      'ATTESTR_AUTH_TOKEN',
      'PERCENT_API_KEY',
    ]);
  });

  it('never shows a secret in an error, even a malformed one', () => {
    const badKey = 'pk_live_publishable_but_secret_9931';
    const err = configError(() => loadPercentConfig({ PERCENT_API_KEY: badKey }));
    expect(everyRendering(err) + err.problems.join()).not.toContain(badKey);
  });

  it('never shows a secret when the config is printed, serialised or inspected', () => {
    const configs = [
      loadWorkerConfig(env),
      loadPercentConfig(env),
      loadAttestrConfig(env),
      loadPercentWebhookConfig(env),
      loadTemporalConfig(env),
    ];
    for (const config of configs) {
      const text = everyRendering(config) + everyRendering(Object.values(config));
      for (const secret of [PERCENT_KEY, ATTESTR_TOKEN, WEBHOOK_SECRET, TEMPORAL_API_KEY])
        expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
    }
    expect(loadPercentConfig(env).PERCENT_API_KEY.reveal()).toBe(PERCENT_KEY);
  });
});

describe('OpenTelemetry variables', () => {
  it('is off by default and takes both HTTP protocols', () => {
    const config = loadTelemetryConfig({});
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config).toMatchObject({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).OTEL_EXPORTER_OTLP_PROTOCOL).toBe(
      'http/json',
    );
  });

  it('names each bad variable', () => {
    expect(() =>
      loadTelemetryConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '2',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key',
      }),
    ).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT[\s\S]*OTEL_EXPORTER_OTLP_PROTOCOL: expected http\/protobuf or http\/json[\s\S]*OTEL_EXPORTER_OTLP_HEADERS[\s\S]*OTEL_TRACES_SAMPLER[\s\S]*OTEL_TRACES_SAMPLER_ARG/,
    );
  });
});
