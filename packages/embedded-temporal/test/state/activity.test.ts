import { ClockLock } from '../../src/clock';
import { enums } from '../../src/enums';
import {
  ACTIVITY_TRANSITIONS,
  describeActivity,
  moveActivity,
  newActivity,
  normalizeRetryPolicy,
  pendingActivityState,
  type ActivityPhase,
  type PendingActivity,
} from '../../src/state/activity';
import { i64 } from '../../src/proto';
import { IllegalTransitionError } from '../../src/state/transitions';
import { timestampMs } from '../../src/time';
import { ManualClock } from './helpers';

const { PendingActivityState: State } = enums;

function activity(overrides: Partial<PendingActivity> = {}): PendingActivity {
  const clock = new ManualClock();
  const a = newActivity(
    'run-1',
    5,
    {
      activityId: 'charge',
      activityType: 'chargeCard',
      taskQueue: 'q',
      scheduleToCloseMs: 60_000,
      scheduleToStartMs: 60_000,
      startToCloseMs: 10_000,
      heartbeatMs: 0,
      retryPolicy: normalizeRetryPolicy({ maximumAttempts: 3 }),
    },
    clock.now(),
    new ClockLock(clock),
  );
  return Object.assign(a, overrides);
}

describe('activity transitions', () => {
  it('follows an attempt that fails once and then completes', () => {
    const a = activity();
    for (const phase of ['started', 'backoff', 'scheduled', 'started', 'closed'] as ActivityPhase[]) {
      moveActivity(a, phase);
      expect(a.phase).toBe(phase);
    }
  });

  it('refuses to put a started attempt back on the queue, naming the activity and both phases', () => {
    const a = activity({ phase: 'started' });
    expect(() => moveActivity(a, 'scheduled')).toThrow(IllegalTransitionError);
    expect(() => moveActivity(a, 'scheduled')).toThrow('activity charge: illegal transition started -> scheduled');
    expect(a.phase).toBe('started');
  });

  it('refuses to start a paused activity without dispatching it first', () => {
    expect(() => moveActivity(activity({ phase: 'paused' }), 'started')).toThrow(IllegalTransitionError);
  });

  it('leaves no way out of closed', () => {
    for (const to of Object.keys(ACTIVITY_TRANSITIONS) as ActivityPhase[]) {
      expect(() => moveActivity(activity({ phase: 'closed' }), to)).toThrow(IllegalTransitionError);
    }
  });

  it('lets every open phase close (a run closing drops its activities in any phase)', () => {
    for (const from of ['scheduled', 'started', 'backoff', 'paused'] as ActivityPhase[]) {
      const a = activity({ phase: from });
      moveActivity(a, 'closed');
      expect(a.phase).toBe('closed');
    }
  });
});

describe('what describe shows of an activity', () => {
  it.each<[string, Partial<PendingActivity>, number]>([
    ['waiting on the queue', { phase: 'scheduled' }, State.PENDING_ACTIVITY_STATE_SCHEDULED],
    ['in retry backoff', { phase: 'backoff' }, State.PENDING_ACTIVITY_STATE_SCHEDULED],
    ['running', { phase: 'started' }, State.PENDING_ACTIVITY_STATE_STARTED],
    [
      'running, cancel requested',
      { phase: 'started', cancelRequestedEventId: 9 },
      State.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED,
    ],
    [
      'running, paused by an operator',
      { phase: 'started', pause: { time: 1, identity: 'op', reason: 'r' } },
      State.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED,
    ],
    [
      'running, both cancel and pause requested',
      { phase: 'started', cancelRequestedEventId: 9, pause: { time: 1, identity: 'op', reason: 'r' } },
      State.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED,
    ],
    [
      'paused between attempts',
      { phase: 'paused', pause: { time: 1, identity: 'op', reason: 'r' } },
      State.PENDING_ACTIVITY_STATE_PAUSED,
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(pendingActivityState(activity(overrides))).toBe(expected);
  });

  it('reports the pause, the attempt and the schedule-to-close expiration', () => {
    const a = activity({
      phase: 'paused',
      attempt: 2,
      pause: { time: 1_700_000_001_000, identity: 'op', reason: 'maintenance' },
    });
    const info = describeActivity(a);
    expect(info.paused).toBe(true);
    expect(info.pauseInfo?.manual).toEqual({ identity: 'op', reason: 'maintenance' });
    expect(info.attempt).toBe(2);
    expect(info.maximumAttempts).toBe(3);
    expect(timestampMs(info.expirationTime)).toBe(a.scheduledTime + 60_000);
  });

  it('has no expiration without a schedule-to-close timeout', () => {
    expect(describeActivity(activity({ scheduleToCloseMs: 0 })).expirationTime).toBeNull();
  });
});

describe('normalizeRetryPolicy', () => {
  it('fills in the server defaults: 1 s, coefficient 2, maximum 100 x initial, unlimited attempts', () => {
    const policy = normalizeRetryPolicy(undefined);
    expect(policy.initialInterval).toEqual({ seconds: expect.anything(), nanos: 0 });
    expect(Number(policy.initialInterval?.seconds)).toBe(1);
    expect(policy.backoffCoefficient).toBe(2);
    expect(Number(policy.maximumInterval?.seconds)).toBe(100);
    expect(policy.maximumAttempts).toBe(0);
  });

  it('derives the maximum interval from a given initial interval', () => {
    const policy = normalizeRetryPolicy({ initialInterval: { seconds: i64(3) } });
    expect(Number(policy.maximumInterval?.seconds)).toBe(300);
  });
});
