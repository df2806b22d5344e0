/**
 * The visibility query language of ListWorkflowExecutions / CountWorkflowExecutions, in the
 * subset users write: comparisons, IN, BETWEEN, STARTS_WITH, IS NULL, AND/OR/NOT, ORDER BY and
 * `GROUP BY ExecutionStatus`. A query is parsed once into a typed condition tree (literals
 * already converted to the attribute's type) and then evaluated against in-memory records.
 *
 * Evaluation follows SQL (the dev server's SQLite visibility): a condition on a missing value is
 * UNKNOWN, not false, so `X != 'a'` and `NOT X = 'a'` do not match executions without `X`.
 */
import { parseRfc3339, type IndexedValueTypeName } from './search-attributes';

export const EXECUTION_STATUSES = [
  'Running',
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
  'ContinuedAsNew',
  'TimedOut',
] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

/** What the service keeps per execution for listing. */
export interface VisibilityRecord {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: ExecutionStatusName;
  startTime: Date;
  closeTime?: Date;
  /** Start time plus start delay; defaults to `startTime`. */
  executionTime?: Date;
  /** Decoded custom and predefined attribute values (see `SearchAttributeRegistry.decodeAll`). */
  searchAttributes: Record<string, unknown>;
}

/** Bad query; the frontend maps it to INVALID_ARGUMENT with this message. */
export class VisibilityQueryError extends Error {
  override readonly name = 'VisibilityQueryError';
}

/** The part of the registry the parser needs. */
export interface AttributeTypes {
  typeOf(name: string): IndexedValueTypeName | undefined;
}

/** Literals after conversion: Datetime → epoch milliseconds, ExecutionDuration → nanoseconds. */
export type Literal = string | number | boolean;
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

interface AttributeRef {
  attribute: string;
  type: IndexedValueTypeName;
}

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | ({ kind: 'compare'; operator: ComparisonOperator; value: Literal } & AttributeRef)
  | ({ kind: 'in'; values: Literal[]; negated: boolean } & AttributeRef)
  | ({ kind: 'between'; low: Literal; high: Literal; negated: boolean } & AttributeRef)
  | ({ kind: 'startsWith'; prefix: string; negated: boolean } & AttributeRef)
  | ({ kind: 'isNull'; negated: boolean } & AttributeRef);

export interface OrderByItem {
  attribute: string;
  direction: 'asc' | 'desc';
}

export interface VisibilityQuery {
  /** Absent for an empty query (or one with only ORDER BY / GROUP BY): matches everything. */
  where?: Condition;
  orderBy: OrderByItem[];
  /** `['ExecutionStatus']` or empty: the only grouping the real server accepts. */
  groupBy: string[];
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'keyword'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'symbol'; text: string; pos: number }
  | { kind: 'end'; pos: number };

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'IS',
  'NULL',
  'ORDER',
  'GROUP',
  'BY',
  'ASC',
  'DESC',
  'STARTS_WITH',
  'TRUE',
  'FALSE',
]);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query.charAt(i);
    const pos = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      // Backslash escapes and doubled quotes, as in MySQL-style SQL.
      let value = '';
      i++;
      for (;;) {
        if (i >= query.length) throw new VisibilityQueryError(`unterminated string starting at position ${pos}`);
        const d = query.charAt(i);
        if (d === '\\' && i + 1 < query.length) {
          const e = query.charAt(i + 1);
          value += ESCAPES[e] ?? e;
          i += 2;
        } else if (d === c && query.charAt(i + 1) === c) {
          value += c;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', value, pos });
    } else if (c === '`') {
      const end = query.indexOf('`', i + 1);
      if (end < 0) throw new VisibilityQueryError(`unterminated backquoted name starting at position ${pos}`);
      tokens.push({ kind: 'ident', text: query.slice(i + 1, end), pos });
      i = end + 1;
    } else if (/[-+\d.]/.test(c)) {
      const match = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(query.slice(i));
      if (!match) throw new VisibilityQueryError(`unexpected character '${c}' at position ${pos}`);
      tokens.push({ kind: 'number', value: Number(match[0]), pos });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i))![0];
      const upper = word.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: 'keyword', text: upper, pos } : { kind: 'ident', text: word, pos });
      i += word.length;
    } else {
      const symbol = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ','].find((s) => query.startsWith(s, i));
      if (!symbol) throw new VisibilityQueryError(`unexpected character '${c}' at position ${pos}`);
      tokens.push({ kind: 'symbol', text: symbol === '<>' ? '!=' : symbol, pos });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'end', pos: query.length });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of query';
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'number':
      return `number ${token.value}`;
    default:
      return `'${token.text}'`;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser: recursive descent, precedence NOT > AND > OR.

type Operation = ComparisonOperator | 'IN' | 'BETWEEN' | 'STARTS_WITH' | 'IS NULL';
const ORDERING: Operation[] = ['=', '!=', '<', '<=', '>', '>=', 'IN', 'BETWEEN', 'IS NULL'];

/** Which operations each type supports; the special system attributes narrow this further. */
const ALLOWED_OPERATIONS: Record<IndexedValueTypeName, Operation[]> = {
  Keyword: [...ORDERING, 'STARTS_WITH'],
  Text: ['=', '!=', 'IS NULL'],
  KeywordList: ['=', '!=', 'IN', 'STARTS_WITH', 'IS NULL'],
  Int: ORDERING,
  Double: ORDERING,
  Datetime: ORDERING,
  Bool: ['=', '!=', 'IN', 'IS NULL'],
};
const STATUS_OPERATIONS: Operation[] = ['=', '!=', 'IN', 'IS NULL'];

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    query: string,
    private readonly types: AttributeTypes,
  ) {
    this.tokens = tokenize(query);
  }

  parse(): VisibilityQuery {
    let where: Condition | undefined;
    if (!this.atKeyword('ORDER') && !this.atKeyword('GROUP') && this.peek().kind !== 'end') {
      where = this.parseOr();
    }
    const groupBy = this.acceptKeyword('GROUP') ? this.parseGroupBy() : [];
    const orderBy = this.acceptKeyword('ORDER') ? this.parseOrderBy() : [];
    const rest = this.peek();
    if (rest.kind !== 'end') {
      const hint = rest.kind === 'keyword' && rest.text === 'GROUP' ? ' (GROUP BY must come before ORDER BY)' : '';
      throw new VisibilityQueryError(`unexpected ${describe(rest)} at position ${rest.pos}${hint}`);
    }
    return { where, orderBy, groupBy };
  }

  private parseOr(): Condition {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Condition {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.parseNot() };
    if (this.acceptSymbol('(')) {
      const inner = this.parseOr();
      this.expectSymbol(')');
      return inner;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Condition {
    const ref = this.parseAttribute();
    const next = this.next();
    if (next.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(next.text)) {
      const operator = next.text as ComparisonOperator;
      this.checkOperation(ref, operator);
      return { kind: 'compare', ...ref, operator, value: this.parseValue(ref) };
    }
    if (next.kind === 'keyword' && next.text === 'IS') {
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      this.checkOperation(ref, 'IS NULL');
      return { kind: 'isNull', ...ref, negated };
    }
    const negated = next.kind === 'keyword' && next.text === 'NOT';
    const op = negated ? this.next() : next;
    if (op.kind === 'keyword' && op.text === 'IN') {
      this.checkOperation(ref, 'IN');
      this.expectSymbol('(');
      const values = [this.parseValue(ref)];
      while (this.acceptSymbol(',')) values.push(this.parseValue(ref));
      this.expectSymbol(')');
      return { kind: 'in', ...ref, values, negated };
    }
    if (op.kind === 'keyword' && op.text === 'BETWEEN') {
      this.checkOperation(ref, 'BETWEEN');
      const low = this.parseValue(ref);
      this.expectKeyword('AND');
      return { kind: 'between', ...ref, low, high: this.parseValue(ref), negated };
    }
    if (op.kind === 'keyword' && op.text === 'STARTS_WITH') {
      this.checkOperation(ref, 'STARTS_WITH');
      const token = this.next();
      if (token.kind !== 'string') {
        throw new VisibilityQueryError(`STARTS_WITH on ${ref.attribute} needs a string, got ${describe(token)}`);
      }
      return { kind: 'startsWith', ...ref, prefix: token.value, negated };
    }
    throw new VisibilityQueryError(
      `expected an operator after ${ref.attribute}, got ${describe(op)} at position ${op.pos}`,
    );
  }

  private parseAttribute(): AttributeRef {
    const token = this.next();
    if (token.kind !== 'ident') {
      throw new VisibilityQueryError(
        `expected a search attribute name, got ${describe(token)} at position ${token.pos}`,
      );
    }
    const type = this.types.typeOf(token.text);
    if (type === undefined) {
      throw new VisibilityQueryError(`search attribute ${token.text} is not defined`);
    }
    return { attribute: token.text, type };
  }

  private checkOperation(ref: AttributeRef, operation: Operation): void {
    const allowed = ref.attribute === 'ExecutionStatus' ? STATUS_OPERATIONS : ALLOWED_OPERATIONS[ref.type];
    if (!allowed.includes(operation)) {
      throw new VisibilityQueryError(
        `operator ${operation} is not supported for ${ref.attribute} (type ${ref.type}); supported: ${allowed.join(', ')}`,
      );
    }
  }

  /** Reads one literal and converts it to the attribute's type. */
  private parseValue(ref: AttributeRef): Literal {
    const token = this.next();
    let raw: Literal;
    if (token.kind === 'string' || token.kind === 'number') raw = token.value;
    else if (token.kind === 'keyword' && (token.text === 'TRUE' || token.text === 'FALSE')) raw = token.text === 'TRUE';
    else
      throw new VisibilityQueryError(
        `expected a value for ${ref.attribute}, got ${describe(token)} at position ${token.pos}`,
      );
    return convertLiteral(ref, raw);
  }

  private parseGroupBy(): string[] {
    this.expectKeyword('BY');
    const names = [this.parseAttribute().attribute];
    while (this.acceptSymbol(',')) names.push(this.parseAttribute().attribute);
    if (names.length !== 1 || names[0] !== 'ExecutionStatus') {
      throw new VisibilityQueryError(`GROUP BY is only supported for the ExecutionStatus search attribute`);
    }
    return names;
  }

  private parseOrderBy(): OrderByItem[] {
    this.expectKeyword('BY');
    const items: OrderByItem[] = [];
    do {
      const ref = this.parseAttribute();
      if (ref.type === 'Text' || ref.type === 'KeywordList') {
        throw new VisibilityQueryError(`ORDER BY is not supported for ${ref.attribute} (type ${ref.type})`);
      }
      const descending = this.acceptKeyword('DESC');
      if (!descending) this.acceptKeyword('ASC');
      items.push({ attribute: ref.attribute, direction: descending ? 'desc' : 'asc' });
    } while (this.acceptSymbol(','));
    return items;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }
  private atKeyword(text: string): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.text === text;
  }
  private acceptKeyword(text: string): boolean {
    if (!this.atKeyword(text)) return false;
    this.index++;
    return true;
  }
  private expectKeyword(text: string): void {
    const token = this.peek();
    if (!this.acceptKeyword(text)) {
      throw new VisibilityQueryError(`expected ${text}, got ${describe(token)} at position ${token.pos}`);
    }
  }
  private acceptSymbol(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== text) return false;
    this.index++;
    return true;
  }
  private expectSymbol(text: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(text)) {
      throw new VisibilityQueryError(`expected '${text}', got ${describe(token)} at position ${token.pos}`);
    }
  }
}

const GO_DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go-style duration (`90s`, `1h30m`, `250ms`) to nanoseconds, as the server accepts for ExecutionDuration. */
function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * GO_DURATION_UNITS[unit!]!;
  }
  return Math.round(total);
}

function convertLiteral(ref: AttributeRef, raw: Literal): Literal {
  const { attribute, type } = ref;
  const invalid = (expected: string) =>
    new VisibilityQueryError(
      `invalid value ${JSON.stringify(raw)} for ${attribute} (type ${type}): expected ${expected}`,
    );
  if (attribute === 'ExecutionStatus') {
    // Names, or the enum number as the server also accepts.
    const status = typeof raw === 'number' ? EXECUTION_STATUSES[raw - 1] : raw;
    if (typeof status !== 'string' || !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
      throw invalid(`one of ${EXECUTION_STATUSES.join(', ')}`);
    }
    return status;
  }
  if (attribute === 'ExecutionDuration') {
    const nanos = typeof raw === 'string' ? parseGoDuration(raw) : raw;
    if (typeof nanos !== 'number' || !Number.isInteger(nanos)) throw invalid('nanoseconds or a duration like "90s"');
    return nanos;
  }
  switch (type) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      if (typeof raw !== 'string') throw invalid('a string');
      return raw;
    case 'Int':
      if (!Number.isSafeInteger(raw)) throw invalid('an integer');
      return raw;
    case 'Double':
      if (typeof raw !== 'number') throw invalid('a number');
      return raw;
    case 'Bool':
      if (typeof raw !== 'boolean') throw invalid('true or false');
      return raw;
    case 'Datetime': {
      const date = typeof raw === 'string' ? parseRfc3339(raw) : undefined;
      if (!date) throw invalid('an RFC 3339 time like "2024-01-02T03:04:05Z"');
      return date.getTime();
    }
  }
}

/**
 * Parses and type-checks a visibility query against a namespace's attributes.
 * `allowGroupBy`: only CountWorkflowExecutions accepts GROUP BY.
 */
export function parseVisibilityQuery(
  query: string,
  types: AttributeTypes,
  options: { allowGroupBy?: boolean } = {},
): VisibilityQuery {
  const parsed = new Parser(query, types).parse();
  if (parsed.groupBy.length > 0 && !options.allowGroupBy) {
    throw new VisibilityQueryError('GROUP BY is only supported in a count query');
  }
  if (parsed.groupBy.length > 0 && parsed.orderBy.length > 0) {
    throw new VisibilityQueryError('ORDER BY is not supported together with GROUP BY');
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** A record's value for an attribute in comparable form, or null when it has none. */
export function attributeValue(record: VisibilityRecord, attribute: string, type: IndexedValueTypeName): unknown {
  switch (attribute) {
    case 'WorkflowId':
      return record.workflowId;
    case 'RunId':
      return record.runId;
    case 'WorkflowType':
      return record.workflowType;
    case 'TaskQueue':
      return record.taskQueue;
    case 'ExecutionStatus':
      return record.status;
    case 'StartTime':
      return record.startTime.getTime();
    case 'CloseTime':
      return record.closeTime?.getTime() ?? null;
    case 'ExecutionTime':
      return (record.executionTime ?? record.startTime).getTime();
    case 'ExecutionDuration':
      if (!record.closeTime) return null;
      return (record.closeTime.getTime() - (record.executionTime ?? record.startTime).getTime()) * 1e6;
  }
  const value = normalizeStored(record.searchAttributes[attribute], type);
  return value === undefined ? null : value;
}

/** Tolerates values as the untyped SDK API gives them (one-element arrays, ISO strings). */
function normalizeStored(value: unknown, type: IndexedValueTypeName): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'KeywordList') {
    const list = Array.isArray(value) ? value : [value];
    return list.length === 0 ? null : list;
  }
  const scalar = Array.isArray(value) ? (value.length === 1 ? value[0] : null) : value;
  if (type === 'Datetime') {
    if (scalar instanceof Date) return scalar.getTime();
    if (typeof scalar === 'string') return parseRfc3339(scalar)?.getTime() ?? null;
    return null;
  }
  return scalar;
}

/** SQL's three-valued logic: null is UNKNOWN. */
type Truth = boolean | null;

function compare(operator: ComparisonOperator, left: unknown, right: Literal): boolean {
  switch (operator) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return (left as Literal) < right;
    case '<=':
      return (left as Literal) <= right;
    case '>':
      return (left as Literal) > right;
    case '>=':
      return (left as Literal) >= right;
  }
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Text `=` is a full-text match: every word of the literal appears in the value. */
function textMatches(value: string, literal: string): boolean {
  const present = new Set(words(value));
  return words(literal).every((word) => present.has(word));
}

function evaluate(condition: Condition, record: VisibilityRecord): Truth {
  switch (condition.kind) {
    case 'and': {
      const left = evaluate(condition.left, record);
      if (left === false) return false;
      const right = evaluate(condition.right, record);
      return right === false ? false : left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluate(condition.left, record);
      if (left === true) return true;
      const right = evaluate(condition.right, record);
      return right === true ? true : left === null || right === null ? null : false;
    }
    case 'not': {
      const inner = evaluate(condition.operand, record);
      return inner === null ? null : !inner;
    }
    case 'isNull': {
      const isNull = attributeValue(record, condition.attribute, condition.type) === null;
      return condition.negated ? !isNull : isNull;
    }
  }
  const value = attributeValue(record, condition.attribute, condition.type);
  if (value === null) return null;
  let result: boolean;
  if (condition.type === 'KeywordList') {
    // A list "equals" a literal when it contains it.
    const list = value as string[];
    switch (condition.kind) {
      case 'compare':
        result = list.includes(condition.value as string) === (condition.operator === '=');
        break;
      case 'in':
        result = condition.values.some((v) => list.includes(v as string)) !== condition.negated;
        break;
      case 'startsWith':
        result = list.some((item) => item.startsWith(condition.prefix)) !== condition.negated;
        break;
      default:
        return null; // rejected by the parser
    }
    return result;
  }
  switch (condition.kind) {
    case 'compare':
      if (condition.type === 'Text' && typeof value === 'string') {
        result = textMatches(value, condition.value as string) === (condition.operator === '=');
      } else {
        result = compare(condition.operator, value, condition.value);
      }
      break;
    case 'in':
      result = condition.values.includes(value as Literal) !== condition.negated;
      break;
    case 'between':
      result = (compare('>=', value, condition.low) && compare('<=', value, condition.high)) !== condition.negated;
      break;
    case 'startsWith':
      result = typeof value === 'string' && value.startsWith(condition.prefix) !== condition.negated;
      break;
  }
  return result;
}

/** True when the record satisfies the query (an empty query matches every record). */
export function matchesVisibilityQuery(query: VisibilityQuery, record: VisibilityRecord): boolean {
  return query.where === undefined || evaluate(query.where, record) === true;
}

/**
 * Comparator for listing. Without ORDER BY it is the server's default: open executions first,
 * then by close time and start time, newest first. Missing values sort last.
 */
export function compareVisibilityRecords(
  query: VisibilityQuery,
  types: AttributeTypes,
): (a: VisibilityRecord, b: VisibilityRecord) => number {
  const FAR_FUTURE = Number.MAX_SAFE_INTEGER;
  const keys: { value: (r: VisibilityRecord) => unknown; direction: 'asc' | 'desc' }[] =
    query.orderBy.length > 0
      ? query.orderBy.map(({ attribute, direction }) => {
          const type = types.typeOf(attribute) ?? 'Keyword';
          return { value: (r: VisibilityRecord) => attributeValue(r, attribute, type), direction };
        })
      : [
          { value: (r) => r.closeTime?.getTime() ?? FAR_FUTURE, direction: 'desc' },
          { value: (r) => r.startTime.getTime(), direction: 'desc' },
        ];
  keys.push({ value: (r) => r.runId, direction: 'asc' }); // a stable total order for paging
  return (a, b) => {
    for (const key of keys) {
      const x = key.value(a) as Literal | null;
      const y = key.value(b) as Literal | null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const order = x < y ? -1 : 1;
      return key.direction === 'asc' ? order : -order;
    }
    return 0;
  };
}

/** CountWorkflowExecutions with GROUP BY ExecutionStatus: one group per status present. */
export function countVisibilityGroups(
  query: VisibilityQuery,
  records: Iterable<VisibilityRecord>,
): { groupValues: ExecutionStatusName[]; count: number }[] {
  const counts = new Map<ExecutionStatusName, number>();
  for (const record of records) {
    if (matchesVisibilityQuery(query, record)) counts.set(record.status, (counts.get(record.status) ?? 0) + 1);
  }
  return [...counts.entries()].map(([status, count]) => ({ groupValues: [status], count }));
}
