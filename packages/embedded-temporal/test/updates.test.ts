import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { useWorkerSuite } from './helpers/suite';
import { uniqueTaskQueue } from './helpers/worker';
import {
  closesOverAnUpdate,
  counter,
  doneSignal,
  incrementUpdate,
  neverFinishesUpdate,
  validatedUpdate,
} from './workflows';

describe('updates', () => {
  const suite = useWorkerSuite({ name: 'updates' });
  const { taskQueue, started } = suite;

  it('executes updates, rejects in the validator, and dedupes by update id', async () => {
    const handle = await suite.env.client.workflow.start(counter, {
      taskQueue,
      workflowId: `upd-${randomUUID()}`,
      args: [10],
    });
    started.push(handle);
    expect(await handle.executeUpdate(incrementUpdate, { args: [5] })).toBe(15);
    expect(await handle.executeUpdate(incrementUpdate, { args: [1], updateId: 'once' })).toBe(16);
    // Same update id: the first outcome, not a second increment.
    expect(await handle.executeUpdate(incrementUpdate, { args: [1], updateId: 'once' })).toBe(16);
    const err = await handle.executeUpdate(validatedUpdate, { args: [''] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toBe('text must not be empty');
    // Accepted first, completed later.
    const pending = await handle.startUpdate(validatedUpdate, { args: ['hi'], waitForStage: 'ACCEPTED' });
    expect(await pending.result()).toBe('HI');
    await handle.signal(doneSignal);
    expect(await handle.result()).toBe(16);
  });

  it('answers an update poll without wait policy at once, with the admitted stage', async () => {
    const idleQueue = uniqueTaskQueue('no-worker-yet');
    const handle = await suite.env.client.workflow.start(counter, {
      taskQueue: idleQueue,
      workflowId: `upd-${randomUUID()}`,
      args: [10],
    });
    started.push(handle);
    // Both raw calls share one connection and no client-side preprocessing: the service sees the
    // update before the poll.
    const { UpdateWorkflowExecutionLifecycleStage: Stage } = temporal.api.enums.v1;
    const result = suite.env.client.workflowService.updateWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: handle.workflowId },
      waitPolicy: { lifecycleStage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
      request: {
        meta: { updateId: 'admitted', identity: 'test' },
        input: {
          name: 'increment',
          args: { payloads: [suite.env.client.options.loadedDataConverter.payloadConverter.toPayload(1)] },
        },
      },
    });
    const polled = await suite.env.client.workflowService.pollWorkflowExecutionUpdate({
      namespace: 'default',
      updateRef: { workflowExecution: { workflowId: handle.workflowId }, updateId: 'admitted' },
    });
    expect(polled.stage).toBe(
      temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
    );
    await suite.withWorker({ taskQueue: idleQueue }, async () => {
      const outcome = (await result).outcome?.success?.payloads?.[0];
      expect(Buffer.from(outcome?.data ?? []).toString()).toBe('11');
      await handle.signal(doneSignal);
      await handle.result();
    });
  });

  it('fails an accepted update whose workflow completes first', async () => {
    const handle = await suite.env.client.workflow.start(closesOverAnUpdate, {
      taskQueue,
      workflowId: `upd-${randomUUID()}`,
    });
    started.push(handle);
    const update = await handle.startUpdate(neverFinishesUpdate, { waitForStage: 'ACCEPTED' });
    await handle.signal(doneSignal);
    await handle.result();
    const err = await update.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause).toMatchObject({
      type: 'AcceptedUpdateCompletedWorkflow',
      message: expect.stringMatching(/Workflow completed before the Update completed/),
    });
  });

  it('delivers an update to a workflow still in its start delay, ending the delay', async () => {
    const handle = await suite.env.client.workflow.start(counter, {
      taskQueue,
      workflowId: `upd-${randomUUID()}`,
      args: [1],
      startDelay: '10000 days',
    });
    started.push(handle);
    const before = await suite.env.currentTimeMs();
    expect(await handle.executeUpdate(incrementUpdate, { args: [1] })).toBe(2);
    // The update ran without skipping the delay.
    expect((await suite.env.currentTimeMs()) - before).toBeLessThan(86_400_000);
    await handle.signal(doneSignal);
    expect(await handle.result()).toBe(2);
  });

  it('update-with-start starts the workflow, then reuses it', async () => {
    const workflowId = `uws-${randomUUID()}`;
    const startOperation = () =>
      new WithStartWorkflowOperation(counter, {
        taskQueue,
        workflowId,
        args: [0],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    const first = startOperation();
    expect(
      await suite.env.client.workflow.executeUpdateWithStart(incrementUpdate, {
        args: [2],
        startWorkflowOperation: first,
      }),
    ).toBe(2);
    const handle = await first.workflowHandle();
    started.push(handle);
    const second = startOperation();
    expect(
      await suite.env.client.workflow.executeUpdateWithStart(incrementUpdate, {
        args: [3],
        startWorkflowOperation: second,
      }),
    ).toBe(5);
    const firstRun = (await handle.describe()).runId;
    expect((await (await second.workflowHandle()).describe()).runId).toBe(firstRun);
    await handle.signal(doneSignal);
    expect(await handle.result()).toBe(5);
  });
});
