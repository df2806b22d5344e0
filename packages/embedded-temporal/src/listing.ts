/** ListWorkflowExecutions / CountWorkflowExecutions over the runs in memory. */
import type { temporal } from '@temporalio/proto';
import { executionInfo } from './describe';
import type { Effects } from './effects';
import { enums } from './enums';
import { invalidArgument } from './errors';
import { i64 } from './proto';
import {
  compareVisibilityRecords,
  countVisibilityGroups,
  matchesVisibilityQuery,
  parseVisibilityQuery,
  VisibilityQueryError,
  type ExecutionStatusName,
  type VisibilityQuery,
  type VisibilityRecord,
} from './visibility';
import type { Namespace } from './namespaces';
import type { WorkflowRun } from './state/workflow-run';

const { WorkflowExecutionStatus: Status } = enums;
const STATUS_NAMES: Record<number, ExecutionStatusName> = {
  [Status.WORKFLOW_EXECUTION_STATUS_RUNNING]: 'Running',
  [Status.WORKFLOW_EXECUTION_STATUS_COMPLETED]: 'Completed',
  [Status.WORKFLOW_EXECUTION_STATUS_FAILED]: 'Failed',
  [Status.WORKFLOW_EXECUTION_STATUS_CANCELED]: 'Canceled',
  [Status.WORKFLOW_EXECUTION_STATUS_TERMINATED]: 'Terminated',
  [Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW]: 'ContinuedAsNew',
  [Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT]: 'TimedOut',
};
const DEFAULT_PAGE_SIZE = 1000;

export class Listing {
  constructor(private readonly effects: Pick<Effects, 'runs' | 'namespace'>) {}

  list(
    request: temporal.api.workflowservice.v1.IListWorkflowExecutionsRequest,
  ): temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse {
    const ns = this.effects.namespace(request.namespace);
    const query = parse(ns, request.query ?? '', false);
    const matching = this.records(ns).filter(({ record }) => matchesVisibilityQuery(query, record));
    const compare = compareVisibilityRecords(query, ns.searchAttributes);
    matching.sort((a, b) => compare(a.record, b.record));
    const offset = pageOffset(request.nextPageToken);
    const pageSize = request.pageSize && request.pageSize > 0 ? request.pageSize : DEFAULT_PAGE_SIZE;
    const page = matching.slice(offset, offset + pageSize);
    const next = offset + page.length;
    return {
      executions: page.map(({ run }) => executionInfo(run)),
      nextPageToken: next < matching.length ? Buffer.from(String(next)) : Buffer.alloc(0),
    };
  }

  count(
    request: temporal.api.workflowservice.v1.ICountWorkflowExecutionsRequest,
  ): temporal.api.workflowservice.v1.ICountWorkflowExecutionsResponse {
    const ns = this.effects.namespace(request.namespace);
    const query = parse(ns, request.query ?? '', true);
    const records = this.records(ns).map(({ record }) => record);
    if (query.groupBy.length > 0) {
      const groups = countVisibilityGroups(query, records);
      return {
        count: i64(groups.reduce((sum, group) => sum + group.count, 0)),
        groups: groups.map(({ groupValues, count }) => ({
          groupValues: groupValues.map((value) => ({
            metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
            data: Buffer.from(JSON.stringify(value)),
          })),
          count: i64(count),
        })),
      };
    }
    return { count: i64(records.filter((record) => matchesVisibilityQuery(query, record)).length), groups: [] };
  }

  private records(ns: Namespace): { run: WorkflowRun; record: VisibilityRecord }[] {
    const result: { run: WorkflowRun; record: VisibilityRecord }[] = [];
    for (const run of this.effects.runs.all()) {
      if (run.namespace === ns) result.push({ run, record: record(run) });
    }
    return result;
  }
}

function record(run: WorkflowRun): VisibilityRecord {
  run.visibilityCache ??= run.namespace.searchAttributes.decodeAll(run.searchAttributes?.indexedFields);
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.config.workflowType,
    taskQueue: run.config.taskQueue,
    status: STATUS_NAMES[run.status] ?? 'Running',
    startTime: new Date(run.startTime),
    closeTime: run.closeTime !== undefined ? new Date(run.closeTime) : undefined,
    executionTime: new Date(run.executionTime),
    searchAttributes: run.visibilityCache,
  };
}

function parse(ns: Namespace, query: string, allowGroupBy: boolean): VisibilityQuery {
  try {
    return parseVisibilityQuery(query, ns.searchAttributes, { allowGroupBy });
  } catch (err) {
    if (err instanceof VisibilityQueryError) throw invalidArgument(err.message);
    throw err;
  }
}

function pageOffset(token: Uint8Array | null | undefined): number {
  if (!token || token.length === 0) return 0;
  const offset = Number(Buffer.from(token).toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('Invalid next page token');
  return offset;
}
