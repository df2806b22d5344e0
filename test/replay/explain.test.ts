/**
 * The words for each kind of replay failure sdk-core reports. The messages follow sdk-core's
 * formats, wrapped as the TypeScript SDK wraps them; the history is a hand-built one.
 */
import { defaultPayloadConverter as pc } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { explainReplayFailure } from '../../src/replay/explain';
import { HistoryBuilder } from './history-builder';

const history = historyFromJSON(
  new HistoryBuilder('greetAgent', [pc.toPayload({ firstName: 'Ada' })])
    .workflowTask()
    .activity('1', 'lookUpAgent', [pc.toPayload('x')], pc.toPayload('agent-1'))
    .workflowTask()
    .patchMarker('wait-before-lookup')
    .timer('1', 7200)
    .workflowTask()
    .completed(pc.toPayload('done'))
    .toJSON(),
);

function nondeterminism(coreMessage: string): Error {
  const error = new Error(
    'Replay failed with a nondeterminism error. This means that the workflow code as written is not compatible ' +
      'with the history that was fed in. Details: Workflow activation completion failed: Failure { failure: ' +
      `Some(Failure { message: "[TMPRL1100] Nondeterminism error: ${coreMessage}", source: "", stack_trace: "" }) }`,
  );
  error.name = 'DeterminismViolationError';
  return error;
}

describe('explainReplayFailure', () => {
  it('names the event, what the history had there and what the code did instead', () => {
    const problem = explainReplayFailure(
      nondeterminism('Activity machine does not handle this event: HistoryEvent(id: 12, TimerStarted)'),
      history,
    );
    expect(problem).toMatchObject({ kind: 'nondeterminism', eventId: 12 });
    expect(problem.summary).toBe(
      'The history has a timer started (timer id "1", for 2 hours), recorded at 2026-01-05T09:00:00.100Z, ' +
        'but the current code scheduled an activity at that point.',
    );
    expect(problem.sdkMessage).toMatch(/^\[TMPRL1100\] Nondeterminism error: Activity machine/);
  });

  it('explains a step the code no longer takes', () => {
    const problem = explainReplayFailure(
      nondeterminism('No command scheduled for event HistoryEvent(id: 5, ActivityTaskScheduled)'),
      history,
    );
    expect(problem.eventId).toBe(5);
    expect(problem.summary).toMatch(
      /^The history has an activity scheduled \(type "lookUpAgent", activity id "1"\), recorded at .*, but the current code did not do that/,
    );
  });

  it('finds the event of an activity scheduled under another type', () => {
    const problem = explainReplayFailure(
      nondeterminism(
        "Activity type of scheduled event 'lookUpAgent' does not match activity type of activity command 'findAgent'",
      ),
      history,
    );
    expect(problem.eventId).toBe(5);
    expect(problem.summary).toBe(
      'The history has activity type "lookUpAgent" scheduled, but the current code scheduled activity type "findAgent" in its place.',
    );
    expect(problem.hint).toMatch(/replaced, renamed or reordered/);
  });

  it('explains a removed patch, pointing at its marker', () => {
    const problem = explainReplayFailure(
      nondeterminism(
        'Non-deprecated patch marker encountered for change wait-before-lookup, but there is no corresponding change command!',
      ),
      history,
    );
    expect(problem.eventId).toBe(11);
    expect(problem.hint).toMatch(/Keep patched\("wait-before-lookup"\)/);
  });

  it('shows an unknown nondeterminism message as it is', () => {
    const problem = explainReplayFailure(nondeterminism('Something new the SDK says'), history);
    expect(problem.kind).toBe('nondeterminism');
    expect(problem.eventId).toBeUndefined();
    expect(problem.summary).toContain('Something new the SDK says');
  });

  it('tells a workflow that threw apart from a nondeterminism', () => {
    const error = new Error('Replay failed due workflow task failure. Details: Cannot read properties of undefined');
    error.name = 'ReplayError';
    const problem = explainReplayFailure(error, history);
    expect(problem.kind).toBe('workflow-task-failure');
    expect(problem.summary).toMatch(/threw while replaying \(this is not a nondeterminism\)/);
  });
});
