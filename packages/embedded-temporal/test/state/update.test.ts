import { enums } from '../../src/enums';
import { IllegalTransitionError } from '../../src/state/transitions';
import { advanceUpdate, isUpdateCompleted, newUpdate, updateReached } from '../../src/state/update';

const { UpdateWorkflowExecutionLifecycleStage: Stage } = enums;
const ADMITTED = Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
const ACCEPTED = Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
const COMPLETED = Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;

const update = () => newUpdate('u1', 'run-1', { meta: { updateId: 'u1' }, input: { name: 'approve' } });

describe('update stages', () => {
  it('admitted, accepted, completed, waking the waiters at each stage', () => {
    const u = update();
    const woken: number[] = [];
    u.waiters.add(() => woken.push(u.stage));
    advanceUpdate(u, ACCEPTED);
    advanceUpdate(u, COMPLETED, { success: { payloads: [] } });
    expect(woken).toEqual([ACCEPTED, COMPLETED]);
    expect(isUpdateCompleted(u)).toBe(true);
    expect(u.outcome).toEqual({ success: { payloads: [] } });
  });

  it('a rejection completes an update the workflow never accepted', () => {
    const u = update();
    advanceUpdate(u, COMPLETED, { failure: { message: 'rejected' } });
    expect(u.stage).toBe(COMPLETED);
  });

  it('never moves back, and a completed update stays completed', () => {
    const u = update();
    advanceUpdate(u, ACCEPTED);
    expect(() => advanceUpdate(u, ADMITTED)).toThrow('update u1: illegal transition accepted -> admitted');
    advanceUpdate(u, COMPLETED);
    expect(() => advanceUpdate(u, COMPLETED)).toThrow(IllegalTransitionError);
    expect(u.stage).toBe(COMPLETED);
  });

  it('answers a caller waiting for ACCEPTED only once accepted (or ended)', () => {
    const u = update();
    expect(updateReached(u, ACCEPTED)).toBe(false);
    advanceUpdate(u, ACCEPTED);
    expect(updateReached(u, ACCEPTED)).toBe(true);
    expect(updateReached(u, COMPLETED)).toBe(false);
    const failed = update();
    failed.error = new Error('workflow execution already completed');
    expect(updateReached(failed, COMPLETED)).toBe(true);
  });
});
