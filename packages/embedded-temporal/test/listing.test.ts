import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { useWorkerSuite } from './helpers/suite';
import { accumulate, finishSignal, upserting } from './workflows';

const region = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
const score = defineSearchAttributeKey('Score', SearchAttributeType.INT);

describe('list, count and search attributes (dev-server mode)', () => {
  const suite = useWorkerSuite({
    name: 'listing',
    mode: 'local',
    searchAttributes: { Region: 'KEYWORD', Score: 'INT' },
  });
  const { taskQueue, started } = suite;
  const batch = randomUUID();

  beforeAll(async () => {
    // Three running and two completed executions, tagged with this batch.
    for (const [i, regionName] of ['eu', 'eu', 'us', 'us', 'apac'].entries()) {
      const handle = await suite.env.client.workflow.start(accumulate, {
        taskQueue,
        workflowId: `list-${batch}-${i}`,
        args: [i],
        typedSearchAttributes: [
          { key: region, value: regionName },
          { key: score, value: i * 10 },
        ],
        memo: { batch },
      });
      started.push(handle);
      if (i % 2 === 1) {
        await handle.signal(finishSignal);
        await handle.result();
      }
    }
  });

  const ids = async (query: string) => {
    const found: string[] = [];
    for await (const execution of suite.env.client.workflow.list({ query })) found.push(execution.workflowId);
    return found.sort();
  };
  const inBatch = `WorkflowId STARTS_WITH 'list-${batch}'`;

  it('filters by custom and system attributes', async () => {
    expect(await ids(`${inBatch} AND Region = 'eu'`)).toEqual([`list-${batch}-0`, `list-${batch}-1`]);
    expect(await ids(`${inBatch} AND Region IN ('us', 'apac') AND Score >= 30`)).toEqual([
      `list-${batch}-3`,
      `list-${batch}-4`,
    ]);
    expect(await ids(`${inBatch} AND ExecutionStatus = 'Completed'`)).toEqual([`list-${batch}-1`, `list-${batch}-3`]);
    expect(await ids(`${inBatch} AND (Region = 'apac' OR Score = 0) AND WorkflowType = 'accumulate'`)).toEqual([
      `list-${batch}-0`,
      `list-${batch}-4`,
    ]);
    expect(await ids(`${inBatch} AND Region != 'eu' AND TaskQueue = '${taskQueue}'`)).toEqual([
      `list-${batch}-2`,
      `list-${batch}-3`,
      `list-${batch}-4`,
    ]);
  });

  it('returns typed search attributes and memo with each execution', async () => {
    const executions = [];
    for await (const execution of suite.env.client.workflow.list({ query: `WorkflowId = 'list-${batch}-2'` })) {
      executions.push(execution);
    }
    expect(executions).toHaveLength(1);
    expect(executions[0].typedSearchAttributes.get(region)).toBe('us');
    expect(executions[0].typedSearchAttributes.get(score)).toBe(20);
    expect(await executions[0].memo).toEqual({ batch });
  });

  it('counts, grouped by execution status', async () => {
    expect((await suite.env.client.workflow.count(inBatch)).count).toBe(5);
    const grouped = await suite.env.client.workflow.count(`${inBatch} GROUP BY ExecutionStatus`);
    const counts = Object.fromEntries(grouped.groups.map((g) => [g.groupValues[0], g.count]));
    expect(counts).toEqual({ Running: 3, Completed: 2 });
  });

  it('answers a bad query with INVALID_ARGUMENT naming the problem', async () => {
    await expect(suite.env.client.workflow.count(`NoSuchAttribute = 'x'`)).rejects.toMatchObject({
      cause: { code: status.INVALID_ARGUMENT, details: expect.stringContaining('NoSuchAttribute') },
    });
  });

  it('registers and lists search attributes through the operator service', async () => {
    const operator = suite.env.connection.operatorService;
    await operator.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { Tier: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
    });
    const listed = await operator.listSearchAttributes({ namespace: 'default' });
    expect(listed.customAttributes).toMatchObject({
      Region: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      Score: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
      Tier: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    });
    expect(listed.systemAttributes?.TemporalChangeVersion).toBe(
      temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    );
  });

  it('rejects a start with an undefined search attribute', async () => {
    await expect(
      suite.env.client.workflow.start(upserting, {
        taskQueue,
        workflowId: `bad-${randomUUID()}`,
        args: ['x'],
        searchAttributes: { Undefined: ['x'] },
      }),
    ).rejects.toMatchObject({
      cause: { code: status.INVALID_ARGUMENT, details: expect.stringContaining('Undefined') },
    });
  });
});
