/**
 * The observability part of the compose stack as files: the collector and Prometheus configs,
 * Grafana's provisioning and dashboards, and what each dashboard panel queries (PromQL read
 * with the Prometheus project's own grammar, so a function or a label is never taken for a metric).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { ROOT } from './compose-file';

export const DEPLOY = path.join(ROOT, 'deploy');
export const GRAFANA_DASHBOARDS = path.join(DEPLOY, 'grafana/dashboards');

export const readYaml = (file: string): unknown => parse(readFileSync(path.join(ROOT, file), 'utf8'));

/** Labels Prometheus adds to every series it scrapes. */
export const SCRAPE_LABELS = new Set(['job', 'instance']);

/**
 * Grafana's built-in range variables, which Grafana replaces before Prometheus sees the query;
 * replaced here by a duration so the expression parses as the PromQL Prometheus receives.
 */
const GRAFANA_RANGES = /\$(__rate_interval|__interval|__range)\b/g;

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of every panel (rows' nested panels included) of every dashboard file. */
export function dashboardQueries(): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const file of readdirSync(GRAFANA_DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(path.join(GRAFANA_DASHBOARDS, file), 'utf8')) as { panels?: Panel[] };
    const walk = (panel: Panel) => {
      for (const target of panel.targets ?? []) {
        if (target.expr === undefined) continue;
        out.push({
          dashboard: file,
          panel: panel.title ?? '(untitled)',
          expr: target.expr.replace(GRAFANA_RANGES, '5m'),
        });
      }
      panel.panels?.forEach(walk);
    };
    dashboard.panels?.forEach(walk);
  }
  return out;
}

export interface PromqlRefs {
  /** Metric names the expression selects. */
  metrics: string[];
  /** Label names it matches on or groups by. */
  labels: string[];
  /** Text of the parts the grammar could not parse (empty when the expression is valid). */
  errors: string[];
}

/** What a PromQL expression refers to, from its syntax tree. */
export function promqlRefs(expr: string): PromqlRefs {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  const errors: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    const text = expr.slice(cursor.from, cursor.to);
    if (cursor.type.isError)
      errors.push(`at ${cursor.from}: ${JSON.stringify(expr.slice(cursor.from, cursor.from + 20))}`);
    // A metric name is the Identifier directly inside a VectorSelector (not a function's name).
    else if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') metrics.add(text);
    else if (cursor.name === 'LabelName') labels.add(text);
  } while (cursor.next());
  return { metrics: [...metrics], labels: [...labels], errors };
}
