/**
 * Search attribute registry of one namespace: which names exist and with which type, plus
 * the payload helpers the frontend needs (decode, add the `type` metadata, validate upserts).
 *
 * Payloads are handled in the SDK's `json/plain` encoding. The system lists mirror the real
 * server (`common/searchattribute/defs.go`): ListSearchAttributes reports "system" plus
 * "predefined" attributes as system ones.
 */

/** Names as they appear in payload `metadata.type` and in `--search-attribute Name=Type`. */
export type IndexedValueTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** `temporal.api.enums.v1.IndexedValueType` numbers. */
export const INDEXED_VALUE_TYPE_NUMBER: Readonly<Record<IndexedValueTypeName, number>> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/** A protobuf-like `temporal.api.common.v1.Payload` (proto-loader gives Buffers, which are Uint8Arrays). */
export interface PayloadLike {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}

/** Bad search attribute input; the frontend maps it to INVALID_ARGUMENT. */
export class SearchAttributeError extends Error {
  override readonly name = 'SearchAttributeError';
}

/**
 * Attributes the server stores as columns of the execution itself: they can be queried but a
 * workflow can never set them.
 */
export const SYSTEM_SEARCH_ATTRIBUTES: Readonly<Record<string, IndexedValueTypeName>> = {
  WorkflowId: 'Keyword',
  RunId: 'Keyword',
  WorkflowType: 'Keyword',
  StartTime: 'Datetime',
  ExecutionTime: 'Datetime',
  CloseTime: 'Datetime',
  ExecutionStatus: 'Keyword',
  TaskQueue: 'Keyword',
  HistoryLength: 'Int',
  ExecutionDuration: 'Int',
  StateTransitionCount: 'Int',
  HistorySizeBytes: 'Int',
  ParentWorkflowId: 'Keyword',
  ParentRunId: 'Keyword',
  RootWorkflowId: 'Keyword',
  RootRunId: 'Keyword',
};

/**
 * Attributes the server or the SDKs set through the ordinary search attribute map (core upserts
 * `TemporalChangeVersion` on every `patched()`): they can be upserted but not registered again.
 */
export const PREDEFINED_SEARCH_ATTRIBUTES: Readonly<Record<string, IndexedValueTypeName>> = {
  TemporalChangeVersion: 'KeywordList',
  BinaryChecksums: 'KeywordList',
  BuildIds: 'KeywordList',
  BatcherNamespace: 'Keyword',
  BatcherUser: 'Keyword',
  TemporalScheduledStartTime: 'Datetime',
  TemporalScheduledById: 'Keyword',
  TemporalSchedulePaused: 'Bool',
  TemporalNamespaceDivision: 'Keyword',
  TemporalPauseInfo: 'KeywordList',
  TemporalReportedProblems: 'KeywordList',
  TemporalWorkerDeploymentVersion: 'Keyword',
  TemporalWorkflowVersioningBehavior: 'Keyword',
  TemporalWorkerDeployment: 'Keyword',
};

/** Internal field names that are no attribute at all but still cannot be registered. */
const RESERVED_NAMES = new Set(['NamespaceId', 'Memo', 'MemoEncoding', 'VisibilityTaskKey']);
const RESERVED_PREFIX = 'Temporal';

const TYPE_NAMES = Object.keys(INDEXED_VALUE_TYPE_NUMBER) as IndexedValueTypeName[];

/**
 * Accepts every spelling a caller may use for a type: `Keyword`, `KEYWORD`, `keyword`,
 * `INDEXED_VALUE_TYPE_KEYWORD`, `KEYWORD_LIST`, or the proto enum number.
 */
export function parseIndexedValueType(input: string | number): IndexedValueTypeName {
  if (typeof input === 'number') {
    const found = TYPE_NAMES.find((t) => INDEXED_VALUE_TYPE_NUMBER[t] === input);
    if (found) return found;
  } else {
    const squashed = input
      .replace(/^INDEXED_VALUE_TYPE_/i, '')
      .replace(/_/g, '')
      .toLowerCase();
    const found = TYPE_NAMES.find((t) => t.toLowerCase() === squashed);
    if (found) return found;
  }
  throw new SearchAttributeError(`unknown search attribute type ${JSON.stringify(input)}`);
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

function metadataString(payload: PayloadLike, key: string): string | undefined {
  const raw = payload.metadata?.[key];
  return raw === undefined || raw === null ? undefined : textDecoder.decode(raw);
}

/** RFC 3339 with a mandatory zone, as the server's datetime parsing requires. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 instant; `undefined` if the text is not one. */
export function parseRfc3339(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Checks a JSON-decoded value against a type and returns it in its JS form, or throws.
 * Untyped SDK payloads wrap every value in an array (`["a"]`), so one-element arrays are
 * unwrapped for scalar types.
 */
export function coerceSearchAttributeValue(name: string, type: IndexedValueTypeName, value: unknown): unknown {
  const invalid = () =>
    new SearchAttributeError(`invalid value for search attribute ${name} of type ${type}: ${JSON.stringify(value)}`);
  if (type === 'KeywordList') {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((item) => typeof item === 'string')) throw invalid();
    return list;
  }
  let scalar = value;
  if (Array.isArray(value)) {
    if (value.length !== 1) throw invalid();
    scalar = value[0];
  }
  switch (type) {
    case 'Text':
    case 'Keyword':
      if (typeof scalar === 'string') return scalar;
      break;
    case 'Int':
      if (Number.isSafeInteger(scalar)) return scalar;
      break;
    case 'Double':
      if (typeof scalar === 'number' && Number.isFinite(scalar)) return scalar;
      break;
    case 'Bool':
      if (typeof scalar === 'boolean') return scalar;
      break;
    case 'Datetime': {
      const date = typeof scalar === 'string' ? parseRfc3339(scalar) : undefined;
      if (date) return date;
      break;
    }
  }
  throw invalid();
}

export interface ListSearchAttributesResult {
  /** `custom_attributes` of ListSearchAttributesResponse: name → IndexedValueType number. */
  customAttributes: Record<string, number>;
  /** `system_attributes`: system and predefined attributes. */
  systemAttributes: Record<string, number>;
  storageSchema: Record<string, string>;
}

export class SearchAttributeRegistry {
  private readonly custom = new Map<string, IndexedValueTypeName>();

  /** `initial`: custom attributes, e.g. from `--search-attribute Name=Type` flags. */
  constructor(initial: Record<string, IndexedValueTypeName | string | number> = {}) {
    for (const [name, type] of Object.entries(initial)) this.add(name, type);
  }

  /** The type of any defined attribute (system, predefined or custom). */
  typeOf(name: string): IndexedValueTypeName | undefined {
    return SYSTEM_SEARCH_ATTRIBUTES[name] ?? PREDEFINED_SEARCH_ATTRIBUTES[name] ?? this.custom.get(name);
  }

  /** True for attributes stored as execution columns (WorkflowId, StartTime, ...). */
  isSystem(name: string): boolean {
    return Object.hasOwn(SYSTEM_SEARCH_ATTRIBUTES, name);
  }

  /** True for names a user may not register (the real server's `IsReserved`). */
  isReserved(name: string): boolean {
    return (
      Object.hasOwn(SYSTEM_SEARCH_ATTRIBUTES, name) ||
      Object.hasOwn(PREDEFINED_SEARCH_ATTRIBUTES, name) ||
      RESERVED_NAMES.has(name) ||
      name.startsWith(RESERVED_PREFIX)
    );
  }

  /**
   * Registers a custom attribute. Adding an existing one with the same type is a no-op, as on
   * the real server, so `start-dev --search-attribute` and AddSearchAttributes can both run.
   */
  add(name: string, type: IndexedValueTypeName | string | number): void {
    const parsed = parseIndexedValueType(type);
    if (name.trim() === '' || /[\s`]/.test(name)) {
      throw new SearchAttributeError(`search attribute name ${JSON.stringify(name)} is not valid`);
    }
    if (this.isReserved(name)) {
      throw new SearchAttributeError(`search attribute ${name} is reserved by system`);
    }
    const existing = this.custom.get(name);
    if (existing !== undefined && existing !== parsed) {
      throw new SearchAttributeError(`search attribute ${name} already exists with type ${existing}`);
    }
    this.custom.set(name, parsed);
  }

  /** RemoveSearchAttributes: only custom attributes can be removed. */
  remove(name: string): void {
    if (!this.custom.delete(name)) {
      throw new SearchAttributeError(`search attribute ${name} doesn't exist`);
    }
  }

  /** Body of ListSearchAttributesResponse. */
  list(): ListSearchAttributesResult {
    const toNumbers = (entries: Iterable<[string, IndexedValueTypeName]>) =>
      Object.fromEntries([...entries].map(([name, type]) => [name, INDEXED_VALUE_TYPE_NUMBER[type]]));
    const customAttributes = toNumbers(this.custom.entries());
    const systemAttributes = toNumbers([
      ...Object.entries(SYSTEM_SEARCH_ATTRIBUTES),
      ...Object.entries(PREDEFINED_SEARCH_ATTRIBUTES),
    ]);
    const storageSchema = Object.fromEntries([...this.custom.entries()].map(([name, type]) => [name, type]));
    return { customAttributes, systemAttributes, storageSchema };
  }

  /**
   * Decodes a stored payload to its JS value: Datetime → Date, Int/Double → number,
   * KeywordList → string[]. `null` means "unset" (a deletion in an upsert).
   */
  decode(name: string, payload: PayloadLike): unknown {
    const type = this.requireDefined(name);
    const encoding = metadataString(payload, 'encoding');
    if (encoding === 'binary/null') return null;
    if (encoding !== 'json/plain') {
      throw new SearchAttributeError(
        `search attribute ${name} has unsupported payload encoding ${encoding ?? '(none)'}`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(textDecoder.decode(payload.data ?? new Uint8Array()));
    } catch {
      throw new SearchAttributeError(`search attribute ${name} payload is not valid JSON`);
    }
    // An empty list or JSON null unsets the attribute.
    if (value === null || (Array.isArray(value) && value.length === 0)) return null;
    return coerceSearchAttributeValue(name, type, value);
  }

  /** Decodes a whole `indexed_fields` map, dropping unset attributes. */
  decodeAll(fields: Record<string, PayloadLike> | null | undefined): Record<string, unknown> {
    const decoded: Record<string, unknown> = {};
    for (const [name, payload] of Object.entries(fields ?? {})) {
      const value = this.decode(name, payload);
      if (value !== null) decoded[name] = value;
    }
    return decoded;
  }

  /**
   * Returns the payload with `metadata.type` set from the registry when it is missing: the
   * SDK's typed search attributes skip values without it. Deletions (null values) are left
   * untyped, as the SDK itself does. The input is not mutated.
   */
  withTypeMetadata(name: string, payload: PayloadLike): PayloadLike {
    const type = this.requireDefined(name);
    if (payload.metadata?.type !== undefined || this.decode(name, payload) === null) return payload;
    return { ...payload, metadata: { ...payload.metadata, type: textEncoder.encode(type) } };
  }

  /**
   * Validates the `indexed_fields` of a start request or an UpsertWorkflowSearchAttributes
   * command: every name must be defined, settable, and carry a value of its type.
   */
  validateUpsert(fields: Record<string, PayloadLike> | null | undefined): void {
    for (const [name, payload] of Object.entries(fields ?? {})) {
      if (this.isSystem(name)) {
        throw new SearchAttributeError(`${name} attribute can't be set in SearchAttributes`);
      }
      this.decode(name, payload);
    }
  }

  private requireDefined(name: string): IndexedValueTypeName {
    const type = this.typeOf(name);
    if (type === undefined) throw new SearchAttributeError(`search attribute ${name} is not defined`);
    return type;
  }
}
