/** A run's history: reserved events (a speculative workflow task's) and what history shows of them. */
import { enums } from '../../src/enums';
import { Namespace } from '../../src/namespaces';
import { WorkflowRun } from '../../src/state/workflow-run';
import { newRun } from './helpers';

const { EventType } = enums;

function run(): WorkflowRun {
  const r = newRun(new Namespace('default'));
  r.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {});
  return r;
}

const ids = (r: WorkflowRun) => r.events.map((e) => [Number(e.eventId), e.eventType]);

describe('reserved events', () => {
  it('take the next ids but stay out of history and wake no listener', () => {
    const r = run();
    let woken = 0;
    r.subscribe(() => woken++);
    expect(r.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {})).toBe(2);
    expect(r.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, {})).toBe(3);
    expect(r.hasReserved).toBe(true);
    expect(r.lastEventId).toBe(1);
    expect(r.reserved.map((e) => Number(e.eventId))).toEqual([2, 3]);
    expect(woken).toBe(0);
  });

  it('are written before the next appended event, with the ids they reserved', () => {
    const r = run();
    r.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {});
    expect(r.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {})).toBe(3);
    expect(ids(r)).toEqual([
      [1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED],
      [2, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED],
      [3, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED],
    ]);
    expect(r.hasReserved).toBe(false);
  });

  it('leave no trace when dropped: the next event takes their id', () => {
    const r = run();
    r.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {});
    r.reserve(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, {});
    r.dropReserved();
    expect(r.hasReserved).toBe(false);
    expect(r.append(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {})).toBe(2);
    expect(ids(r)).toHaveLength(2);
  });
});
