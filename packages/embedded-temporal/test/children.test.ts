import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { useWorkerSuite } from './helpers/suite';
import { cancellable, cancelOther, childTimesOut, parentAbandonsNothing, parentOfChildren } from './workflows';

const { WorkflowIdReusePolicy } = temporal.api.enums.v1;
const seconds = (d: { seconds?: unknown } | null | undefined) => Number(d?.seconds ?? NaN);

describe('child workflows and external workflows', () => {
  const suite = useWorkerSuite({ name: 'children' });
  const { taskQueue, started } = suite;
  const history = async (workflowId: string) =>
    (await suite.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

  it('runs children to a result and a failure, and signals a child by id', async () => {
    const workflowId = `parent-${randomUUID()}`;
    const handle = await suite.env.client.workflow.start(parentOfChildren, { taskQueue, workflowId });
    started.push(handle);
    expect(await handle.result()).toEqual({
      doubled: 42,
      failure: 'child says no',
      pinged: `pinged by ${workflowId}; parent ${workflowId}`,
    });
    const description = await handle.describe();
    expect(description.raw.pendingChildren).toEqual([]);
    // The SDK sends an empty memo with each child command; the server writes none.
    const initiated = ((await handle.fetchHistory()).events ?? []).filter(
      (e) => e.startChildWorkflowExecutionInitiatedEventAttributes,
    );
    expect(initiated.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.memo ?? null)).toEqual([
      null,
      null,
      null,
    ]);
    // What the server fills into the command before writing it, and the child's start from it.
    for (const event of initiated) {
      const a = event.startChildWorkflowExecutionInitiatedEventAttributes!;
      expect([seconds(a.workflowRunTimeout), seconds(a.workflowTaskTimeout)]).toEqual([0, 10]);
      expect(a.workflowIdReusePolicy).toBe(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
      expect(a.inheritBuildId).toBe(true);
      const childStarted = (await history(a.workflowId!))[0].workflowExecutionStartedEventAttributes;
      expect(seconds(childStarted?.workflowRunTimeout)).toBe(0);
      expect(childStarted?.workflowExecutionTimeout).toBeNull();
    }
    // The parent's signal reaches the child as a signal the server sent: its identity and a request id.
    const pinged = (await history(`${workflowId}-pinged`)).find((e) => e.workflowExecutionSignaledEventAttributes)!;
    expect(pinged.workflowExecutionSignaledEventAttributes).toMatchObject({
      identity: 'history-service',
      externalWorkflowExecution: { workflowId },
    });
    expect(pinged.workflowExecutionSignaledEventAttributes?.requestId).toMatch(/./);
    const children = await suite.env.client.workflow.list({ query: `WorkflowType = 'childDouble'` });
    const ids: string[] = [];
    for await (const child of children)
      if (child.parentExecution?.workflowId === workflowId) ids.push(child.workflowId);
    expect(ids).toHaveLength(1);
  });

  it('terminates open children when the parent closes (parent close policy)', async () => {
    const handle = await suite.env.client.workflow.start(parentAbandonsNothing, {
      taskQueue,
      workflowId: `parent-${randomUUID()}`,
    });
    started.push(handle);
    const childId = await handle.result();
    const child = suite.env.client.workflow.getHandle(childId);
    const err = await child.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
  });

  it('reports a child that timed out with retry state TIMEOUT', async () => {
    const handle = await suite.env.client.workflow.start(childTimesOut, {
      taskQueue,
      workflowId: `parent-${randomUUID()}`,
    });
    started.push(handle);
    expect(await handle.result()).toBe('TIMEOUT: TimeoutFailure');
    // An execution timeout and no run timeout: the run timeout is the execution timeout.
    const initiated = (await history(handle.workflowId)).find(
      (e) => e.startChildWorkflowExecutionInitiatedEventAttributes,
    )?.startChildWorkflowExecutionInitiatedEventAttributes;
    expect([initiated?.workflowExecutionTimeout, initiated?.workflowRunTimeout].map(seconds)).toEqual([3600, 3600]);
  });

  it('cancels an external workflow', async () => {
    const target = await suite.env.client.workflow.start(cancellable, {
      taskQueue,
      workflowId: `target-${randomUUID()}`,
    });
    started.push(target);
    const canceller = await suite.env.client.workflow.start(cancelOther, {
      taskQueue,
      workflowId: `canceller-${randomUUID()}`,
      args: [target.workflowId],
    });
    started.push(canceller);
    await canceller.result();
    const err = await target.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const requested = (await history(target.workflowId)).find((e) => e.workflowExecutionCancelRequestedEventAttributes);
    expect(requested?.workflowExecutionCancelRequestedEventAttributes?.identity).toBe('history-service');
  });
});
