import { checkTimeouts, describeDuration } from '../../src/workflows/check-timeouts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('checkTimeouts', () => {
  it('defaults to 7 days for the async request, 30 days for the decision, a poll every 6 hours', () => {
    expect(checkTimeouts()).toEqual({ asyncRequestMs: 7 * DAY, decisionMs: 30 * DAY, pollMs: 6 * HOUR });
  });

  it("takes the event's options", () => {
    expect(
      checkTimeouts({ asyncRequestTimeout: '2 days', decisionTimeout: '10 days', pollInterval: '30 minutes' }),
    ).toEqual({ asyncRequestMs: 2 * DAY, decisionMs: 10 * DAY, pollMs: 30 * 60_000 });
  });
});

describe('describeDuration', () => {
  it.each([
    [6 * HOUR, '6 hours'],
    [DAY, '1 day'],
    [90_000, '90 seconds'],
    [1_296_000, '1296 seconds'],
    [1_500, '1500 ms'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
