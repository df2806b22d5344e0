/**
 * What a check knows about its Percent agent verification, and how one observation (the
 * creation answer, a poll, a webhook relayed as a signal) changes it. Pure and synchronous:
 * safe in workflow code and unit-tested on its own.
 *
 * Webhooks arrive late, twice, out of order, or for someone else's verification, so:
 * - a duplicate (same `eventId`) is ignored;
 * - an observation for another verification id is ignored;
 * - once `approved` or `rejected`, nothing changes any more;
 * - an older observation never overrides a newer one: by `occurredAt` when both sides carry
 *   one, otherwise by the order statuses move in (`pending` → `pending_user_verification` →
 *   `pending_review` → final). Unknown future statuses have no place in that order, so only
 *   timestamps and finality guard them. Equal timestamps (events of the same millisecond) fall
 *   back on that order too.
 */
import { FINAL_VERIFICATION_STATUSES, type AgentVerificationStatus } from '../activities/types';

export interface VerificationState {
  id?: string;
  status?: AgentVerificationStatus;
  externalActionRequired?: boolean;
  rejectionReasonCode?: string | null;
  /** `occurredAt` of the observation that set `status`, when it carried one. */
  statusAt?: string;
  /** Webhook event ids already seen, so a redelivery is ignored. */
  seenEventIds: string[];
}

export interface VerificationObservation {
  source: 'created' | 'poll' | 'signal';
  /** Webhook event id (`data.id`); polls and the creation answer have none. */
  eventId?: string;
  agentVerificationId: string;
  status: AgentVerificationStatus;
  externalActionRequired?: boolean;
  rejectionReasonCode?: string | null;
  occurredAt?: string;
}

export type Verdict =
  | 'applied'
  | 'unchanged'
  | 'duplicate'
  | 'foreign'
  | 'stale'
  | 'after_final'
  /** The check does not know its verification id yet: keep the observation and apply it later. */
  | 'too_early';

export interface ObservationOutcome {
  state: VerificationState;
  verdict: Verdict;
}

const STATUS_ORDER: Record<string, number> = {
  pending: 0,
  pending_user_verification: 1,
  pending_review: 2,
  approved: 3,
  rejected: 3,
};

export const emptyVerificationState = (): VerificationState => ({ seenEventIds: [] });

export const isFinalStatus = (status: string | undefined): boolean =>
  status !== undefined && FINAL_VERIFICATION_STATUSES.includes(status);

export const isDecided = (state: VerificationState): boolean => isFinalStatus(state.status);

function timeOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function isOlder(state: VerificationState, obs: VerificationObservation): boolean {
  const current = timeOf(state.statusAt);
  const incoming = timeOf(obs.occurredAt);
  if (current !== undefined && incoming !== undefined && incoming !== current) return incoming < current;
  const currentRank = state.status === undefined ? undefined : STATUS_ORDER[state.status];
  const incomingRank = STATUS_ORDER[obs.status];
  return currentRank !== undefined && incomingRank !== undefined && incomingRank < currentRank;
}

/** Returns the new state (the input is not mutated) and why it changed or did not. */
export function applyObservation(state: VerificationState, obs: VerificationObservation): ObservationOutcome {
  if (obs.eventId !== undefined && state.seenEventIds.includes(obs.eventId)) return { state, verdict: 'duplicate' };
  if (state.id === undefined && obs.source !== 'created') return { state, verdict: 'too_early' };

  const seenEventIds = obs.eventId === undefined ? state.seenEventIds : [...state.seenEventIds, obs.eventId];
  const remembered = { ...state, seenEventIds };

  if (state.id !== undefined && obs.agentVerificationId !== state.id) return { state: remembered, verdict: 'foreign' };
  if (isDecided(state)) return { state: remembered, verdict: 'after_final' };
  if (isOlder(state, obs)) return { state: remembered, verdict: 'stale' };

  const next: VerificationState = {
    ...remembered,
    id: obs.agentVerificationId,
    status: obs.status,
    externalActionRequired: obs.externalActionRequired ?? state.externalActionRequired,
    rejectionReasonCode: obs.rejectionReasonCode !== undefined ? obs.rejectionReasonCode : state.rejectionReasonCode,
    statusAt: obs.occurredAt ?? state.statusAt,
  };
  const changed =
    next.id !== state.id ||
    next.status !== state.status ||
    next.externalActionRequired !== state.externalActionRequired ||
    next.rejectionReasonCode !== state.rejectionReasonCode;
  return { state: next, verdict: changed ? 'applied' : 'unchanged' };
}
