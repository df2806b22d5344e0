/**
 * A workflow update: admitted by the service, then accepted by the workflow
 * (WorkflowExecutionUpdateAccepted), then completed (WorkflowExecutionUpdateCompleted). A
 * rejection, or the run closing, completes it from any earlier stage. Stages only move forward;
 * the stage numbers are the API's lifecycle stages, which callers wait for.
 */
import type { temporal } from '@temporalio/proto';
import { enums } from '../enums';
import { checkTransition, type TransitionTable } from './transitions';

const { UpdateWorkflowExecutionLifecycleStage: Stage } = enums;
export type UpdateStage = temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;

type StageName = 'admitted' | 'accepted' | 'completed';

const UPDATE_TRANSITIONS: TransitionTable<StageName> = {
  admitted: ['accepted', 'completed'],
  accepted: ['completed'],
  completed: [],
};

const NAMES: Partial<Record<UpdateStage, StageName>> = {
  [Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED]: 'admitted',
  [Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED]: 'accepted',
  [Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED]: 'completed',
};

export interface UpdateState {
  id: string;
  runId: string;
  request: temporal.api.update.v1.IRequest;
  stage: UpdateStage;
  outcome?: temporal.api.update.v1.IOutcome;
  acceptedEventId?: number;
  /** Set when the run closed before the workflow accepted the update. */
  error?: Error;
  waiters: Set<() => void>;
}

export function newUpdate(id: string, runId: string, request: temporal.api.update.v1.IRequest): UpdateState {
  return { id, runId, request, stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED, waiters: new Set() };
}

/** Moves the update to `stage` (with its outcome when it completes) and wakes its waiters. */
export function advanceUpdate(
  update: UpdateState,
  stage: UpdateStage,
  outcome?: temporal.api.update.v1.IOutcome,
): void {
  const from = NAMES[update.stage] ?? String(update.stage);
  const to = NAMES[stage] ?? String(stage);
  checkTransition(`update ${update.id}`, UPDATE_TRANSITIONS, from as StageName, to as StageName);
  update.stage = stage;
  if (outcome) update.outcome = outcome;
  for (const waiter of [...update.waiters]) waiter();
}

export function isUpdateCompleted(update: UpdateState): boolean {
  return update.stage === Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
}

/** Whether a caller waiting for `stage` can be answered (a completed or failed update answers every wait). */
export function updateReached(update: UpdateState, stage: UpdateStage): boolean {
  return update.error !== undefined || isUpdateCompleted(update) || update.stage >= stage;
}
