import {
  applyObservation,
  emptyVerificationState,
  isDecided,
  type VerificationObservation,
  type VerificationState,
} from '../../src/workflows/verification-state';

const created = (status = 'pending_user_verification'): VerificationState =>
  applyObservation(emptyVerificationState(), {
    source: 'created',
    agentVerificationId: 'av_1',
    status,
    externalActionRequired: false,
    rejectionReasonCode: null,
  }).state;

const signal = (over: Partial<VerificationObservation>): VerificationObservation => ({
  source: 'signal',
  eventId: 'event_1',
  agentVerificationId: 'av_1',
  status: 'pending_review',
  ...over,
});

describe('applyObservation', () => {
  it('takes the id and status from the creation answer', () => {
    const state = created();
    expect(state).toMatchObject({ id: 'av_1', status: 'pending_user_verification', externalActionRequired: false });
    expect(isDecided(state)).toBe(false);
  });

  it('applies a newer status and remembers the event id', () => {
    const { state, verdict } = applyObservation(created(), signal({}));
    expect(verdict).toBe('applied');
    expect(state.status).toBe('pending_review');
    expect(state.seenEventIds).toEqual(['event_1']);
  });

  it('ignores a redelivered event even when it would change the status', () => {
    const first = applyObservation(created(), signal({ eventId: 'e', status: 'pending_review' })).state;
    const { state, verdict } = applyObservation(first, signal({ eventId: 'e', status: 'approved' }));
    expect(verdict).toBe('duplicate');
    expect(state.status).toBe('pending_review');
  });

  it('ignores a status for another verification', () => {
    const { state, verdict } = applyObservation(
      created(),
      signal({ agentVerificationId: 'av_other', status: 'approved' }),
    );
    expect(verdict).toBe('foreign');
    expect(state.status).toBe('pending_user_verification');
    expect(isDecided(state)).toBe(false);
  });

  it('keeps a final status final', () => {
    const approved = applyObservation(created(), signal({ eventId: 'a', status: 'approved' })).state;
    const { state, verdict } = applyObservation(
      approved,
      signal({ eventId: 'b', status: 'rejected', rejectionReasonCode: 'other' }),
    );
    expect(verdict).toBe('after_final');
    expect(state).toMatchObject({ status: 'approved' });
    expect(state.rejectionReasonCode).toBeNull();
  });

  it('orders by occurredAt when both sides carry one', () => {
    const newer = applyObservation(
      created(),
      signal({ eventId: 'a', status: 'pending_review', occurredAt: '2026-01-02T00:00:00Z' }),
    ).state;
    const older = applyObservation(
      newer,
      signal({ eventId: 'b', status: 'pending_user_verification', occurredAt: '2026-01-01T00:00:00Z' }),
    );
    expect(older.verdict).toBe('stale');
    expect(older.state.status).toBe('pending_review');
    // A later event may move the status back: the vendor said so, after the one we hold.
    const later = applyObservation(
      newer,
      signal({ eventId: 'c', status: 'pending_user_verification', occurredAt: '2026-01-03T00:00:00Z' }),
    );
    expect(later.verdict).toBe('applied');
    expect(later.state.status).toBe('pending_user_verification');
  });

  it('falls back on the order of statuses when timestamps are equal', () => {
    const at = '2026-01-02T00:00:00.000Z';
    const review = applyObservation(
      created(),
      signal({ eventId: 'a', status: 'pending_review', occurredAt: at }),
    ).state;
    const same = applyObservation(
      review,
      signal({ eventId: 'b', status: 'pending_user_verification', occurredAt: at }),
    );
    expect(same.verdict).toBe('stale');
  });

  it('falls back on the order of statuses without timestamps', () => {
    const review = applyObservation(created(), signal({ eventId: 'a', status: 'pending_review' })).state;
    const poll = applyObservation(review, {
      source: 'poll',
      agentVerificationId: 'av_1',
      status: 'pending_user_verification',
    });
    expect(poll.verdict).toBe('stale');
    expect(poll.state.status).toBe('pending_review');
  });

  it('accepts an unknown future status that is not older', () => {
    const { state, verdict } = applyObservation(created(), signal({ status: 'on_hold' }));
    expect(verdict).toBe('applied');
    expect(state.status).toBe('on_hold');
    expect(isDecided(state)).toBe(false);
  });

  it('keeps a rejection reason, including an unknown one', () => {
    const { state } = applyObservation(
      created(),
      signal({ status: 'rejected', rejectionReasonCode: 'brand_new_code' }),
    );
    expect(isDecided(state)).toBe(true);
    expect(state.rejectionReasonCode).toBe('brand_new_code');
  });

  it('says too_early for a signal before the verification id is known, and records nothing', () => {
    const { state, verdict } = applyObservation(emptyVerificationState(), signal({}));
    expect(verdict).toBe('too_early');
    expect(state.seenEventIds).toEqual([]);
  });

  it('reports unchanged when a poll repeats what is known', () => {
    const { verdict } = applyObservation(created(), {
      source: 'poll',
      agentVerificationId: 'av_1',
      status: 'pending_user_verification',
      externalActionRequired: false,
      rejectionReasonCode: null,
    });
    expect(verdict).toBe('unchanged');
  });

  it('does not mutate its input', () => {
    const before = created();
    const snapshot = structuredClone(before);
    applyObservation(before, signal({ status: 'approved' }));
    expect(before).toEqual(snapshot);
  });
});
