/**
 * Service definitions, loaded at run time from the `.proto` files that `@temporalio/core-bridge`
 * ships, so the wire contract is always exactly the one the installed SDK speaks.
 *
 * Messages are plain objects (camelCase fields, enums as numbers, int64 as JS numbers, bytes as
 * Buffers). Their TypeScript shapes come from `@temporalio/proto`; the only mismatch is int64,
 * which those types declare as `Long`: read such fields with `Number(...)` and write them with
 * `i64(...)`.
 *
 * Parsing the `.proto` text was most of the executable's start-up time, so the parsed schema is
 * kept as JSON in a cache file in the temp dir (or `EMBEDDED_TEMPORAL_CACHE_DIR`), never in the
 * project or node_modules. Its name is keyed by the cache format, the protobufjs and core-bridge
 * versions, the protos' location and the service files' sizes and times, so any change to the
 * installed SDK parses again; a missing, damaged or unwritable cache only costs a parse. The
 * grpc-js definitions are built from that schema with the same serializers and decoding options
 * as `@grpc/proto-loader` (which this module used to call).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type Long from 'long';
import type { Payloads } from './types';
import type { IConversionOptions, INamespace, NamespaceBase, Root, Type } from 'protobufjs';

export type { temporal, google, grpc as grpcProto } from '@temporalio/proto';

// The protobufjs (7.x) that @grpc/proto-loader uses, which loaded these protos before the cache:
// messages decode exactly as they did (explicit zero values stay present; the project's own
// protobufjs 8 drops them).
const PROTOBUF_MAIN = require.resolve('protobufjs', { paths: [path.dirname(require.resolve('@grpc/proto-loader'))] });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a dependency's own copy
const protobuf = require(PROTOBUF_MAIN) as typeof import('protobufjs');

const BRIDGE_DIR = path.dirname(require.resolve('@temporalio/core-bridge/package.json'));
const PROTO_ROOT = path.join(BRIDGE_DIR, 'sdk-core/crates/protos/protos');
const INCLUDE_DIRS = ['api_upstream', 'testsrv_upstream', 'grpc', ''].map((dir) => path.join(PROTO_ROOT, dir));

const FILES = [
  'temporal/api/workflowservice/v1/service.proto',
  'temporal/api/operatorservice/v1/service.proto',
  'temporal/api/testservice/v1/service.proto',
  'health/v1/health.proto',
];

const SERVICES = {
  workflow: 'temporal.api.workflowservice.v1.WorkflowService',
  operator: 'temporal.api.operatorservice.v1.OperatorService',
  test: 'temporal.api.testservice.v1.TestService',
  health: 'grpc.health.v1.Health',
} as const;

/** How decoded messages look (see the module comment). */
const TO_OBJECT: IConversionOptions = { longs: Number, enums: Number, defaults: false, oneofs: false };

const ENUM_FORMAT = 'Protocol Buffer 3 EnumDescriptorProto';

/** Bump when the cached JSON's meaning changes. */
const CACHE_FORMAT = 1;

export type ServiceDefinitions = Record<keyof typeof SERVICES, grpc.ServiceDefinition>;

let root: Root | undefined;
let services: ServiceDefinitions | undefined;

/** The parsed schema of the service protos and everything they import. */
export function loadRoot(): Root {
  root ??= readCached() ?? parseAndCache();
  return root;
}

export function loadServiceDefinitions(): ServiceDefinitions {
  if (services) return services;
  const schema = loadRoot();
  const entries = Object.entries(SERVICES).map(([key, name]) => [key, serviceDefinition(schema, name)]);
  services = Object.fromEntries(entries) as ServiceDefinitions;
  return services;
}

/**
 * The enums and services in the shape `@grpc/proto-loader` gives them (enum entries carry their
 * values as an `EnumDescriptorProto`); messages are not included.
 */
export function loadPackageDefinition(): PackageDefinition {
  const definition: PackageDefinition = {};
  const visit = (namespace: NamespaceBase, prefix: string) => {
    for (const nested of namespace.nestedArray) {
      const name = `${prefix}${nested.name}`;
      if (nested instanceof protobuf.Enum) {
        const value = Object.entries(nested.values).map(([valueName, number]) => ({ name: valueName, number }));
        definition[name] = { format: ENUM_FORMAT, type: { value } } as unknown as PackageDefinition[string];
      } else if (nested instanceof protobuf.Namespace) {
        visit(nested, `${name}.`);
      }
    }
  };
  visit(loadRoot(), '');
  for (const [key, name] of Object.entries(SERVICES)) {
    definition[name] = loadServiceDefinitions()[key as keyof typeof SERVICES] as unknown as PackageDefinition[string];
  }
  return definition;
}

/** Writes a JS number into an int64 field (see the module comment). */
export function i64(value: number): Long {
  return value as unknown as Long;
}

/** Encoded size of a history event (for `history_size_bytes`), through the loaded protos. */
/** The encoded size of a `Payloads` message, as the server measures a command's input. */
export function encodedPayloadsSize(payloads: Payloads | null | undefined): number {
  if (!payloads) return 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK proto module is loaded only when needed
  const proto = require('@temporalio/proto') as typeof import('@temporalio/proto');
  return proto.temporal.api.common.v1.Payloads.encode(payloads).finish().length;
}

export function encodedEventSize(event: object): number {
  const serialize = loadServiceDefinitions().workflow.GetWorkflowExecutionHistory.responseSerialize;
  // The wrapper (response → history → events) adds 4 bytes of tags and lengths for small events.
  return Math.max(0, serialize({ history: { events: [event] } }).length - 4);
}

// A grpc-js service definition: the same serializers as @grpc/proto-loader builds.
function serviceDefinition(schema: Root, name: string): grpc.ServiceDefinition {
  const service = schema.lookupService(name);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType as Type;
    const response = method.resolvedResponseType as Type;
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response, true),
      responseDeserialize: deserializer(response),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return definition as grpc.ServiceDefinition;
}

function serializer(type: Type, omitDefaults = false) {
  if (!omitDefaults) return (value: object) => Buffer.from(type.encode(type.fromObject(value)).finish());
  const strip = defaultsStripper(type);
  return (value: object) => {
    const message = type.fromObject(value);
    strip(message as unknown as Record<string, unknown>);
    return Buffer.from(type.encode(message).finish());
  };
}

type Stripper = (message: Record<string, unknown>) => void;
const strippers = new Map<Type, Stripper>();

/**
 * Removes the proto3 default values (0, "", false, empty bytes, enum 0) of fields without
 * presence before encoding, so they are not on the wire: a real server never sends them, and
 * clients that show what is present (the Temporal UI's "Parent Initiated Event ID 0",
 * `*_UNSPECIFIED` enums) must see the same. Fields with presence (messages, oneof members,
 * proto3 `optional`) are kept as given.
 */
function defaultsStripper(type: Type): Stripper {
  const known = strippers.get(type);
  if (known) return known;
  const scalars: string[] = [];
  const nested: { name: string; repeated: boolean; map: boolean; strip: () => Stripper }[] = [];
  const stripper: Stripper = (message) => {
    for (const name of scalars) {
      if (Object.prototype.hasOwnProperty.call(message, name) && isDefaultValue(message[name])) delete message[name];
    }
    for (const field of nested) {
      const value = message[field.name];
      if (value === null || value === undefined) continue;
      const strip = field.strip();
      if (field.map)
        for (const v of Object.values(value as Record<string, unknown>)) strip(v as Record<string, unknown>);
      else if (field.repeated) for (const v of value as Record<string, unknown>[]) strip(v);
      else strip(value as Record<string, unknown>);
    }
  };
  strippers.set(type, stripper);
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) {
      const fieldType = field.resolvedType;
      nested.push({
        name: field.name,
        repeated: field.repeated,
        map: field.map,
        strip: () => defaultsStripper(fieldType),
      });
    } else if (!field.repeated && !field.map && field.partOf === null) {
      scalars.push(field.name);
    }
  }
  return stripper;
}

function isDefaultValue(value: unknown): boolean {
  if (value === 0 || value === '' || value === false) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const long = value as { low: number; high: number };
    return long.low === 0 && long.high === 0;
  }
  return false;
}

function deserializer(type: Type) {
  return (bytes: Buffer) => type.toObject(type.decode(bytes), TO_OBJECT);
}

function parse(): Root {
  const parsed = new protobuf.Root();
  parsed.resolvePath = (_origin, target) => {
    for (const dir of INCLUDE_DIRS) {
      const candidate = path.join(dir, target);
      if (fileExists(candidate)) return candidate;
    }
    return target;
  };
  parsed.loadSync(FILES, { keepCase: false });
  parsed.resolveAll();
  return parsed;
}

// --- cache -------------------------------------------------------------------------------------

function cacheFile(): string {
  const key = createHash('sha256');
  const version = (JSON.parse(readFileSync(path.join(BRIDGE_DIR, 'package.json'), 'utf8')) as { version: string })
    .version;
  key.update(`${CACHE_FORMAT}\n${protobufVersion()}\n${version}\n${PROTO_ROOT}\n`);
  for (const file of FILES) {
    const { size, mtimeMs } = statSync(resolveInclude(file));
    key.update(`${file} ${size} ${mtimeMs}\n`);
  }
  const dir = process.env.EMBEDDED_TEMPORAL_CACHE_DIR || path.join(os.tmpdir(), `embedded-temporal-${uid()}`);
  return path.join(dir, `protos-${version}-${key.digest('hex').slice(0, 16)}.json`);
}

function readCached(): Root | undefined {
  try {
    const json = JSON.parse(readFileSync(cacheFile(), 'utf8')) as INamespace;
    const cached = protobuf.Root.fromJSON(json);
    cached.resolveAll();
    return cached;
  } catch {
    return undefined; // missing, unreadable or damaged: parse again
  }
}

function parseAndCache(): Root {
  const parsed = parse();
  try {
    const file = cacheFile();
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside then renamed: a reader never sees half a file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(parsed.toJSON()));
    renameSync(partial, file);
  } catch {
    // No cache (e.g. read-only temp dir): every start parses the protos.
  }
  return parsed;
}

function resolveInclude(file: string): string {
  for (const dir of INCLUDE_DIRS) {
    const candidate = path.join(dir, file);
    if (fileExists(candidate)) return candidate;
  }
  throw new Error(`${file} not found in the core-bridge protos`);
}

function fileExists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function protobufVersion(): string {
  const file = path.join(path.dirname(PROTOBUF_MAIN), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function uid(): string {
  return typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
}
