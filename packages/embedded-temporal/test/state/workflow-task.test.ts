import { ClockLock } from '../../src/clock';
import { enums } from '../../src/enums';
import { IllegalTransitionError } from '../../src/state/transitions';
import {
  describeWorkflowTask,
  moveWorkflowTask,
  newWorkflowTask,
  type WorkflowTaskPhase,
} from '../../src/state/workflow-task';
import { timestampMs } from '../../src/time';
import { ManualClock } from './helpers';

const { PendingWorkflowTaskState } = enums;

function task() {
  const clock = new ManualClock();
  return newWorkflowTask({ scheduledEventId: 2, attempt: 1, scheduledTime: clock.now(), lock: new ClockLock(clock) });
}

describe('workflow task transitions', () => {
  it.each<WorkflowTaskPhase>(['completed', 'failed', 'timedOut'])('a started task can end %s', (end) => {
    const t = task();
    moveWorkflowTask(t, 'started');
    moveWorkflowTask(t, end);
    expect(t.state).toBe(end);
  });

  it.each<WorkflowTaskPhase>(['completed', 'failed'])('a task that was never started cannot end %s', (end) => {
    expect(() => moveWorkflowTask(task(), end)).toThrow('workflow task: illegal transition scheduled -> ' + end);
  });

  it('a task that was never started can time out (the sticky schedule-to-start timeout)', () => {
    const t = task();
    moveWorkflowTask(t, 'timedOut');
    expect(t.state).toBe('timedOut');
    expect(() => moveWorkflowTask(t, 'started')).toThrow(IllegalTransitionError);
  });

  it('cannot be started twice or after it ended', () => {
    const t = task();
    moveWorkflowTask(t, 'started');
    expect(() => moveWorkflowTask(t, 'started')).toThrow(IllegalTransitionError);
    moveWorkflowTask(t, 'completed');
    expect(() => moveWorkflowTask(t, 'started')).toThrow(IllegalTransitionError);
    expect(t.state).toBe('completed');
  });
});

describe('what describe shows of a workflow task', () => {
  it('a scheduled task: SCHEDULED, no started time', () => {
    const info = describeWorkflowTask(task());
    expect(info.state).toBe(PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED);
    expect(info.startedTime).toBeNull();
    expect(info.attempt).toBe(1);
  });

  it('a started task: STARTED with its started time', () => {
    const t = task();
    moveWorkflowTask(t, 'started');
    t.startedTime = t.scheduledTime + 250;
    const info = describeWorkflowTask(t);
    expect(info.state).toBe(PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED);
    expect(timestampMs(info.startedTime)).toBe(t.scheduledTime + 250);
    expect(timestampMs(info.scheduledTime)).toBe(t.scheduledTime);
  });
});
