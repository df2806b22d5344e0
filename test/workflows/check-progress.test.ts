import { enterStage, startProgress, toCheckStatus } from '../../src/workflows/check-progress';
import { applyObservation, emptyVerificationState } from '../../src/workflows/verification-state';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('check progress', () => {
  it('records each stage once, with when it was entered', () => {
    let progress = startProgress('creating_verification', at(0));
    progress = enterStage(progress, 'awaiting_async_request', at(1));
    progress = enterStage(progress, 'awaiting_async_request', at(2));
    progress = enterStage(progress, 'associating', at(3));
    expect(progress.stage).toBe('associating');
    expect(progress.stages).toEqual([
      { stage: 'creating_verification', at: '2026-01-01T00:00:00.000Z' },
      { stage: 'awaiting_async_request', at: '2026-01-01T00:01:00.000Z' },
      { stage: 'associating', at: '2026-01-01T00:03:00.000Z' },
    ]);
  });

  it('keeps the blocked reason only while blocked', () => {
    let progress = startProgress('associating', at(0));
    progress = enterStage(progress, 'blocked', at(1), 'Attestr daily limit reached');
    expect(progress.blockedReason).toBe('Attestr daily limit reached');
    progress = enterStage(progress, 'associating', at(2), 'ignored outside blocked');
    expect(progress.blockedReason).toBeUndefined();
    expect(progress.stages.map((s) => s.stage)).toEqual(['associating', 'blocked', 'associating']);
  });

  it('builds the status query answer from progress and verification', () => {
    const verification = applyObservation(emptyVerificationState(), {
      source: 'created',
      agentVerificationId: 'av_1',
      status: 'rejected',
      externalActionRequired: true,
      rejectionReasonCode: 'fake_email_used',
    }).state;
    const progress = enterStage(startProgress('creating_verification', at(0)), 'rejected', at(5));
    expect(toCheckStatus(progress, verification, 'AR1')).toEqual({
      stage: 'rejected',
      agentVerificationId: 'av_1',
      asyncRequestId: 'AR1',
      verificationStatus: 'rejected',
      externalActionRequired: true,
      rejectionReasonCode: 'fake_email_used',
      stages: [
        { stage: 'creating_verification', at: '2026-01-01T00:00:00.000Z' },
        { stage: 'rejected', at: '2026-01-01T00:05:00.000Z' },
      ],
    });
  });

  it('leaves out what is not known yet', () => {
    const status = toCheckStatus(startProgress('creating_verification', at(0)), emptyVerificationState(), undefined);
    expect(Object.keys(status).sort()).toEqual(['stage', 'stages']);
  });
});
