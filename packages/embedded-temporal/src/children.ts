/**
 * Child workflows: started right after the parent's workflow task completes (the initiated
 * event comes first, the started/failed event is delivered like any new event), results
 * reported to the parent, and parent close policies applied when the parent closes.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { temporal } from '@temporalio/proto';
import { enums } from './enums';
import type { Engine } from './engine';
import { RpcError } from './errors';
import { i64 } from './proto';
import type { Failure, Payloads } from './types';
import type { WorkflowRun } from './workflow-run';

const { EventType, ParentClosePolicy, StartChildWorkflowExecutionFailedCause, TaskQueueKind } = enums;
type RetryState = temporal.api.enums.v1.RetryState;

export interface ChildState {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  /** First run of the child (the execution the parent knows). */
  runId: string;
  /** Id of ChildWorkflowExecutionStarted in the parent, once written. */
  startedEventId: number;
  parentClosePolicy: temporal.api.enums.v1.ParentClosePolicy;
  startedTime: number;
}

/** How a child's chain of runs ended. */
export type ChildOutcome =
  | { kind: 'completed'; result?: Payloads | null }
  | { kind: 'failed'; failure: Failure; retryState: RetryState }
  | { kind: 'canceled'; details?: Payloads | null }
  | { kind: 'terminated' }
  | { kind: 'timedOut'; retryState: RetryState };

export class Children {
  constructor(private readonly engine: Engine) {}

  start(
    parent: WorkflowRun,
    a: temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes,
    completedEventId: number,
    userMetadata?: temporal.api.sdk.v1.IUserMetadata | null,
  ): void {
    const ns = this.engine.namespace(a.namespace || parent.namespace.name);
    const workflowType = a.workflowType?.name ?? '';
    const taskQueue = a.taskQueue?.name || parent.config.taskQueue;
    const searchAttributes = this.engine.executions.typedSearchAttributes(ns, a.searchAttributes);
    const initiatedEventId = parent.append(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
      startChildWorkflowExecutionInitiatedEventAttributes: {
        namespace: ns.name,
        namespaceId: ns.id,
        workflowId: a.workflowId ?? '',
        workflowType: { name: workflowType },
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: a.input ?? null,
        workflowExecutionTimeout: a.workflowExecutionTimeout ?? null,
        workflowRunTimeout: a.workflowRunTimeout ?? null,
        workflowTaskTimeout: a.workflowTaskTimeout ?? null,
        parentClosePolicy: a.parentClosePolicy ?? ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
        control: a.control ?? '',
        workflowTaskCompletedEventId: i64(completedEventId),
        workflowIdReusePolicy: a.workflowIdReusePolicy ?? 0,
        retryPolicy: a.retryPolicy ?? null,
        cronSchedule: a.cronSchedule ?? '',
        header: a.header ?? null,
        memo: nonEmptyMemo(a.memo),
        searchAttributes,
        priority: a.priority ?? null,
      },
    });
    let childRun: WorkflowRun;
    try {
      const started = this.engine.executions.startRun(
        ns,
        {
          namespace: ns.name,
          workflowId: a.workflowId,
          workflowType: { name: workflowType },
          taskQueue: { name: taskQueue },
          input: a.input,
          workflowExecutionTimeout: a.workflowExecutionTimeout,
          workflowRunTimeout: a.workflowRunTimeout,
          workflowTaskTimeout: a.workflowTaskTimeout,
          workflowIdReusePolicy: a.workflowIdReusePolicy,
          retryPolicy: a.retryPolicy,
          cronSchedule: a.cronSchedule,
          header: a.header,
          memo: nonEmptyMemo(a.memo),
          searchAttributes,
          priority: a.priority,
          userMetadata: userMetadata ?? null,
        },
        {
          root: parent.config.root ?? parent.execution,
          parent: {
            namespace: parent.namespace.name,
            namespaceId: parent.namespace.id,
            workflowId: parent.workflowId,
            runId: parent.runId,
            initiatedEventId,
          },
        },
      );
      childRun = started.run;
    } catch (err) {
      if (!(err instanceof RpcError) || err.code !== grpcStatus.ALREADY_EXISTS) throw err;
      this.engine.recordEvent(parent, () =>
        parent.append(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, {
          startChildWorkflowExecutionFailedEventAttributes: {
            namespace: ns.name,
            namespaceId: ns.id,
            workflowId: a.workflowId ?? '',
            workflowType: { name: workflowType },
            cause:
              StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
            control: a.control ?? '',
            initiatedEventId: i64(initiatedEventId),
            workflowTaskCompletedEventId: i64(completedEventId),
          },
        }),
      );
      return;
    }
    const child: ChildState = {
      initiatedEventId,
      namespace: ns.name,
      workflowId: childRun.workflowId,
      workflowType,
      runId: childRun.runId,
      startedEventId: 0,
      parentClosePolicy: a.parentClosePolicy ?? ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
      startedTime: this.engine.clock.now(),
    };
    parent.children.set(initiatedEventId, child);
    this.engine.recordEvent(parent, () => {
      child.startedEventId = parent.append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, {
        childWorkflowExecutionStartedEventAttributes: {
          namespace: ns.name,
          namespaceId: ns.id,
          initiatedEventId: i64(initiatedEventId),
          workflowExecution: { workflowId: child.workflowId, runId: child.runId },
          workflowType: { name: workflowType },
          header: a.header ?? null,
        },
      });
    });
  }

  /** A child's chain ended: tell its parent. */
  closed(childRun: WorkflowRun, outcome: ChildOutcome): void {
    const link = childRun.config.parent;
    if (!link) return;
    const parent = this.engine.runs.get(link.runId);
    const child = parent?.children.get(link.initiatedEventId);
    if (!parent || !child) return;
    parent.children.delete(link.initiatedEventId);
    const ns = this.engine.namespace(child.namespace);
    const common = () => ({
      namespace: ns.name,
      namespaceId: ns.id,
      workflowExecution: { workflowId: child.workflowId, runId: child.runId },
      workflowType: { name: child.workflowType },
      initiatedEventId: i64(child.initiatedEventId),
      startedEventId: i64(child.startedEventId),
    });
    this.engine.recordEvent(parent, () => {
      switch (outcome.kind) {
        case 'completed':
          parent.append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, {
            childWorkflowExecutionCompletedEventAttributes: { ...common(), result: outcome.result ?? null },
          });
          break;
        case 'failed':
          parent.append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, {
            childWorkflowExecutionFailedEventAttributes: {
              ...common(),
              failure: outcome.failure,
              retryState: outcome.retryState,
            },
          });
          break;
        case 'canceled':
          parent.append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, {
            childWorkflowExecutionCanceledEventAttributes: { ...common(), details: outcome.details ?? null },
          });
          break;
        case 'terminated':
          parent.append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED, {
            childWorkflowExecutionTerminatedEventAttributes: common(),
          });
          break;
        case 'timedOut':
          parent.append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, {
            childWorkflowExecutionTimedOutEventAttributes: { ...common(), retryState: outcome.retryState },
          });
          break;
      }
    });
  }

  /** The parent closed: apply each open child's parent close policy. */
  parentClosed(parent: WorkflowRun): void {
    const children = [...parent.children.values()];
    parent.children.clear();
    for (const child of children) {
      const run = this.engine.currentRun(child.namespace, child.workflowId);
      if (!run?.isOpen || run.config.parent?.runId !== parent.runId) continue;
      if (child.parentClosePolicy === ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) continue;
      if (child.parentClosePolicy === ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
        this.engine.executions.recordCancelRequest(run, 'by parent close policy', 'embedded-temporal');
      } else {
        this.engine.executions.terminateRun(run, 'by parent close policy', null, 'embedded-temporal');
      }
    }
  }

  pending(run: WorkflowRun): temporal.api.workflow.v1.IPendingChildExecutionInfo[] {
    return [...run.children.values()].map((child) => ({
      workflowId: child.workflowId,
      runId: child.runId,
      workflowTypeName: child.workflowType,
      initiatedId: i64(child.initiatedEventId),
      parentClosePolicy: child.parentClosePolicy,
    }));
  }
}

/** The SDK sends an empty memo with every child command; the server writes none. */
function nonEmptyMemo(memo: temporal.api.common.v1.IMemo | null | undefined): temporal.api.common.v1.IMemo | null {
  return memo?.fields && Object.keys(memo.fields).length > 0 ? memo : null;
}
