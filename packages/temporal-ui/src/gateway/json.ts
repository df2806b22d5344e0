/**
 * Protocol Buffers JSON, as the upstream UI server writes it (Go's protojson): camelCase
 * fields, int64 as strings, enums as their full names, bytes as base64, Timestamp as RFC 3339,
 * Duration as "1.5s", Any as {"@type", ...fields}, wrappers as their value, default values of
 * plain scalar fields omitted. Payloads therefore come out as {metadata: {k: base64}, data: base64}.
 *
 * protobufjs's own toObject/fromObject cannot do this: they know nothing of the well-known
 * types' JSON forms, so both directions walk the reflection types here.
 */
import protobuf from 'protobufjs';

/** Bad input: the message says which field and what was expected. */
export class JsonInputError extends Error {
  override name = 'JsonInputError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const WRAPPERS = new Set([
  '.google.protobuf.DoubleValue',
  '.google.protobuf.FloatValue',
  '.google.protobuf.Int64Value',
  '.google.protobuf.UInt64Value',
  '.google.protobuf.Int32Value',
  '.google.protobuf.UInt32Value',
  '.google.protobuf.BoolValue',
  '.google.protobuf.StringValue',
  '.google.protobuf.BytesValue',
]);

type Longish = number | string | { toString(): string; low: number; high: number };

// ---------------------------------------------------------------------------------------------
// Output: message -> JSON

export function messageToJson(type: protobuf.Type, message: Record<string, unknown>): Json {
  const special = wellKnownToJson(type, message);
  if (special !== undefined) return special;
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    // Fields with presence (messages, oneof members, proto3 `optional`) are written when set;
    // plain scalars only when they differ from their default, as a real server sends them.
    const hasPresence = field.resolvedType instanceof protobuf.Type || field.partOf !== null;
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(field, v)]));
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length === 0) continue;
      out[field.name] = items.map((v) => valueToJson(field, v));
    } else {
      if (field.partOf !== null && !Object.prototype.hasOwnProperty.call(message, field.name)) continue;
      if (!hasPresence && isDefault(field, value)) continue;
      out[field.name] = valueToJson(field, value);
    }
  }
  return out;
}

function isDefault(field: protobuf.Field, value: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Enum) return Number(value) === 0;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value)
    return (value as { low: number; high: number }).low === 0 && (value as { low: number; high: number }).high === 0;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length === 0;
  return value === 0 || value === '' || value === false || value === '0';
}

function valueToJson(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as Record<string, unknown>);
  if (resolved instanceof protobuf.Enum) {
    const n = typeof value === 'string' ? resolved.values[value] : Number(value);
    return resolved.valuesById[n as number] ?? (n as number);
  }
  return scalarToJson(field.type, value);
}

function scalarToJson(type: string, value: unknown): Json {
  if (LONG_TYPES.has(type)) return longToString(value as Longish, type.startsWith('u') || type === 'fixed64');
  if (type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (type === 'double' || type === 'float') {
    const n = Number(value);
    return Number.isFinite(n) ? n : String(n).replace('Infinity', 'Infinity');
  }
  return value as Json;
}

function longToString(value: Longish, unsigned: boolean): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return (unsigned ? big : BigInt.asIntN(64, big)).toString();
}

function wellKnownToJson(type: protobuf.Type, message: Record<string, unknown>): Json | undefined {
  const name = type.fullName;
  if (name === '.google.protobuf.Timestamp') {
    const seconds = Number(longToString((message.seconds ?? 0) as Longish, false));
    const nanos = Number(message.nanos ?? 0);
    const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
    return `${iso}${fraction(nanos)}Z`;
  }
  if (name === '.google.protobuf.Duration') {
    const seconds = BigInt(longToString((message.seconds ?? 0) as Longish, false));
    const nanos = Number(message.nanos ?? 0);
    const negative = seconds < 0n || nanos < 0;
    const abs = seconds < 0n ? -seconds : seconds;
    return `${negative ? '-' : ''}${abs}${fraction(Math.abs(nanos))}s`;
  }
  if (WRAPPERS.has(name)) {
    const field = type.fields.value;
    return field ? scalarToJson(field.type, message.value ?? defaultScalar(field.type)) : null;
  }
  if (name === '.google.protobuf.FieldMask') return ((message.paths as string[]) ?? []).join(',');
  if (name === '.google.protobuf.Empty') return {};
  if (name === '.google.protobuf.Any') return anyToJson(type, message);
  if (name === '.google.protobuf.Struct' || name === '.google.protobuf.Value' || name === '.google.protobuf.ListValue')
    return type.toObject(message as unknown as protobuf.Message, { defaults: false }) as Json;
  return undefined;
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  // protojson writes 3, 6 or 9 fractional digits.
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function defaultScalar(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return new Uint8Array();
  return 0;
}

function anyToJson(anyType: protobuf.Type, message: Record<string, unknown>): Json {
  const typeUrl = String(message.typeUrl ?? message.type_url ?? '');
  const bytes = (message.value as Uint8Array | undefined) ?? new Uint8Array();
  const inner = lookupType(anyType.root, typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  if (!inner) return { '@type': typeUrl, value: Buffer.from(bytes).toString('base64') };
  const decoded = messageToJson(inner, inner.decode(bytes) as unknown as Record<string, unknown>);
  if (isWellKnown(inner) || typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
    return { '@type': typeUrl, value: decoded };
  return { '@type': typeUrl, ...decoded };
}

function lookupType(root: protobuf.Namespace, name: string): protobuf.Type | undefined {
  if (!name) return undefined;
  try {
    return root.lookupType(name);
  } catch {
    return undefined;
  }
}

const isWellKnown = (type: protobuf.Type) => type.fullName.startsWith('.google.protobuf.');

// ---------------------------------------------------------------------------------------------
// Input: JSON -> message (a plain object protobufjs's `Type.fromObject` accepts)

/**
 * Turns proto3 JSON into the object form protobufjs accepts, then into a message. Field names
 * may be camelCase or as in the .proto; unknown fields and wrongly typed values are errors
 * naming the field path.
 */
export function messageFromJson(type: protobuf.Type, json: unknown, at = ''): protobuf.Message {
  const plain = objectFromJson(type, json, at);
  try {
    return type.fromObject(plain as Record<string, unknown>);
  } catch (error) {
    throw new JsonInputError(`${at || type.name}: ${(error as Error).message}`);
  }
}

function objectFromJson(type: protobuf.Type, json: unknown, at: string): unknown {
  const special = wellKnownFromJson(type, json, at);
  if (special !== undefined) return special;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new JsonInputError(`${at || type.name}: expected an object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => snake(f.name) === key);
    const path = at ? `${at}.${key}` : key;
    if (!field) throw new JsonInputError(`${path}: unknown field of ${type.name}`);
    if (value === null) continue;
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new JsonInputError(`${path}: expected an object`);
      out[field.name] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          fieldValueFromJson(field, v, `${path}.${k}`),
        ]),
      );
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new JsonInputError(`${path}: expected an array`);
      out[field.name] = value.map((v, i) => fieldValueFromJson(field, v, `${path}[${i}]`));
    } else {
      out[field.name] = fieldValueFromJson(field, value, path);
    }
  }
  return out;
}

function fieldValueFromJson(field: protobuf.Field, value: unknown, at: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return objectFromJson(resolved, value, at);
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
    if (typeof value === 'string' && value in resolved.values) return resolved.values[value];
    throw new JsonInputError(`${at}: expected one of ${Object.keys(resolved.values).join(', ')}`);
  }
  return scalarFromJson(field.type, value, at);
}

function scalarFromJson(type: string, value: unknown, at: string): unknown {
  if (LONG_TYPES.has(type) || INT_TYPES.has(type)) {
    if ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value)))
      return value;
    throw new JsonInputError(`${at}: expected an integer`);
  }
  if (type === 'double' || type === 'float') {
    if (typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Number(value)))) return Number(value);
    throw new JsonInputError(`${at}: expected a number`);
  }
  if (type === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new JsonInputError(`${at}: expected true or false`);
  }
  if (type === 'bytes') {
    if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*=*$/.test(value))
      return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    throw new JsonInputError(`${at}: expected base64`);
  }
  if (typeof value !== 'string') throw new JsonInputError(`${at}: expected a string`);
  return value;
}

function wellKnownFromJson(type: protobuf.Type, json: unknown, at: string): unknown {
  const name = type.fullName;
  if (name === '.google.protobuf.Timestamp') {
    const match =
      typeof json === 'string' && /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(json);
    const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
    if (!match || Number.isNaN(ms)) throw new JsonInputError(`${at}: expected an RFC 3339 timestamp`);
    return { seconds: String(Math.floor(ms / 1000)), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
  }
  if (name === '.google.protobuf.Duration') {
    const match = typeof json === 'string' && /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json);
    if (!match) throw new JsonInputError(`${at}: expected a duration such as "10s" or "1.5s"`);
    const sign = match[1] ? -1 : 1;
    return {
      seconds: `${match[1] ?? ''}${match[2]}`,
      nanos: sign * Number((match[3] ?? '').padEnd(9, '0')),
    };
  }
  if (WRAPPERS.has(name)) {
    const field = type.fields.value;
    return field ? { value: scalarFromJson(field.type, json, at) } : {};
  }
  if (name === '.google.protobuf.FieldMask') {
    if (typeof json !== 'string') throw new JsonInputError(`${at}: expected comma-separated field paths`);
    return { paths: json ? json.split(',') : [] };
  }
  if (name === '.google.protobuf.Any') {
    const object = json as Record<string, unknown> | null;
    const typeUrl = object && typeof object['@type'] === 'string' ? object['@type'] : undefined;
    const inner = typeUrl ? lookupType(type.root, typeUrl.slice(typeUrl.lastIndexOf('/') + 1)) : undefined;
    if (!typeUrl || !inner) throw new JsonInputError(`${at}: expected an object with a known "@type"`);
    const { '@type': _type, ...fields } = object as Record<string, unknown>;
    const body = isWellKnown(inner) ? fields.value : fields;
    const message = messageFromJson(inner, body, at);
    return { typeUrl, value: inner.encode(message).finish() };
  }
  return undefined;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Sets `value` at a dotted field path (`execution.workflow_id`) of a JSON object, creating objects on the way. */
export function setJsonPath(
  type: protobuf.Type,
  target: Record<string, unknown>,
  dotted: string,
  value: unknown,
): void {
  const parts = dotted.split('.');
  let current = target;
  let currentType: protobuf.Type | undefined = type;
  for (const [i, part] of parts.entries()) {
    const field: protobuf.Field | undefined =
      currentType?.fields[part] ?? currentType?.fieldsArray.find((f) => snake(f.name) === part);
    if (!field) throw new JsonInputError(`${dotted}: unknown field of ${type.name}`);
    if (i === parts.length - 1) {
      if (field.repeated) {
        const list = (current[field.name] as unknown[] | undefined) ?? [];
        current[field.name] = [...list, value];
      } else {
        current[field.name] = coerceParameter(field, value);
      }
      return;
    }
    current[field.name] ??= {};
    current = current[field.name] as Record<string, unknown>;
    currentType = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
  }
}

// Path and query parameters are strings; booleans and numbers are written as such in JSON.
function coerceParameter(field: protobuf.Field, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (field.type === 'bool') return value === '' ? true : value;
  if (INT_TYPES.has(field.type) || field.type === 'double' || field.type === 'float')
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return value;
}
