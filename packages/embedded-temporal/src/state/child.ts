/**
 * A child workflow as its parent sees it: initiated (the parent's StartChildWorkflowExecutionInitiated
 * is written and the child's run exists), started (ChildWorkflowExecutionStarted is in the
 * parent's history), then closed with the outcome of the child's chain of runs.
 */
import type { temporal } from '@temporalio/proto';
import { i64 } from '../proto';
import type { Failure, Payloads } from '../types';
import { checkTransition, type TransitionTable } from './transitions';

type RetryState = temporal.api.enums.v1.RetryState;

export type ChildPhase = 'initiated' | 'started' | 'closed';

export const CHILD_TRANSITIONS: TransitionTable<ChildPhase> = {
  // Both moves happen as the parent's events are written: a child that ends while its started
  // event is still held (the parent's workflow task runs) is closed after that event is written.
  initiated: ['started'],
  started: ['closed'],
  closed: [],
};

export interface ChildState {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  /** First run of the child (the execution the parent knows). */
  runId: string;
  phase: ChildPhase;
  /** Id of ChildWorkflowExecutionStarted in the parent, once written. */
  startedEventId: number;
  parentClosePolicy: temporal.api.enums.v1.ParentClosePolicy;
  startedTime: number;
}

/** How a chain of runs ended, as a parent is told (a retried or continued run is not an end). */
export type ChainOutcome =
  | { kind: 'completed'; result?: Payloads | null }
  | { kind: 'failed'; failure: Failure; retryState: RetryState }
  | { kind: 'canceled'; details?: Payloads | null }
  | { kind: 'terminated' }
  | { kind: 'timedOut'; retryState: RetryState };

export function moveChild(child: ChildState, to: ChildPhase): void {
  child.phase = checkTransition(`child ${child.workflowId}`, CHILD_TRANSITIONS, child.phase, to);
}

/** DescribeWorkflowExecution's `pending_children` entry. */
export function describeChild(child: ChildState): temporal.api.workflow.v1.IPendingChildExecutionInfo {
  return {
    workflowId: child.workflowId,
    runId: child.runId,
    workflowTypeName: child.workflowType,
    initiatedId: i64(child.initiatedEventId),
    parentClosePolicy: child.parentClosePolicy,
  };
}
