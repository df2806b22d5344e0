/**
 * Child workflows: started right after the parent's workflow task completes (the initiated
 * event comes first, the started/failed event is delivered like any new event), results
 * reported to the parent, and parent close policies applied when the parent closes.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { temporal } from '@temporalio/proto';
import type { Effects } from './effects';
import { enums } from './enums';
import { RpcError } from './errors';
import { i64 } from './proto';
import { type RunLifecycle, workflowRetryPolicy, workflowRunTimeout, workflowTaskTimeout } from './run-lifecycle';
import { typedSearchAttributes } from './search-attribute-values';
import { recordCancelRequest } from './signals';
import { type ChainOutcome, type ChildState, moveChild } from './state/child';
import type { WorkflowRun } from './state/workflow-run';
import { duration, durationMs } from './time';
import type { WorkflowStarts } from './workflow-starts';

const { EventType, ParentClosePolicy, StartChildWorkflowExecutionFailedCause, TaskQueueKind, WorkflowIdReusePolicy } =
  enums;

export class Children {
  constructor(
    private readonly effects: Effects,
    private readonly starts: WorkflowStarts,
    private readonly lifecycle: RunLifecycle,
  ) {
    effects.onRunClosed((run, outcome) => {
      this.parentClosed(run);
      if (outcome) this.closed(run, outcome);
    });
  }

  start(
    parent: WorkflowRun,
    a: temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes,
    completedEventId: number,
    userMetadata?: temporal.api.sdk.v1.IUserMetadata | null,
  ): void {
    const ns = this.effects.namespace(a.namespace || parent.namespace.name);
    const workflowType = a.workflowType?.name ?? '';
    const taskQueue = a.taskQueue?.name || parent.config.taskQueue;
    const searchAttributes = typedSearchAttributes(ns, a.searchAttributes);
    // As the server fills the command in before writing it: both timeouts settled (the run
    // timeout 0s for none), the default reuse policy, the retry policy's defaults.
    const runTimeoutMs = workflowRunTimeout(durationMs(a.workflowRunTimeout), durationMs(a.workflowExecutionTimeout));
    const runTimeout = duration(runTimeoutMs);
    const taskTimeout = duration(workflowTaskTimeout(durationMs(a.workflowTaskTimeout), runTimeoutMs));
    const reusePolicy = a.workflowIdReusePolicy || WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
    const retryPolicy = workflowRetryPolicy(a.retryPolicy);
    const initiatedEventId = parent.append(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
      startChildWorkflowExecutionInitiatedEventAttributes: {
        namespace: ns.name,
        namespaceId: ns.id,
        workflowId: a.workflowId ?? '',
        workflowType: { name: workflowType },
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: a.input ?? null,
        workflowExecutionTimeout: a.workflowExecutionTimeout ?? null,
        workflowRunTimeout: runTimeout,
        workflowTaskTimeout: taskTimeout,
        parentClosePolicy: a.parentClosePolicy || ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
        control: a.control ?? '',
        workflowTaskCompletedEventId: i64(completedEventId),
        workflowIdReusePolicy: reusePolicy,
        retryPolicy,
        cronSchedule: a.cronSchedule ?? '',
        header: a.header ?? null,
        memo: nonEmptyMemo(a.memo),
        searchAttributes,
        priority: a.priority ?? null,
        inheritBuildId: a.inheritBuildId ?? false,
      },
    });
    let childRun: WorkflowRun;
    try {
      const started = this.starts.startRun(
        ns,
        {
          namespace: ns.name,
          workflowId: a.workflowId,
          workflowType: { name: workflowType },
          taskQueue: { name: taskQueue },
          input: a.input,
          workflowExecutionTimeout: a.workflowExecutionTimeout,
          workflowRunTimeout: runTimeout,
          workflowTaskTimeout: taskTimeout,
          workflowIdReusePolicy: reusePolicy,
          retryPolicy,
          cronSchedule: a.cronSchedule,
          header: a.header,
          memo: nonEmptyMemo(a.memo),
          searchAttributes,
          priority: a.priority,
          userMetadata: userMetadata ?? null,
        },
        {
          byCommand: true,
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
      this.effects.recordEvent(parent, () =>
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
      phase: 'initiated',
      startedEventId: 0,
      parentClosePolicy: a.parentClosePolicy || ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
      startedTime: this.effects.clock.now(),
    };
    parent.children.set(initiatedEventId, child);
    this.effects.recordEvent(parent, () => {
      moveChild(child, 'started');
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
  private closed(childRun: WorkflowRun, outcome: ChainOutcome): void {
    const link = childRun.config.parent;
    if (!link) return;
    const parent = this.effects.runs.get(link.runId);
    const child = parent?.children.get(link.initiatedEventId);
    if (!parent || !child) return;
    parent.children.delete(link.initiatedEventId);
    const ns = this.effects.namespace(child.namespace);
    const common = () => ({
      namespace: ns.name,
      namespaceId: ns.id,
      workflowExecution: { workflowId: child.workflowId, runId: child.runId },
      workflowType: { name: child.workflowType },
      initiatedEventId: i64(child.initiatedEventId),
      startedEventId: i64(child.startedEventId),
    });
    this.effects.recordEvent(parent, () => {
      moveChild(child, 'closed');
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
  private parentClosed(parent: WorkflowRun): void {
    const children = [...parent.children.values()];
    parent.children.clear();
    for (const child of children) {
      const run = this.effects.runs.current(child.namespace, child.workflowId);
      if (!run?.isOpen || run.config.parent?.runId !== parent.runId) continue;
      if (child.parentClosePolicy === ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) continue;
      if (child.parentClosePolicy === ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
        recordCancelRequest(this.effects, run, 'by parent close policy', 'embedded-temporal');
      } else {
        this.lifecycle.terminateRun(run, 'by parent close policy', null, 'embedded-temporal');
      }
    }
  }
}

/** The SDK sends an empty memo with every child command; the server writes none. */
function nonEmptyMemo(memo: temporal.api.common.v1.IMemo | null | undefined): temporal.api.common.v1.IMemo | null {
  return memo?.fields && Object.keys(memo.fields).length > 0 ? memo : null;
}
