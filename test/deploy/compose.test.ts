/**
 * docker-compose.yml, checked statically (no Docker engine here): the services, the opt-in
 * simulators, ports, start order, and above all that the app services' environment is what
 * src/config.ts reads, with every secret coming from the environment.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  attestrSchema,
  codecServerSchema,
  httpSchema,
  ingressAuthSchema,
  loadCodecConfig,
  loadCodecServerConfig,
  loadIngressConfig,
  loadPercentWebhookConfig,
  loadProcessConfig,
  loadTemporalConfig,
  loadWorkerConfig,
  percentSchema,
  percentWebhookSchema,
  processSchema,
  telemetrySchema,
  temporalSchema,
} from '../../src/config';
import { startCodecServerFromEnv } from '../../src/codec-server/start';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions';
import { ROOT, environmentOf, interpolate, interpolations, parsePort, readCompose } from './compose-file';

const compose = readCompose();
const { services } = compose;
const APP_SERVICES = ['worker', 'ingress', 'codec-server', 'simulators'];

/** Values for the variables compose requires (`${NAME:?}`, `${NAME?}`): what an operator puts in .env. */
const OPERATOR_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: 'pg-password',
  PAYLOAD_CODEC_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  OIDC_ISSUER_URL: 'https://login.example.org/realms/ops',
  OIDC_CLIENT_ID: 'temporal-ui',
  OIDC_CLIENT_SECRET: 'oidc-client-secret',
  CODEC_SERVER_AUTH_TOKEN: 'codec-token',
  PERCENT_API_KEY: 'sk_live_example',
  PERCENT_WEBHOOK_SECRET: 'webhook-secret',
  ATTESTR_AUTH_TOKEN: 'attestr-token',
  INGRESS_AUTH_TOKENS: 'crm-token-0123456789abcdef,ops-token-0123456789abcdef',
  GRAFANA_ADMIN_PASSWORD: 'grafana-password',
};

/** The documented local mode (deploy/README.md): no identity provider, no sign-in, loopback only. */
const LOCAL_ENV: Record<string, string> = {
  ...OPERATOR_ENV,
  TEMPORAL_UI_AUTH_ENABLED: 'false',
  CODEC_SERVER_INSECURE_NO_AUTH: 'true',
  OIDC_ISSUER_URL: '',
  OIDC_CLIENT_ID: '',
  OIDC_CLIENT_SECRET: '',
  CODEC_SERVER_AUTH_TOKEN: '',
};

const resolvedEnv = (service: string, vars: Record<string, string> = OPERATOR_ENV) =>
  Object.fromEntries(Object.entries(environmentOf(services[service])).map(([k, v]) => [k, interpolate(v, vars)]));

/** Starts the codec server as its container would (all interfaces), on a free port, then stops it. */
async function codecServerStarts(env: Record<string, string>): Promise<void> {
  const { server } = await startCodecServerFromEnv({ ...env, CODEC_SERVER_PORT: '0' });
  await server.close();
}

/** The Temporal UI server's environment variables (docs.temporal.io, Web UI environment variables reference). */
const UI_VARIABLES = new Set([
  'TEMPORAL_ADDRESS',
  'TEMPORAL_DEFAULT_NAMESPACE',
  'TEMPORAL_CORS_ORIGINS',
  'TEMPORAL_AUTH_ENABLED',
  'TEMPORAL_AUTH_TYPE',
  'TEMPORAL_AUTH_PROVIDER_URL',
  'TEMPORAL_AUTH_ISSUER_URL',
  'TEMPORAL_AUTH_CLIENT_ID',
  'TEMPORAL_AUTH_CLIENT_SECRET',
  'TEMPORAL_AUTH_CALLBACK_URL',
  'TEMPORAL_AUTH_SCOPES',
  'TEMPORAL_CODEC_ENDPOINT',
  'TEMPORAL_CODEC_PASS_ACCESS_TOKEN',
  'TEMPORAL_CODEC_INCLUDE_CREDENTIALS',
]);

const CONFIG_VARIABLES = new Set(
  [
    temporalSchema,
    percentSchema,
    percentWebhookSchema,
    ingressAuthSchema,
    attestrSchema,
    httpSchema,
    processSchema,
    telemetrySchema,
    codecServerSchema,
  ].flatMap((schema) => Object.keys(schema.shape)),
);

/** The simulators are configured by their own CLI (src/simulators/main.ts): the names it reads. */
const SIMULATOR_VARIABLES = new Set(
  [...readFileSync(path.join(ROOT, 'src/simulators/main.ts'), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map(
    (m) => m[1],
  ),
);

describe('docker-compose.yml', () => {
  it('declares the Temporal stack, the UI, the codec server, the worker, the ingress, the simulators and the observability stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'codec-server',
        'worker',
        'ingress',
        'simulators',
        'otel-collector',
        'jaeger',
        'prometheus',
        'grafana',
      ].sort(),
    );
    expect(services.temporal.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services.postgresql.image).toMatch(/^postgres:/);
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['grafana-data', 'postgres-data', 'prometheus-data']);
  });

  it('keeps the simulators behind the opt-in profile and everything else on by default', () => {
    expect(services.simulators.profiles).toEqual(['simulators']);
    const profiled = Object.entries(services).filter(([, s]) => s.profiles !== undefined);
    expect(profiled.map(([name]) => name)).toEqual(['simulators']);
  });

  it('builds the app services from the Dockerfile and runs compiled entry points that exist', () => {
    for (const name of APP_SERVICES) {
      const service = services[name];
      expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      const [node, entry] = service.command ?? [];
      expect(node).toBe('node');
      const source = entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
      expect({ name, exists: existsSync(path.join(ROOT, source)) }).toEqual({ name, exists: true });
    }
  });

  it('sets on the app services only variables the config schemas declare', () => {
    for (const name of ['worker', 'ingress', 'codec-server']) {
      const unknown = Object.keys(environmentOf(services[name])).filter((v) => !CONFIG_VARIABLES.has(v));
      expect({ name, unknown }).toEqual({ name, unknown: [] });
    }
    expect(SIMULATOR_VARIABLES.size).toBeGreaterThan(3);
    const unknown = Object.keys(environmentOf(services.simulators)).filter((v) => !SIMULATOR_VARIABLES.has(v));
    expect(unknown).toEqual([]);
    const unknownToUi = Object.keys(environmentOf(services['temporal-ui'])).filter((v) => !UI_VARIABLES.has(v));
    expect(unknownToUi).toEqual([]);
  });

  it('gives each app service an environment its configuration loads from', () => {
    const worker = resolvedEnv('worker');
    expect(loadWorkerConfig(worker)).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', METRICS_PORT: 9464 });
    expect(loadCodecConfig(worker).PAYLOAD_CODEC_KEYS?.ids).toEqual(['k1']);

    const ingress = resolvedEnv('ingress');
    expect(loadTemporalConfig(ingress).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(loadPercentWebhookConfig(ingress).PERCENT_WEBHOOK_SECRET.reveal()).toBe('webhook-secret');
    expect(loadProcessConfig(ingress).INGRESS_PORT).toBe(8080);
    expect(loadIngressConfig(ingress).INGRESS_AUTH_TOKENS.map((t) => t.reveal())).toEqual([
      'crm-token-0123456789abcdef',
      'ops-token-0123456789abcdef',
    ]);
    expect(loadCodecConfig(ingress).PAYLOAD_CODEC_KEYS?.ids).toEqual(['k1']);

    const codec = loadCodecServerConfig(resolvedEnv('codec-server'));
    expect(codec.CODEC_SERVER_AUTH_TOKEN?.reveal()).toBe('codec-token');
    expect(codec.CODEC_SERVER_OIDC_ISSUER).toBe('https://login.example.org/realms/ops');
    expect(codec.CODEC_SERVER_INSECURE_NO_AUTH).toBe(false);
    // Worker, ingress and codec server must share one key list, or payloads cannot be read.
    expect(
      new Set(['worker', 'ingress', 'codec-server'].map((s) => environmentOf(services[s]).PAYLOAD_CODEC_KEYS)).size,
    ).toBe(1);
  });

  it('takes every secret from the environment, required (or explicitly empty) and without a default', () => {
    // TEMPORAL_CODEC_PASS_ACCESS_TOKEN is a switch (forward the user's token), not a token.
    const secretName = /(KEY|KEYS|SECRET|(?<!_PASS_ACCESS_)TOKENS?|PASSWORD|PWD)$/;
    const checked: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(environmentOf(service))) {
        if (!secretName.test(variable)) continue;
        checked.push(`${name}.${variable}`);
        const used = interpolations(value);
        expect({ at: `${name}.${variable}`, value }).toEqual({
          at: `${name}.${variable}`,
          value: expect.stringMatching(/^\$\{[A-Z_]+:?\?[^}]*\}$/),
        });
        expect(used).toEqual([expect.objectContaining({ kind: expect.stringMatching(/^(required|present)$/) })]);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'worker.PERCENT_API_KEY',
        'worker.ATTESTR_AUTH_TOKEN',
        'worker.PAYLOAD_CODEC_KEYS',
        'ingress.PERCENT_WEBHOOK_SECRET',
        'ingress.INGRESS_AUTH_TOKENS',
        'codec-server.CODEC_SERVER_AUTH_TOKEN',
        'temporal-ui.TEMPORAL_AUTH_CLIENT_SECRET',
        'temporal.POSTGRES_PWD',
        'grafana.GF_SECURITY_ADMIN_PASSWORD',
      ]),
    );
    // Unset, compose refuses to start instead of running with an empty key.
    expect(() => interpolate(environmentOf(services.worker).PERCENT_API_KEY, {})).toThrow(
      'required variable PERCENT_API_KEY is not set',
    );
    // Only secrets the local mode does without may be empty, and they must still be in .env.
    const mayBeEmpty = checked.filter((at) => {
      const [name, variable] = at.split(/\.(?=[A-Z])/);
      return interpolations(environmentOf(services[name])[variable]).some((i) => i.kind === 'present');
    });
    expect(mayBeEmpty.sort()).toEqual([
      'codec-server.CODEC_SERVER_AUTH_TOKEN',
      'temporal-ui.TEMPORAL_AUTH_CLIENT_SECRET',
    ]);
    expect(() => interpolate(environmentOf(services['temporal-ui']).TEMPORAL_AUTH_CLIENT_SECRET, {})).toThrow(
      'required variable OIDC_CLIENT_SECRET is not set',
    );
  });

  it('publishes the expected ports, unique, with the sensitive ones on loopback only', () => {
    const published = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? []).map((spec) => ({ name, ...parsePort(spec) })),
    );
    const find = (name: string) =>
      published.filter((p) => p.name === name).map(({ ip, host, container }) => ({ ip, host, container }));
    expect(find('temporal')).toEqual([{ ip: '127.0.0.1', host: 7233, container: 7233 }]);
    expect(find('temporal-ui')).toEqual([{ ip: '127.0.0.1', host: 8233, container: 8080 }]);
    expect(find('codec-server')).toEqual([{ ip: '127.0.0.1', host: 8888, container: 8888 }]);
    expect(find('worker')).toEqual([{ ip: '127.0.0.1', host: 9464, container: 9464 }]);
    expect(find('ingress')).toEqual([{ ip: undefined, host: 8080, container: 8080 }]);
    expect(find('simulators')).toEqual([{ ip: '127.0.0.1', host: 8090, container: 8090 }]);
    expect(find('jaeger')).toEqual([{ ip: '127.0.0.1', host: 16686, container: 16686 }]);
    expect(find('prometheus')).toEqual([{ ip: '127.0.0.1', host: 9090, container: 9090 }]);
    expect(find('grafana')).toEqual([{ ip: '127.0.0.1', host: 3000, container: 3000 }]);
    // The collector is reached inside the compose network only; so is the ingress's /metrics.
    expect(find('otel-collector')).toEqual([]);
    expect(new Set(published.map((p) => p.host)).size).toBe(published.length);
    expect(find('postgresql')).toEqual([]);
  });

  describe('the UI and the codec server', () => {
    it('sign in through OIDC by default: the UI forwards the access token, the codec server checks it against the same provider and client', async () => {
      const ui = resolvedEnv('temporal-ui');
      expect(ui).toMatchObject({
        TEMPORAL_AUTH_ENABLED: 'true',
        TEMPORAL_AUTH_TYPE: 'oidc',
        TEMPORAL_CODEC_PASS_ACCESS_TOKEN: 'true',
        TEMPORAL_AUTH_CLIENT_SECRET: 'oidc-client-secret',
      });
      const codec = loadCodecServerConfig(resolvedEnv('codec-server'));
      expect(codec.CODEC_SERVER_OIDC_ISSUER).toBe(ui.TEMPORAL_AUTH_PROVIDER_URL);
      expect(codec.CODEC_SERVER_OIDC_AUDIENCE).toBe(ui.TEMPORAL_AUTH_CLIENT_ID);
      expect(codec.CODEC_SERVER_INSECURE_NO_AUTH).toBe(false);
      await expect(codecServerStarts(resolvedEnv('codec-server'))).resolves.toBeUndefined();
      // OIDC alone (no static token for the CLI) is enough for the codec server.
      await expect(
        codecServerStarts(resolvedEnv('codec-server', { ...OPERATOR_ENV, CODEC_SERVER_AUTH_TOKEN: '' })),
      ).resolves.toBeUndefined();
    });

    it('pass the access token exactly when sign-in is on, whatever .env says', () => {
      for (const enabled of ['true', 'false']) {
        const ui = resolvedEnv('temporal-ui', { ...OPERATOR_ENV, TEMPORAL_UI_AUTH_ENABLED: enabled });
        expect(ui.TEMPORAL_CODEC_PASS_ACCESS_TOKEN).toBe(ui.TEMPORAL_AUTH_ENABLED);
        expect(ui.TEMPORAL_AUTH_ENABLED).toBe(enabled);
      }
    });

    it('run in the documented local mode without an identity provider, on loopback ports only', async () => {
      const ui = resolvedEnv('temporal-ui', LOCAL_ENV);
      expect(ui).toMatchObject({ TEMPORAL_AUTH_ENABLED: 'false', TEMPORAL_CODEC_PASS_ACCESS_TOKEN: 'false' });
      const codecEnv = resolvedEnv('codec-server', LOCAL_ENV);
      const codec = loadCodecServerConfig(codecEnv);
      expect(codec).toMatchObject({ CODEC_SERVER_INSECURE_NO_AUTH: true, CODEC_SERVER_HOST: '0.0.0.0' });
      expect(codec.CODEC_SERVER_OIDC_ISSUER).toBeUndefined();
      expect(codec.CODEC_SERVER_AUTH_TOKEN).toBeUndefined();
      await expect(codecServerStarts(codecEnv)).resolves.toBeUndefined();
      for (const name of ['temporal-ui', 'codec-server']) {
        expect(services[name].ports!.map((p) => parsePort(p).ip)).toEqual(['127.0.0.1']);
      }
    });

    it('never fall back to no auth silently: without sign-in and without the explicit flag the codec server refuses to start', async () => {
      const { CODEC_SERVER_INSECURE_NO_AUTH: _explicit, ...forgotten } = LOCAL_ENV;
      const codecEnv = resolvedEnv('codec-server', forgotten);
      expect(codecEnv.CODEC_SERVER_INSECURE_NO_AUTH).toBe('false');
      await expect(codecServerStarts(codecEnv)).rejects.toThrow(/CODEC_SERVER_OIDC_ISSUER: required/);
      // The OIDC settings must be written in .env (empty only in local mode), not forgotten.
      const { OIDC_ISSUER_URL: _issuer, ...noIssuer } = OPERATOR_ENV;
      expect(() => resolvedEnv('codec-server', noIssuer)).toThrow('required variable OIDC_ISSUER_URL is not set');
      expect(() => resolvedEnv('temporal-ui', noIssuer)).toThrow('required variable OIDC_ISSUER_URL is not set');
    });

    it('agree on addresses: the codec endpoint is its published port, the UI origin is allowed by CORS and is the OIDC callback', () => {
      const check = (vars: Record<string, string>, uiOrigin: string, codecOrigin: string) => {
        const ui = resolvedEnv('temporal-ui', vars);
        const codec = loadCodecServerConfig(resolvedEnv('codec-server', vars));
        expect(new URL(ui.TEMPORAL_CODEC_ENDPOINT).origin).toBe(codecOrigin);
        expect(codec.CODEC_SERVER_CORS_ORIGINS).toEqual([uiOrigin]);
        expect(ui.TEMPORAL_CORS_ORIGINS).toBe(uiOrigin);
        expect(new URL(ui.TEMPORAL_AUTH_CALLBACK_URL).origin).toBe(uiOrigin);
        expect(new URL(ui.TEMPORAL_AUTH_CALLBACK_URL).pathname).toBe('/auth/sso/callback');
      };
      // Defaults: the browser reaches both through their loopback-published ports.
      const uiPort = parsePort(services['temporal-ui'].ports![0]).host;
      const codecPort = parsePort(services['codec-server'].ports![0]).host;
      check(OPERATOR_ENV, `http://localhost:${uiPort}`, `http://localhost:${codecPort}`);
      // Behind a reverse proxy: the public URLs from .env.
      check(
        {
          ...OPERATOR_ENV,
          TEMPORAL_UI_PUBLIC_URL: 'https://temporal.example.org',
          CODEC_SERVER_PUBLIC_URL: 'https://codec.example.org',
        },
        'https://temporal.example.org',
        'https://codec.example.org',
      );
      expect(environmentOf(services['temporal-ui']).TEMPORAL_ADDRESS).toBe('temporal:7233');
    });
  });

  it('starts in order: database, schema, server, namespace setup, then the app', () => {
    const dependsOn = (name: string) => services[name].depends_on as Record<string, { condition: string }>;
    expect(dependsOn('temporal-schema')).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(dependsOn('temporal')).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(dependsOn('temporal-setup')).toEqual({ temporal: { condition: 'service_healthy' } });
    for (const app of ['worker', 'ingress']) {
      expect(dependsOn(app)).toEqual({ 'temporal-setup': { condition: 'service_completed_successfully' } });
    }
    expect(dependsOn('simulators')).toEqual({ ingress: { condition: 'service_healthy' } });

    // Every dependency exists, needs a health check when waited on healthy, and there is no cycle.
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string) => {
      expect(services).toHaveProperty([name]);
      if (done.has(name)) return;
      expect(visiting.has(name)).toBe(false);
      visiting.add(name);
      for (const [dep, { condition }] of Object.entries(dependsOn(name) ?? {})) {
        if (condition === 'service_healthy')
          expect({ dep, healthcheck: 'healthcheck' in services[dep] }).toEqual({ dep, healthcheck: true });
        visit(dep);
      }
      visiting.delete(name);
      done.add(name);
    };
    Object.keys(services).forEach(visit);
  });

  it('registers exactly the lifecycle search attributes in the setup job', () => {
    const pairs = environmentOf(services['temporal-setup']).SEARCH_ATTRIBUTES.trim().split(/\s+/);
    expect(Object.fromEntries(pairs.map((p) => p.split('=')))).toEqual(SEARCH_ATTRIBUTE_TYPES);
  });

  it('runs setup scripts that exist in deploy/ and are executable', () => {
    for (const name of ['temporal-schema', 'temporal-setup']) {
      const service = services[name];
      const mount = (service.volumes ?? []).map((v) => v.split(':')).find(([, target]) => target === '/deploy');
      expect(mount?.[0]).toBe('./deploy/temporal');
      const script = service.entrypoint!.at(-1)!.replace(/^\/deploy\//, 'deploy/temporal/');
      expect(() => accessSync(path.join(ROOT, script), constants.X_OK)).not.toThrow();
    }
    const dynamicConfig = environmentOf(services.temporal).DYNAMIC_CONFIG_FILE_PATH.split('/').at(-1)!;
    expect(existsSync(path.join(ROOT, 'deploy/temporal/dynamicconfig', dynamicConfig))).toBe(true);
  });
});
