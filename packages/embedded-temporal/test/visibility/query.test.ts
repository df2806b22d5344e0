import {
  VisibilityQueryError,
  compareVisibilityRecords,
  countVisibilityGroups,
  matchesVisibilityQuery,
  parseVisibilityQuery,
  type VisibilityRecord,
} from '../../src/visibility/query';
import { SearchAttributeRegistry } from '../../src/visibility/search-attributes';

const registry = new SearchAttributeRegistry({
  Stage: 'Keyword',
  Notes: 'Text',
  Attempts: 'Int',
  Score: 'Double',
  Urgent: 'Bool',
  DueAt: 'Datetime',
  Tags: 'KeywordList',
  'Odd-Name': 'Keyword',
});

let sequence = 0;
function record(overrides: Partial<VisibilityRecord> = {}): VisibilityRecord {
  sequence++;
  return {
    workflowId: `wf-${sequence}`,
    runId: `run-${sequence}`,
    workflowType: 'backgroundCheck',
    taskQueue: 'checks',
    status: 'Running',
    startTime: new Date('2024-01-10T00:00:00Z'),
    searchAttributes: {},
    ...overrides,
  };
}

/** Parses `query` and returns the workflow ids of the matching records, in input order. */
function select(query: string, records: VisibilityRecord[]): string[] {
  const parsed = parseVisibilityQuery(query, registry);
  return records.filter((r) => matchesVisibilityQuery(parsed, r)).map((r) => r.workflowId);
}

describe('parseVisibilityQuery: structure', () => {
  const a = record({ workflowId: 'a', workflowType: 'T1', taskQueue: 'q1' });
  const b = record({ workflowId: 'b', workflowType: 'T2', taskQueue: 'q1' });
  const c = record({ workflowId: 'c', workflowType: 'T2', taskQueue: 'q2' });
  const all = [a, b, c];

  it('matches everything with an empty or blank query', () => {
    expect(select('', all)).toEqual(['a', 'b', 'c']);
    expect(select('  \n\t', all)).toEqual(['a', 'b', 'c']);
    expect(parseVisibilityQuery('', registry)).toEqual({ where: undefined, orderBy: [], groupBy: [] });
  });

  it('binds AND tighter than OR', () => {
    // a OR (b AND c-queue): only a; (a OR b) AND q2 would match nothing.
    expect(select(`WorkflowId = 'a' OR WorkflowType = 'T2' AND TaskQueue = 'q2'`, all)).toEqual(['a', 'c']);
    expect(select(`(WorkflowId = 'a' OR WorkflowType = 'T2') AND TaskQueue = 'q2'`, all)).toEqual(['c']);
  });

  it('applies NOT to the next term only', () => {
    expect(select(`NOT WorkflowType = 'T2' OR TaskQueue = 'q2'`, all)).toEqual(['a', 'c']);
    expect(select(`NOT (WorkflowType = 'T2' OR TaskQueue = 'q2')`, all)).toEqual(['a']);
    expect(select(`NOT NOT WorkflowId = 'b'`, all)).toEqual(['b']);
  });

  it('reads keywords case-insensitively and backquoted names', () => {
    // Attribute names stay case-sensitive, as on the real server.
    expect(() => parseVisibilityQuery(`workflowid = 'a'`, registry)).toThrow(
      'search attribute workflowid is not defined',
    );
    expect(select(`\`WorkflowId\` = 'a' or WorkflowId in ('b')`, all)).toEqual(['a', 'b']);
    const odd = record({ workflowId: 'odd', searchAttributes: { 'Odd-Name': 'x' } });
    expect(select('`Odd-Name` = "x"', [a, odd])).toEqual(['odd']);
  });

  it('parses quoted strings with escapes', () => {
    const quoted = record({ workflowId: `it's "quoted" \\ done` });
    const q = [quoted];
    expect(select(`WorkflowId = 'it\\'s "quoted" \\\\ done'`, q)).toEqual([quoted.workflowId]);
    expect(select(`WorkflowId = 'it''s "quoted" \\\\ done'`, q)).toEqual([quoted.workflowId]);
    expect(select(`WorkflowId = "it's \\"quoted\\" \\\\ done"`, q)).toEqual([quoted.workflowId]);
    expect(select(`WorkflowId = 'it''s'`, q)).toEqual([]);
  });

  it('treats <> as !=', () => {
    expect(select(`WorkflowType <> 'T2'`, all)).toEqual(['a']);
    expect(select(`WorkflowType != 'T2'`, all)).toEqual(['a']);
  });
});

describe('parseVisibilityQuery: system attributes', () => {
  it('filters by ExecutionStatus names and enum numbers', () => {
    const running = record({ workflowId: 'r' });
    const done = record({ workflowId: 'd', status: 'Completed', closeTime: new Date('2024-01-11T00:00:00Z') });
    const failed = record({ workflowId: 'f', status: 'Failed', closeTime: new Date('2024-01-11T00:00:00Z') });
    const all = [running, done, failed];
    expect(select(`ExecutionStatus = 'Running'`, all)).toEqual(['r']);
    expect(select(`ExecutionStatus != "Running"`, all)).toEqual(['d', 'f']);
    expect(select(`ExecutionStatus IN ('Completed', 'Failed')`, all)).toEqual(['d', 'f']);
    expect(select(`ExecutionStatus NOT IN ('Completed', 'Failed')`, all)).toEqual(['r']);
    expect(select(`ExecutionStatus = 2`, all)).toEqual(['d']);
    expect(() => parseVisibilityQuery(`ExecutionStatus = 'Done'`, registry)).toThrow(
      'invalid value "Done" for ExecutionStatus (type Keyword): expected one of Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut',
    );
    expect(() => parseVisibilityQuery(`ExecutionStatus > 'Running'`, registry)).toThrow(
      'operator > is not supported for ExecutionStatus',
    );
  });

  it('compares StartTime, CloseTime and ExecutionTime as instants across time zones', () => {
    const early = record({ workflowId: 'early', startTime: new Date('2024-01-01T10:00:00Z') });
    const late = record({
      workflowId: 'late',
      startTime: new Date('2024-01-03T10:00:00Z'),
      executionTime: new Date('2024-01-04T10:00:00Z'),
      closeTime: new Date('2024-01-05T00:00:00Z'),
      status: 'Completed',
    });
    const all = [early, late];
    expect(select(`StartTime > '2024-01-02T00:00:00Z'`, all)).toEqual(['late']);
    expect(select(`StartTime <= "2024-01-01T12:00:00+02:00"`, all)).toEqual(['early']); // 10:00Z
    expect(select(`StartTime < "2024-01-01T11:59:59+02:00"`, all)).toEqual([]);
    expect(select(`StartTime >= '2024-01-01T10:00:00.000Z' AND StartTime < '2024-01-03T10:00:00Z'`, all)).toEqual([
      'early',
    ]);
    expect(select(`StartTime BETWEEN '2024-01-01T10:00:00Z' AND '2024-01-03T10:00:00Z'`, all)).toEqual([
      'early',
      'late',
    ]);
    expect(select(`StartTime NOT BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-09T00:00:00Z'`, all)).toEqual(['early']);
    // Nanosecond fractions (as Go clients send them) are accepted; instants compare at millisecond precision.
    expect(select(`StartTime = '2024-01-01T10:00:00.000000000Z'`, all)).toEqual(['early']);
    expect(select(`ExecutionTime > '2024-01-03T12:00:00Z'`, all)).toEqual(['late']);
    expect(select(`ExecutionTime = '2024-01-01T10:00:00Z'`, all)).toEqual(['early']); // defaults to StartTime
    expect(select(`CloseTime IS NULL`, all)).toEqual(['early']);
    expect(select(`CloseTime IS NOT NULL`, all)).toEqual(['late']);
    expect(select(`CloseTime < '2030-01-01T00:00:00Z'`, all)).toEqual(['late']);
  });

  it('rejects datetime literals that are not RFC 3339 instants', () => {
    for (const literal of [`'2024-01-01'`, `'yesterday'`, `'2024-01-01T00:00:00'`, '1704067200']) {
      expect(() => parseVisibilityQuery(`StartTime > ${literal}`, registry)).toThrow(
        /invalid value .* for StartTime \(type Datetime\): expected an RFC 3339 time/,
      );
    }
  });

  it('computes ExecutionDuration of closed executions in nanoseconds', () => {
    const quick = record({
      workflowId: 'quick',
      status: 'Completed',
      startTime: new Date('2024-01-01T00:00:00Z'),
      closeTime: new Date('2024-01-01T00:00:30Z'),
    });
    const slow = record({
      workflowId: 'slow',
      status: 'Completed',
      startTime: new Date('2024-01-01T00:00:00Z'),
      closeTime: new Date('2024-01-01T02:00:00Z'),
    });
    const open = record({ workflowId: 'open' });
    const all = [quick, slow, open];
    expect(select(`ExecutionDuration < '1m'`, all)).toEqual(['quick']);
    expect(select(`ExecutionDuration >= '1h30m'`, all)).toEqual(['slow']);
    expect(select(`ExecutionDuration = 30000000000`, all)).toEqual(['quick']);
    expect(() => parseVisibilityQuery(`ExecutionDuration > 'soon'`, registry)).toThrow('ExecutionDuration');
  });

  it('supports STARTS_WITH on keywords', () => {
    const all = [record({ workflowId: 'check-1' }), record({ workflowId: 'check-2' }), record({ workflowId: 'other' })];
    expect(select(`WorkflowId STARTS_WITH 'check-'`, all)).toEqual(['check-1', 'check-2']);
    expect(select(`WorkflowId NOT STARTS_WITH 'check-'`, all)).toEqual(['other']);
    expect(() => parseVisibilityQuery(`WorkflowId STARTS_WITH 3`, registry)).toThrow(
      'STARTS_WITH on WorkflowId needs a string',
    );
  });

  it('reads predefined attributes such as TemporalChangeVersion from the search attributes', () => {
    const patched = record({ workflowId: 'p', searchAttributes: { TemporalChangeVersion: ['my-patch'] } });
    expect(select(`TemporalChangeVersion = 'my-patch'`, [patched, record()])).toEqual(['p']);
  });
});

describe('parseVisibilityQuery: custom attributes per type', () => {
  const x = record({
    workflowId: 'x',
    searchAttributes: {
      Stage: 'associating',
      Notes: 'Waiting for the Attestr profile',
      Attempts: 3,
      Score: 0.75,
      Urgent: true,
      DueAt: new Date('2024-02-01T00:00:00Z'),
      Tags: ['vip', 'eu'],
    },
  });
  const y = record({
    workflowId: 'y',
    searchAttributes: {
      Stage: ['awaiting_decision'], // as the legacy untyped API stores it
      Notes: 'approved by reviewer',
      Attempts: 10,
      Score: 2,
      Urgent: false,
      DueAt: '2024-03-01T00:00:00Z',
      Tags: ['us'],
    },
  });
  const empty = record({ workflowId: 'empty' });
  const all = [x, y, empty];

  it.each([
    [`Stage = 'associating'`, ['x']],
    [`Stage = 'awaiting_decision'`, ['y']],
    [`Stage IN ('associating', 'awaiting_decision')`, ['x', 'y']],
    [`Stage NOT IN ('associating')`, ['y']],
    [`Stage > 'associating'`, ['y']],
    [`Stage <= 'associating'`, ['x']],
    [`Stage BETWEEN 'a' AND 'az'`, ['x', 'y']],
    [`Stage STARTS_WITH 'await'`, ['y']],
    [`Stage IS NULL`, ['empty']],
    [`Attempts = 3`, ['x']],
    [`Attempts >= 3`, ['x', 'y']],
    [`Attempts > 3`, ['y']],
    [`Attempts < 10`, ['x']],
    [`Attempts <= 10`, ['x', 'y']],
    [`Attempts != 3`, ['y']],
    [`Attempts IN (1, 10)`, ['y']],
    [`Attempts BETWEEN 4 AND 10`, ['y']],
    [`Score > 0.5 AND Score < 1.5`, ['x']],
    [`Score = 2`, ['y']],
    [`Score >= -1e3`, ['x', 'y']],
    [`Urgent = true`, ['x']],
    [`Urgent = FALSE`, ['y']],
    [`Urgent != true`, ['y']],
    [`DueAt < '2024-02-15T00:00:00Z'`, ['x']],
    [`DueAt BETWEEN '2024-02-01T00:00:00Z' AND '2024-03-01T00:00:00Z'`, ['x', 'y']],
    [`Tags = 'eu'`, ['x']],
    [`Tags = 'us'`, ['y']],
    [`Tags != 'eu'`, ['y']],
    [`Tags IN ('us', 'eu')`, ['x', 'y']],
    [`Tags NOT IN ('vip')`, ['y']],
    [`Tags STARTS_WITH 'v'`, ['x']],
    [`Tags IS NOT NULL`, ['x', 'y']],
    [`Notes = 'attestr profile'`, ['x']],
    [`Notes = 'Approved'`, ['y']],
    [`Notes != 'reviewer'`, ['x']],
  ])('%s', (query, expected) => {
    expect(select(query, all)).toEqual(expected);
  });

  it('treats a comparison with a missing value as unknown, as SQL does', () => {
    expect(select(`Stage != 'associating'`, all)).toEqual(['y']);
    expect(select(`NOT Stage = 'associating'`, all)).toEqual(['y']);
    // UNKNOWN AND TRUE is UNKNOWN, UNKNOWN AND FALSE is FALSE (so its negation matches).
    expect(select(`NOT (Stage = 'associating' AND WorkflowId = 'empty')`, all)).toEqual(['x', 'y']);
    expect(select(`NOT (Stage = 'associating' AND WorkflowId = 'x')`, all)).toEqual(['y', 'empty']);
    expect(select(`Stage = 'associating' OR WorkflowId = 'empty'`, all)).toEqual(['x', 'empty']);
    expect(select(`Stage IS NULL OR Stage != 'associating'`, all)).toEqual(['y', 'empty']);
  });

  it.each([
    [`Attempts = '3'`, 'invalid value "3" for Attempts (type Int): expected an integer'],
    [`Attempts = 1.5`, 'invalid value 1.5 for Attempts (type Int): expected an integer'],
    [`Score = 'high'`, 'invalid value "high" for Score (type Double): expected a number'],
    [`Urgent = 'true'`, 'invalid value "true" for Urgent (type Bool): expected true or false'],
    [`Stage = 3`, 'invalid value 3 for Stage (type Keyword): expected a string'],
    [`Tags > 'a'`, 'operator > is not supported for Tags (type KeywordList)'],
    [`Tags BETWEEN 'a' AND 'b'`, 'operator BETWEEN is not supported for Tags (type KeywordList)'],
    [`Notes STARTS_WITH 'a'`, 'operator STARTS_WITH is not supported for Notes (type Text)'],
    [`Notes < 'a'`, 'operator < is not supported for Notes (type Text)'],
    [`Urgent > false`, 'operator > is not supported for Urgent (type Bool)'],
    [`Attempts STARTS_WITH '1'`, 'operator STARTS_WITH is not supported for Attempts (type Int)'],
  ])('rejects %s', (query, message) => {
    expect(() => parseVisibilityQuery(query, registry)).toThrow(message);
  });
});

describe('parseVisibilityQuery: ORDER BY and GROUP BY', () => {
  it('parses ORDER BY with directions, with or without a condition', () => {
    expect(parseVisibilityQuery(`ORDER BY StartTime DESC`, registry).orderBy).toEqual([
      { attribute: 'StartTime', direction: 'desc' },
    ]);
    const parsed = parseVisibilityQuery(`WorkflowType = 'T' order by CloseTime asc, StartTime`, registry);
    expect(parsed.where).toMatchObject({ kind: 'compare', attribute: 'WorkflowType' });
    expect(parsed.orderBy).toEqual([
      { attribute: 'CloseTime', direction: 'asc' },
      { attribute: 'StartTime', direction: 'asc' },
    ]);
    expect(() => parseVisibilityQuery(`ORDER BY Tags`, registry)).toThrow('ORDER BY is not supported for Tags');
  });

  it('sorts by ORDER BY, missing values last, and by default open executions first then newest', () => {
    const old = record({ workflowId: 'old', startTime: new Date('2024-01-01T00:00:00Z') });
    const recent = record({ workflowId: 'recent', startTime: new Date('2024-01-05T00:00:00Z') });
    const closed = record({
      workflowId: 'closed',
      status: 'Completed',
      startTime: new Date('2024-01-09T00:00:00Z'),
      closeTime: new Date('2024-01-10T00:00:00Z'),
    });
    const sorted = (query: string) =>
      [old, closed, recent]
        .sort(compareVisibilityRecords(parseVisibilityQuery(query, registry), registry))
        .map((r) => r.workflowId);
    expect(sorted('')).toEqual(['recent', 'old', 'closed']);
    expect(sorted('ORDER BY StartTime ASC')).toEqual(['old', 'recent', 'closed']);
    expect(sorted('ORDER BY StartTime DESC')).toEqual(['closed', 'recent', 'old']);
    expect(sorted('ORDER BY CloseTime DESC, StartTime ASC')).toEqual(['closed', 'old', 'recent']);
  });

  it('accepts GROUP BY ExecutionStatus in count queries and counts per status', () => {
    const records = [
      record({ status: 'Running' }),
      record({ status: 'Completed', taskQueue: 'other' }),
      record({ status: 'Completed' }),
      record({ status: 'Failed' }),
    ];
    const parsed = parseVisibilityQuery(`TaskQueue = 'checks' GROUP BY ExecutionStatus`, registry, {
      allowGroupBy: true,
    });
    expect(parsed.groupBy).toEqual(['ExecutionStatus']);
    expect(countVisibilityGroups(parsed, records)).toEqual([
      { groupValues: ['Running'], count: 1 },
      { groupValues: ['Completed'], count: 1 },
      { groupValues: ['Failed'], count: 1 },
    ]);
    expect(parseVisibilityQuery(`GROUP BY ExecutionStatus`, registry, { allowGroupBy: true }).where).toBeUndefined();
  });

  it.each([
    [`GROUP BY WorkflowType`, 'GROUP BY is only supported for the ExecutionStatus search attribute'],
    [`GROUP BY ExecutionStatus, TaskQueue`, 'GROUP BY is only supported for the ExecutionStatus search attribute'],
    [`GROUP BY ExecutionStatus ORDER BY StartTime`, 'ORDER BY is not supported together with GROUP BY'],
    [`ORDER BY StartTime GROUP BY ExecutionStatus`, 'GROUP BY must come before ORDER BY'],
  ])('rejects %s', (query, message) => {
    expect(() => parseVisibilityQuery(query, registry, { allowGroupBy: true })).toThrow(message);
  });

  it('rejects GROUP BY outside count queries', () => {
    expect(() => parseVisibilityQuery(`GROUP BY ExecutionStatus`, registry)).toThrow(
      'GROUP BY is only supported in a count query',
    );
  });
});

describe('parseVisibilityQuery: syntax errors', () => {
  it.each([
    [`Unknown = 'x'`, 'search attribute Unknown is not defined'],
    [`WorkflowId = 'x`, 'unterminated string starting at position 13'],
    ['`WorkflowId = 1', 'unterminated backquoted name starting at position 0'],
    [`WorkflowId = 'x' AND`, 'expected a search attribute name, got end of query'],
    [`WorkflowId 'x'`, `expected an operator after WorkflowId, got string "x" at position 11`],
    [`(WorkflowId = 'x'`, `expected ')', got end of query`],
    [`WorkflowId = 'x')`, `unexpected ')' at position 16`],
    [`WorkflowId = 'x' WorkflowType = 'y'`, `unexpected 'WorkflowType' at position 17`],
    [`WorkflowId IN ()`, `expected a value for WorkflowId, got ')'`],
    [`WorkflowId = RunId`, `expected a value for WorkflowId, got 'RunId'`],
    [`'x' = WorkflowId`, `expected a search attribute name, got string "x" at position 0`],
    [`WorkflowId IS 'x'`, `expected NULL, got string "x"`],
    [`WorkflowId = 'x' ; DROP TABLE`, `unexpected character ';' at position 17`],
    [`StartTime BETWEEN '2024-01-01T00:00:00Z' '2024-01-02T00:00:00Z'`, 'expected AND'],
  ])('%s', (query, message) => {
    let error: unknown;
    try {
      parseVisibilityQuery(query, registry);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VisibilityQueryError);
    expect((error as Error).message).toContain(message);
  });
});
