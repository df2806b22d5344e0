/** Reads docker-compose.yml and resolves `${VAR...}` interpolations the way `docker compose` does. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  user?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  return parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/** The service's environment as written (before interpolation). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/**
 * Names of the variables a value interpolates, with how: `required` (`:?`, set and not empty),
 * `present` (`?`, set but may be empty), `default` or `plain`.
 */
export function interpolations(value: string): { name: string; kind: 'required' | 'present' | 'default' | 'plain' }[] {
  return [...value.matchAll(INTERPOLATION)].map(([, name, op]) => ({
    name,
    kind: op === ':?' ? 'required' : op === '?' ? 'present' : op?.endsWith('-') ? 'default' : 'plain',
  }));
}

/** Resolves interpolations: `vars` first, else the default; a required one missing throws. */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(INTERPOLATION, (_match, name: string, op: string | undefined, arg: string | undefined) => {
    const given = vars[name];
    const isSet = given !== undefined && (given !== '' || !op?.startsWith(':'));
    if (isSet) return given;
    if (op?.endsWith('-')) return arg ?? '';
    if (op?.endsWith('?')) throw new Error(`required variable ${name} is not set: ${arg}`);
    return '';
  });
}

/** `host:container` or `ip:host:container` → { host, container, ip? }. */
export function parsePort(spec: string, vars: Record<string, string> = {}) {
  const parts = interpolate(spec, vars).split(':');
  const container = Number(parts.at(-1));
  const host = Number(parts.at(-2));
  return { ip: parts.length === 3 ? parts[0] : undefined, host, container };
}
