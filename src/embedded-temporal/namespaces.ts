/** Namespaces and their registered search attributes. */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { invalidArgument, notFound } from './errors';

const { IndexedValueType } = temporal.api.enums.v1;
export type IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** System search attributes every namespace knows (a subset of the server's). */
export const SYSTEM_SEARCH_ATTRIBUTES: Record<string, IndexedValueType> = {
  WorkflowId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  RunId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  WorkflowType: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TaskQueue: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  ExecutionStatus: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  StartTime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  CloseTime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionTime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionDuration: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  HistoryLength: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  TemporalChangeVersion: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BinaryChecksums: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BuildIds: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BatcherUser: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalScheduledStartTime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TemporalScheduledById: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalSchedulePaused: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  TemporalPauseInfo: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export class Namespace {
  readonly id = randomUUID();
  /** Custom (user-registered) search attributes. */
  readonly customSearchAttributes = new Map<string, IndexedValueType>();

  constructor(readonly name: string) {}

  searchAttributeType(name: string): IndexedValueType | undefined {
    return SYSTEM_SEARCH_ATTRIBUTES[name] ?? this.customSearchAttributes.get(name);
  }

  addSearchAttribute(name: string, type: IndexedValueType): void {
    if (!name) throw invalidArgument('Search attribute name must not be empty');
    if (SYSTEM_SEARCH_ATTRIBUTES[name] !== undefined) {
      throw invalidArgument(`Search attribute ${name} is reserved by system`);
    }
    if (!IndexedValueType[type] || type === IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED) {
      throw invalidArgument(`Unknown search attribute type ${type} for ${name}`);
    }
    const existing = this.customSearchAttributes.get(name);
    if (existing !== undefined && existing !== type) {
      throw invalidArgument(`Search attribute ${name} already exists with another type`);
    }
    this.customSearchAttributes.set(name, type);
  }
}

export class Namespaces {
  private readonly byName = new Map<string, Namespace>();

  register(name: string): Namespace {
    let ns = this.byName.get(name);
    if (!ns) {
      ns = new Namespace(name);
      this.byName.set(name, ns);
    }
    return ns;
  }

  get(name: string | null | undefined): Namespace {
    const ns = this.byName.get(name || 'default');
    if (!ns) throw notFound(`Namespace ${name} is not found.`);
    return ns;
  }

  all(): Namespace[] {
    return [...this.byName.values()];
  }
}

/** `Name=Type` as the CLI takes it (`Keyword`, `Text`, `Int`, `Double`, `Bool`, `Datetime`, `KeywordList`). */
export function parseIndexedValueType(type: string): IndexedValueType {
  const normalized = type.replace(/[^a-z]/gi, '').toUpperCase();
  const byName: Record<string, IndexedValueType> = {
    KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
    DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    KEYWORDLIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  const found = byName[normalized];
  if (found === undefined) throw new Error(`Unknown search attribute type: ${type}`);
  return found;
}
