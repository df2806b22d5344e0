import { enums } from '../../src/enums';
import { type ChildState, describeChild, moveChild } from '../../src/state/child';
import { IllegalTransitionError } from '../../src/state/transitions';

const { ParentClosePolicy } = enums;

function child(): ChildState {
  return {
    initiatedEventId: 7,
    namespace: 'default',
    workflowId: 'child-1',
    workflowType: 'screening',
    runId: 'r1',
    phase: 'initiated',
    startedEventId: 0,
    parentClosePolicy: ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON,
    startedTime: 0,
  };
}

describe('child transitions', () => {
  it('initiated, started, closed', () => {
    const c = child();
    moveChild(c, 'started');
    moveChild(c, 'closed');
    expect(c.phase).toBe('closed');
  });

  it('is never closed before its parent has been told it started', () => {
    expect(() => moveChild(child(), 'closed')).toThrow('child child-1: illegal transition initiated -> closed');
  });

  it('cannot start again once closed', () => {
    const c = child();
    moveChild(c, 'started');
    moveChild(c, 'closed');
    expect(() => moveChild(c, 'started')).toThrow(IllegalTransitionError);
  });
});

describe('what describe shows of a child', () => {
  it('its execution, type, initiated event and parent close policy', () => {
    const info = describeChild(child());
    expect(info).toMatchObject({
      workflowId: 'child-1',
      runId: 'r1',
      workflowTypeName: 'screening',
      parentClosePolicy: ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON,
    });
    expect(Number(info.initiatedId)).toBe(7);
  });
});
