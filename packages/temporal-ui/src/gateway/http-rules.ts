/**
 * The HTTP routes of the Temporal API, read from the `google.api.http` annotations of the
 * WorkflowService and OperatorService methods: one rule per binding, path templates such as
 * `/api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}` compiled to matchers.
 * Nothing here names a particular RPC.
 */
import type protobuf from 'protobufjs';
import { SERVICE_NAMES, service, type ServiceKey } from './protos';

const VERBS = ['get', 'post', 'put', 'delete', 'patch'] as const;
type Verb = (typeof VERBS)[number];

export interface HttpRule {
  service: ServiceKey;
  method: protobuf.Method;
  verb: Uppercase<Verb>;
  template: string;
  /** `*` = the whole body is the request, a field name = the body is that field, undefined = no body. */
  body?: string;
  /** Literal segments first, so `/workflows/count` beats `/workflows/{id}`. */
  specificity: number[];
  match(path: string): Record<string, string> | undefined;
}

interface HttpOption {
  get?: string;
  post?: string;
  put?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additional_bindings?: HttpOption | HttpOption[];
}

/**
 * Paths the UI (built against an older API) still calls but that now resolve to a different
 * RPC: answered with 404 instead of silently calling the wrong method.
 */
export const SUPERSEDED_PATHS: { verb: string; pattern: RegExp; reason: string }[] = [
  {
    verb: 'POST',
    pattern: /^\/api\/v1\/namespaces\/[^/]+\/activities\/(complete|fail)-by-id$/,
    reason: 'completing or failing an activity by id from the UI is not supported by this API version',
  },
];

export function httpRules(schema: protobuf.Root, prefix = '/api/v1/'): HttpRule[] {
  const rules: HttpRule[] = [];
  for (const key of Object.keys(SERVICE_NAMES) as ServiceKey[]) {
    for (const method of Object.values(service(schema, key).methods)) {
      for (const option of method.parsedOptions ?? []) {
        const http = (option as Record<string, HttpOption | undefined>)['(google.api.http)'];
        if (!http) continue;
        for (const binding of flatten(http)) {
          const verb = VERBS.find((v) => binding[v] !== undefined);
          const template = verb && binding[verb];
          if (!verb || !template || !template.startsWith(prefix)) continue;
          rules.push(compile(key, method, verb, template, binding.body));
        }
      }
    }
  }
  return rules.sort((a, b) => compareSpecificity(b.specificity, a.specificity));
}

function flatten(option: HttpOption): HttpOption[] {
  const extra = option.additional_bindings;
  const nested = extra === undefined ? [] : Array.isArray(extra) ? extra : [extra];
  return [option, ...nested.flatMap(flatten)];
}

interface Segment {
  literal?: string;
  variable?: string;
  /** `{name=**}` matches the rest of the path, slashes included. */
  rest?: boolean;
}

function compile(key: ServiceKey, method: protobuf.Method, verb: Verb, template: string, body?: string): HttpRule {
  const segments: Segment[] = template
    .slice(1)
    .split(/\/(?![^{]*})/)
    .map((part) => {
      const variable = /^\{([^}=]+)(?:=([^}]*))?\}$/.exec(part);
      if (!variable) return { literal: part };
      return { variable: variable[1], rest: variable[2] === '**' };
    });
  const specificity = segments.map((s) => (s.literal !== undefined ? 2 : s.rest ? 0 : 1));
  return {
    service: key,
    method,
    verb: verb.toUpperCase() as Uppercase<Verb>,
    template,
    body: body || undefined,
    specificity,
    match(path: string) {
      const parts = path.slice(1).split('/');
      const params: Record<string, string> = {};
      for (const [i, segment] of segments.entries()) {
        if (segment.rest) {
          if (i >= parts.length) return undefined;
          params[segment.variable as string] = parts.slice(i).map(decode).join('/');
          return params;
        }
        const part = parts[i];
        if (part === undefined) return undefined;
        if (segment.literal !== undefined) {
          if (part !== segment.literal) return undefined;
        } else {
          if (part === '') return undefined;
          params[segment.variable as string] = decode(part);
        }
      }
      return parts.length === segments.length ? params : undefined;
    },
  };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
