/**
 * The observability services of docker-compose.yml, checked statically (no Docker engine here):
 * the collector receives the app's OTLP and exports to Jaeger, Prometheus scrapes services and
 * ports that exist, Grafana's provisioning parses and points at them, and each dashboard query
 * is valid PromQL. That every metric a panel queries is exported is checked against a real
 * scrape in test/telemetry/metrics.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadIngressConfig, loadProcessConfig, loadTelemetryConfig, loadWorkerConfig } from '../../src/config';
import { tracesUrl } from '../../src/telemetry/tracing';
import { ROOT, environmentOf, interpolate, parsePort, readCompose, type ComposeService } from './compose-file';
import { dashboardQueries, GRAFANA_DASHBOARDS, promqlRefs, readYaml } from './observability-files';

const { services } = readCompose();
/** What an operator puts in .env (the required variables of the services read here). */
const OPERATOR_ENV: Record<string, string> = {
  PAYLOAD_CODEC_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  PERCENT_API_KEY: 'sk_live_example',
  PERCENT_WEBHOOK_SECRET: 'webhook-secret',
  ATTESTR_AUTH_TOKEN: 'attestr-token',
  INGRESS_AUTH_TOKENS: 'crm-token-0123456789abcdef',
  GRAFANA_ADMIN_PASSWORD: 'grafana-password',
};
const resolvedEnv = (name: string, vars: Record<string, string> = OPERATOR_ENV) =>
  Object.fromEntries(Object.entries(environmentOf(services[name])).map(([k, v]) => [k, interpolate(v, vars)]));

/** `./deploy/x:/etc/y:ro` volumes of a service as { source (repo-relative), target }. */
const mounts = (service: ComposeService) =>
  (service.volumes ?? []).map((v) => {
    const [source, target] = v.split(':');
    return { source, target };
  });
/** The repository file mounted at `target` in the service. */
function mountedFile(service: ComposeService, target: string): string {
  const mount = mounts(service).find((m) => m.target === target);
  if (!mount) throw new Error(`nothing mounted at ${target}`);
  return mount.source.replace(/^\.\//, '');
}

const hostPort = (endpoint: string) => {
  const url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  return { host: url.hostname, port: Number(url.port) };
};

interface CollectorConfig {
  receivers: Record<string, { protocols?: Record<string, { endpoint?: string }> }>;
  processors?: Record<string, unknown>;
  exporters: Record<string, { endpoint?: string; tls?: { insecure?: boolean } }>;
  extensions?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
  };
}

describe('observability in docker-compose.yml', () => {
  it('pins each observability image to an exact version', () => {
    for (const name of ['otel-collector', 'jaeger', 'prometheus', 'grafana']) {
      expect({ name, image: services[name].image }).toEqual({
        name,
        image: expect.stringMatching(/^[a-z0-9/._-]+:v?\d+\.\d+\.\d+$/),
      });
    }
    expect(services.jaeger.image).toMatch(/^jaegertracing\/jaeger:2\./); // v2 receives OTLP itself
  });

  describe('the OpenTelemetry collector (deploy/otel-collector.yaml)', () => {
    const collector = services['otel-collector'];
    const configFile = mountedFile(
      collector,
      (collector.command ?? []).find((a) => a.startsWith('--config='))!.slice('--config='.length),
    );
    const config = readYaml(configFile) as CollectorConfig;

    it('is the committed config, mounted where the command reads it', () => {
      expect(configFile).toBe('deploy/otel-collector.yaml');
    });

    it('runs a traces pipeline from the OTLP receiver to Jaeger, every component of it defined', () => {
      const { traces } = config.service.pipelines;
      expect(traces.receivers).toEqual(['otlp']);
      for (const processor of traces.processors ?? []) expect(config.processors).toHaveProperty([processor]);
      for (const extension of config.service.extensions ?? []) expect(config.extensions).toHaveProperty([extension]);
      const toJaeger = traces.exporters.map((name) => ({ name, ...config.exporters[name] }));
      // Collector component ids are `type[/name]`: the OTLP (gRPC) exporter, to Jaeger's OTLP port.
      expect(toJaeger).toEqual([
        { name: expect.stringMatching(/^otlp(\/|$)/), endpoint: 'jaeger:4317', tls: { insecure: true } },
      ]);
      expect(services).toHaveProperty([hostPort(toJaeger[0].endpoint ?? '').host]);
    });

    it("receives on the address the worker and the ingress export to, in their configuration's terms", () => {
      const http = config.receivers.otlp.protocols?.http?.endpoint;
      expect(http).toBeDefined();
      const receiverPort = hostPort(http!).port;
      for (const [name, load, serviceName] of [
        ['worker', loadWorkerConfig, 'bgcheck-worker'],
        ['ingress', loadIngressConfig, 'bgcheck-ingress'],
      ] as const) {
        const env = resolvedEnv(name);
        // The whole process configuration loads: the OTEL_* variables are validated with the rest.
        expect(() => load(env)).not.toThrow();
        const telemetry = loadTelemetryConfig(env);
        expect({ name, url: tracesUrl(telemetry), protocol: telemetry.OTEL_EXPORTER_OTLP_PROTOCOL }).toEqual({
          name,
          url: `http://otel-collector:${receiverPort}/v1/traces`,
          protocol: 'http/protobuf',
        });
        expect(telemetry.OTEL_SERVICE_NAME).toBe(serviceName);
        expect(telemetry.OTEL_SDK_DISABLED).toBe(false);
      }
      // Tracing is turned off from .env alone.
      const off = resolvedEnv('worker', { ...OPERATOR_ENV, OTEL_SDK_DISABLED: 'true' });
      expect(loadTelemetryConfig(off).OTEL_SDK_DISABLED).toBe(true);
    });
  });

  describe('Prometheus (deploy/prometheus/prometheus.yml)', () => {
    const prometheus = services.prometheus;
    const configFile = mountedFile(
      prometheus,
      (prometheus.command ?? []).find((a) => a.startsWith('--config.file='))!.slice('--config.file='.length),
    );
    const config = readYaml(configFile) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };

    it('scrapes the worker and the ingress at the metrics port each is given, by service name', () => {
      expect(configFile).toBe('deploy/prometheus/prometheus.yml');
      const targets = config.scrape_configs.flatMap((job) =>
        job.static_configs.flatMap((c) =>
          c.targets.map((t) => ({ job: job.job_name, path: job.metrics_path, ...hostPort(t) })),
        ),
      );
      expect(targets.map((t) => t.host).sort()).toEqual(['ingress', 'worker']);
      for (const target of targets) {
        expect(services).toHaveProperty([target.host]);
        // The port the process serves /metrics on (its METRICS_PORT, as its configuration reads it).
        const metricsPort = loadProcessConfig(resolvedEnv(target.host)).METRICS_PORT;
        expect({ target: target.host, port: target.port, path: target.path }).toEqual({
          target: target.host,
          port: metricsPort,
          path: undefined, // Prometheus's default, /metrics, is what the SDK serves
        });
      }
      expect(new Set(config.scrape_configs.map((j) => j.job_name)).size).toBe(config.scrape_configs.length);
    });
  });

  describe('Grafana (deploy/grafana/)', () => {
    const grafana = services.grafana;
    const provisioning = mountedFile(grafana, '/etc/grafana/provisioning');
    const datasources = (
      readYaml(path.join(provisioning, 'datasources/datasources.yaml')) as {
        datasources: { uid: string; type: string; url: string }[];
      }
    ).datasources;
    const providers = (
      readYaml(path.join(provisioning, 'dashboards/dashboards.yaml')) as {
        providers: { type: string; options: { path: string } }[];
      }
    ).providers;

    it('is provisioned with Prometheus and Jaeger at their compose services and container ports', () => {
      expect(provisioning).toBe('deploy/grafana/provisioning');
      const byType = Object.fromEntries(datasources.map((d) => [d.type, hostPort(d.url)]));
      expect(byType).toEqual({
        prometheus: { host: 'prometheus', port: 9090 },
        jaeger: { host: 'jaeger', port: 16686 },
      });
      for (const { host, port } of Object.values(byType)) {
        expect((services[host].ports ?? []).map((p) => parsePort(p).container)).toContain(port);
      }
      expect(interpolate(environmentOf(grafana).GF_AUTH_ANONYMOUS_ENABLED, {})).toBe('false');
    });

    it('loads the dashboards from the directory the committed JSON files are mounted at', () => {
      expect(providers.map((p) => [p.type, mountedFile(grafana, p.options.path)])).toEqual([
        ['file', path.relative(ROOT, GRAFANA_DASHBOARDS)],
      ]);
      expect(existsSync(GRAFANA_DASHBOARDS)).toBe(true);
    });

    it('has dashboards that parse, with unique uids, whose panels use the provisioned data sources', () => {
      const uids = new Set(datasources.map((d) => d.uid));
      const dashboard = JSON.parse(readFileSync(path.join(GRAFANA_DASHBOARDS, 'bgcheck.json'), 'utf8')) as {
        uid: string;
        panels: {
          type: string;
          title: string;
          datasource?: { uid: string };
          targets?: { datasource?: { uid: string } }[];
        }[];
      };
      expect(dashboard.uid).toBe('bgcheck-overview');
      const used = dashboard.panels
        .filter((p) => p.type !== 'row')
        .flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]);
      expect(used.length).toBeGreaterThan(10);
      expect(used.filter((uid) => !uids.has(uid!))).toEqual([]);
    });

    it('queries valid PromQL in every panel (Grafana range variables aside)', () => {
      const queries = dashboardQueries();
      expect(queries.length).toBeGreaterThan(10);
      const invalid = queries.filter(
        (q) => promqlRefs(q.expr).errors.length > 0 || promqlRefs(q.expr).metrics.length === 0,
      );
      expect(invalid).toEqual([]);
      // The parse can fail: a broken expression is reported, and a function is not a metric.
      expect(promqlRefs('sum by (vendor (rate(x_total[5m]))').errors).not.toEqual([]);
      expect(promqlRefs('histogram_quantile(0.9, sum by (le) (rate(a_bucket{job="w"}[5m])))')).toEqual({
        metrics: ['a_bucket'],
        labels: ['le', 'job'],
        errors: [],
      });
    });
  });
});
