/**
 * Queries. With a workflow task scheduled but not started, the query rides in that task's
 * `queries` map; with a task started, it waits for the task to complete; otherwise (or when
 * the run is closed) it goes out as a legacy query task on the normal queue.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { failedPrecondition, invalidArgument, notFound, RpcError } from './errors';
import type { PollContext } from './matching';
import { i64 } from './proto';
import { type PendingQuery, routeQuery } from './state/query';
import type { WorkflowRun } from './state/workflow-run';
import { encodeTaskToken, type TaskToken } from './task-token';
import { timestamp } from './time';
import type { Payloads } from './types';

const { QueryResultType, QueryRejectCondition, WorkflowExecutionStatus, TaskQueueKind } = enums;
type WorkflowQuery = temporal.api.query.v1.IWorkflowQuery;
type QueryResult = temporal.api.query.v1.IWorkflowQueryResult;

export class Queries {
  private readonly pending = new Map<string, PendingQuery>();

  constructor(private readonly effects: Effects) {
    effects.onRunClosed((run) => this.runClosed(run));
  }

  async query(
    request: temporal.api.workflowservice.v1.IQueryWorkflowRequest,
    answerBy: number,
  ): Promise<temporal.api.workflowservice.v1.IQueryWorkflowResponse> {
    const run = this.effects.runs.find(request.namespace, request.execution);
    if (!request.query?.queryType) throw invalidArgument('Query type is required');
    const condition = request.queryRejectCondition ?? 0;
    if (
      !run.isOpen &&
      (condition === QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN ||
        (condition === QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
          run.status !== WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED))
    ) {
      return { queryRejected: { status: run.status } };
    }
    if (!run.isOpen && !hasCompletedTask(run)) throw notReady();
    const id = randomUUID();
    const result = await new Promise<Payloads | null | undefined>((resolve, reject) => {
      const timeout = setTimeout(
        () => {
          this.pending.delete(id);
          reject(new RpcError(grpcStatus.DEADLINE_EXCEEDED, 'query timed out before a worker answered it'));
        },
        Math.max(0, answerBy - Date.now()),
      );
      this.pending.set(id, {
        id,
        runId: run.runId,
        query: request.query ?? {},
        resolve: (value) => {
          clearTimeout(timeout);
          this.pending.delete(id);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timeout);
          this.pending.delete(id);
          reject(error);
        },
      });
      this.route(run, id);
    });
    return { queryResult: result ?? null };
  }

  /** Holds the query for the run's workflow task, or sends it as a legacy query task (see state/query.ts). */
  private route(run: WorkflowRun, id: string): void {
    const route = routeQuery(hasCompletedTask(run), run.isOpen, run.workflowTask?.state);
    if (route === 'hold') run.heldQueryIds.push(id);
    else if (route === 'legacy') this.dispatchLegacy(run, id);
    else this.pending.get(id)?.reject(notReady());
  }

  private dispatchLegacy(run: WorkflowRun, id: string): void {
    this.effects.matching.workflowQueue(run.namespace.name, run.config.taskQueue).add({
      claim: (_ctx: PollContext) => {
        const query = this.pending.get(id);
        if (!query) return undefined;
        return {
          taskToken: encodeTaskToken({
            kind: 'query',
            namespace: run.namespace.name,
            workflowId: run.workflowId,
            runId: run.runId,
            scheduledEventId: 0,
            attempt: 1,
            queryId: id,
          }),
          workflowExecution: run.execution,
          workflowType: { name: run.config.workflowType },
          previousStartedEventId: i64(run.previousStartedEventId),
          startedEventId: i64(0),
          attempt: 1,
          backlogCountHint: i64(0),
          history: { events: run.events.slice() },
          query: query.query,
          workflowExecutionTaskQueue: { name: run.config.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          scheduledTime: timestamp(this.effects.clock.now()),
          startedTime: timestamp(this.effects.clock.now()),
          queries: {},
          messages: [],
        };
      },
    });
  }

  /** Query ids to deliver with a workflow task that is being handed out. */
  takeForTask(run: WorkflowRun): string[] {
    if (!hasCompletedTask(run)) return [];
    const ids = run.heldQueryIds.filter((id) => this.pending.has(id));
    run.heldQueryIds = [];
    return ids;
  }

  queriesFor(ids: string[]): Record<string, WorkflowQuery> {
    const queries: Record<string, WorkflowQuery> = {};
    for (const id of ids) {
      const pending = this.pending.get(id);
      if (pending) queries[id] = pending.query;
    }
    return queries;
  }

  /** Answers from a workflow task completion's `query_results`; unanswered ones go legacy. */
  answerFromTask(ids: string[], results: Record<string, QueryResult>): void {
    for (const id of ids) {
      const query = this.pending.get(id);
      if (!query) continue;
      const result = results[id];
      if (!result) {
        const run = this.effects.runs.get(query.runId);
        if (run) this.dispatchLegacy(run, id);
        continue;
      }
      if (result.resultType === QueryResultType.QUERY_RESULT_TYPE_ANSWERED) query.resolve(result.answer);
      else query.reject(invalidArgument(result.errorMessage || result.failure?.message || 'query failed'));
    }
  }

  /**
   * Puts the queries of a task that failed (or was dropped with its closed run) back in line:
   * held for the next task, or sent on as the run's state now says.
   */
  requeue(run: WorkflowRun, ids: string[]): void {
    const live = ids.filter((id) => this.pending.has(id));
    if (run.isOpen) {
      run.heldQueryIds.unshift(...live);
      return;
    }
    for (const id of live) this.route(run, id);
  }

  /** After a task completes or fails: held queries join the next task or go legacy. */
  afterTask(run: WorkflowRun): void {
    if (routeQuery(hasCompletedTask(run), run.isOpen, run.workflowTask?.state) === 'hold') return;
    const ids = run.heldQueryIds;
    run.heldQueryIds = [];
    for (const id of ids) if (this.pending.has(id)) this.route(run, id);
  }

  /** The run closed: held queries go out as legacy query tasks, or fail if no task ever completed. */
  private runClosed(run: WorkflowRun): void {
    this.afterTask(run);
  }

  completed(request: temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest, token: TaskToken): object {
    const query = token.kind === 'query' && token.queryId ? this.pending.get(token.queryId) : undefined;
    if (!query) throw notFound('Query not found');
    if (request.completedType === QueryResultType.QUERY_RESULT_TYPE_ANSWERED) query.resolve(request.queryResult);
    else query.reject(invalidArgument(request.errorMessage || request.failure?.message || 'query failed'));
    return {};
  }
}

function hasCompletedTask(run: WorkflowRun): boolean {
  return run.previousStartedEventId > 0;
}

/** A run closed before any workflow task completed has no state a worker could query. */
function notReady(): RpcError {
  return failedPrecondition('workflow execution has no completed workflow task to query');
}
