/**
 * The stage a check is in, the stages it went through (with when), and the `status` query's
 * answer built from them. Pure: the workflow passes the time in.
 */
import type { CheckStatus, Stage } from './definitions';
import type { VerificationState } from './verification-state';

export interface CheckProgress {
  stage: Stage;
  stages: { stage: Stage; at: string }[];
  /** Set while `blocked`: what the check waits for, in words for the person reading the UI. */
  blockedReason?: string;
}

export function startProgress(stage: Stage, at: Date): CheckProgress {
  return { stage, stages: [{ stage, at: at.toISOString() }] };
}

/** Moves to `stage`; staying in the same stage records nothing. `blockedReason` lives only in `blocked`. */
export function enterStage(progress: CheckProgress, stage: Stage, at: Date, blockedReason?: string): CheckProgress {
  const reason = stage === 'blocked' ? blockedReason : undefined;
  if (progress.stage === stage && progress.blockedReason === reason) return progress;
  const stages = progress.stage === stage ? progress.stages : [...progress.stages, { stage, at: at.toISOString() }];
  return reason === undefined ? { stage, stages } : { stage, stages, blockedReason: reason };
}

export function toCheckStatus(
  progress: CheckProgress,
  verification: VerificationState,
  asyncRequestId: string | undefined,
): CheckStatus {
  const status: CheckStatus = { stage: progress.stage, stages: progress.stages.map((s) => ({ ...s })) };
  if (verification.id !== undefined) status.agentVerificationId = verification.id;
  if (asyncRequestId !== undefined) status.asyncRequestId = asyncRequestId;
  if (verification.status !== undefined) status.verificationStatus = verification.status;
  if (verification.externalActionRequired !== undefined)
    status.externalActionRequired = verification.externalActionRequired;
  if (verification.rejectionReasonCode != null) status.rejectionReasonCode = verification.rejectionReasonCode;
  if (progress.blockedReason !== undefined) status.blockedReason = progress.blockedReason;
  return status;
}
