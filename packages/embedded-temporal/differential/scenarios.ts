/**
 * The scenarios of the package's own suite (`test/*.test.ts`), on the same test workflows and
 * activities, in dev-server mode: short waits on the wall clock, so that they run unchanged on
 * `temporal server start-dev`. Each drives its workflows to their end and returns the executions
 * whose histories are compared (their continue-as-new, retry and child runs are followed).
 */
import { once } from 'node:events';
import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { asyncActivities } from '../test/activities';
import {
  accumulate,
  activityDeadline,
  activityTimeout,
  addSignal,
  approveSignal,
  asyncCompletion,
  cancellable,
  cancelActivity,
  cancelOther,
  cancelsTimerWithSummary,
  closesOverAnUpdate,
  countdown,
  counter,
  doneSignal,
  failingActivity,
  failingQuery,
  failsFirstTask,
  finishSignal,
  heartbeatResume,
  incrementUpdate,
  memoEdits,
  neverFinishesUpdate,
  parentAbandonsNothing,
  parentOfChildren,
  resetCaptures,
  resettable,
  resetUnblock,
  retriedActivity,
  retriedWorkflow,
  signalTimerActivities,
  stageQuery,
  totalQuery,
  upserting,
  validatedUpdate,
  waitForever,
} from '../test/workflows';

export interface Execution {
  workflowId: string;
  runId?: string;
}

export interface ScenarioContext {
  client: Client;
  taskQueue: string;
  /** Aborted when the scenario runs out of time (its client calls are aborted with it). */
  signal: AbortSignal;
  /** A workflow id unique to this scenario (`<scenario>-<suffix>`). */
  id(suffix?: string): string;
}

export interface Scenario {
  name: string;
  /** What it exercises, and the package test it comes from. */
  description: string;
  run(ctx: ScenarioContext): Promise<Execution[]>;
}

/** Waits until a query answers `expected` (the handler may not be registered yet at first). */
async function untilQuery<T>(
  signal: AbortSignal,
  handle: WorkflowHandle,
  query: string,
  expected: (value: T) => boolean,
): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    const value = await handle.query<T>(query).catch(() => undefined);
    if (value !== undefined && expected(value)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ended = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    () => undefined,
  );

export const SCENARIOS: Scenario[] = [
  {
    name: 'signal-timer-activities',
    description: 'activities, a timer, a signal and a query (smoke.test)',
    async run({ client, taskQueue, id, signal }) {
      const handle = await client.workflow.start(signalTimerActivities, {
        taskQueue,
        workflowId: id(),
        args: ['Ada', 100],
      });
      await untilQuery<string>(signal, handle, stageQuery.name, (stage) => stage === 'waiting');
      await handle.signal(approveSignal, 'tester');
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-retries',
    description: 'server-side activity retries with nextRetryDelay (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(retriedActivity, { taskQueue, workflowId: id(), args: [3, 5] });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-maximum-attempts',
    description: 'activity retries stop at maximum attempts, the workflow fails (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(retriedActivity, { taskQueue, workflowId: id(), args: [5, 2] });
      await ended(handle.result());
      return [handle];
    },
  },
  {
    name: 'activity-non-retryable',
    description: 'a non-retryable activity failure and a listed non-retryable type (activities.test)',
    async run({ client, taskQueue, id }) {
      const a = await client.workflow.start(failingActivity, {
        taskQueue,
        workflowId: id('flag'),
        args: ['Fatal', true, []],
      });
      await a.result();
      const b = await client.workflow.start(failingActivity, {
        taskQueue,
        workflowId: id('listed'),
        args: ['Listed', false, ['Listed']],
      });
      await b.result();
      return [a, b];
    },
  },
  {
    name: 'activity-heartbeat-details',
    description: 'heartbeat details carried to the next attempt (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(heartbeatResume, { taskQueue, workflowId: id(), args: [10] });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-cancellation',
    description: 'activity cancellation delivered through heartbeat responses (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(cancelActivity, { taskQueue, workflowId: id(), args: [100] });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-start-to-close-timeout',
    description: 'start-to-close timeouts, retried, then maximum attempts (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(activityTimeout, { taskQueue, workflowId: id() });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-heartbeat-timeout',
    description: 'an activity that stops heartbeating (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(activityDeadline, {
        taskQueue,
        workflowId: id(),
        args: ['heartbeat'],
      });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-schedule-to-close',
    description: 'retries stop at the schedule-to-close budget (activities.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(activityDeadline, {
        taskQueue,
        workflowId: id(),
        args: ['scheduleToClose'],
      });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'activity-async-completion',
    description: 'asynchronous activity completion by task token (activities.test)',
    async run({ client, taskQueue, id }) {
      const startedActivity = once(asyncActivities, 'started');
      const handle = await client.workflow.start(asyncCompletion, { taskQueue, workflowId: id() });
      const [token] = (await startedActivity) as [Uint8Array];
      await client.activity.complete(token, 'by token');
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'children',
    description: 'children to a result and a failure, a child signalled by id (children.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(parentOfChildren, { taskQueue, workflowId: id() });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'parent-close-policy',
    description: 'an open child terminated when its parent closes (children.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(parentAbandonsNothing, { taskQueue, workflowId: id() });
      const childId = await handle.result();
      await ended(client.workflow.getHandle(childId).result());
      return [handle];
    },
  },
  {
    name: 'external-cancel',
    description: 'a workflow cancels another by id (children.test)',
    async run({ client, taskQueue, id }) {
      const target = await client.workflow.start(cancellable, { taskQueue, workflowId: id('target') });
      const canceller = await client.workflow.start(cancelOther, {
        taskQueue,
        workflowId: id('canceller'),
        args: [target.workflowId],
      });
      await canceller.result();
      await ended(target.result());
      return [target, canceller];
    },
  },
  {
    name: 'client-cancel',
    description: 'cancellation requested by a client, the workflow cleans up and ends cancelled (executions.test)',
    async run({ client, taskQueue, id, signal }) {
      const handle = await client.workflow.start(cancellable, { taskQueue, workflowId: id() });
      // Cancel only once the workflow waits in its scope (its first task completed).
      await untilFirstTaskCompleted(signal, handle);
      await handle.cancel();
      await ended(handle.result());
      return [handle];
    },
  },
  {
    name: 'terminate',
    description: 'a terminated workflow (executions.test)',
    async run({ client, taskQueue, id, signal }) {
      const handle = await client.workflow.start(waitForever, { taskQueue, workflowId: id() });
      await untilFirstTaskCompleted(signal, handle);
      await handle.terminate('enough');
      return [handle];
    },
  },
  {
    name: 'signals-and-queries',
    description: 'signals in order, a query and a failing query (executions.test)',
    async run({ client, taskQueue, id, signal }) {
      const handle = await client.workflow.start(accumulate, { taskQueue, workflowId: id(), args: [1] });
      await handle.signal(addSignal, 2);
      await handle.signal(addSignal, 3);
      await untilQuery<number>(signal, handle, totalQuery.name, (total) => total === 6);
      await handle.query(failingQuery).catch(() => undefined);
      await handle.signal(finishSignal);
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'continue-as-new',
    description: 'a chain of three runs (executions.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(countdown, { taskQueue, workflowId: id(), args: [2] });
      await handle.result();
      return [{ workflowId: handle.workflowId, runId: handle.firstExecutionRunId }];
    },
  },
  {
    name: 'workflow-retry',
    description: 'a workflow retried by its retry policy (executions.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(retriedWorkflow, {
        taskQueue,
        workflowId: id(),
        args: [2],
        retry: { initialInterval: '100ms', maximumAttempts: 3 },
      });
      await handle.result();
      return [{ workflowId: handle.workflowId, runId: handle.firstExecutionRunId }];
    },
  },
  {
    name: 'workflow-task-failure',
    description: 'a workflow task that fails and is retried (executions.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(failsFirstTask, { taskQueue, workflowId: id() });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'search-attributes-and-memo',
    description: 'an upserted search attribute, memo set and deleted (executions.test)',
    async run({ client, taskQueue, id, signal }) {
      const a = await client.workflow.start(upserting, { taskQueue, workflowId: id('upsert'), args: ['blue'] });
      await untilFirstTaskCompleted(signal, a);
      await a.signal(finishSignal);
      await a.result();
      const b = await client.workflow.start(memoEdits, { taskQueue, workflowId: id('memo'), memo: { charlie: 'c' } });
      await b.result();
      return [a, b];
    },
  },
  {
    name: 'updates',
    description: 'updates executed, deduped by id, rejected by a validator, accepted then completed (updates.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(counter, { taskQueue, workflowId: id(), args: [10] });
      await handle.executeUpdate(incrementUpdate, { args: [5] });
      await handle.executeUpdate(incrementUpdate, { args: [1], updateId: 'once' });
      await handle.executeUpdate(incrementUpdate, { args: [1], updateId: 'once' });
      await handle.executeUpdate(validatedUpdate, { args: [''] }).catch(() => undefined);
      const pending = await handle.startUpdate(validatedUpdate, { args: ['hi'], waitForStage: 'ACCEPTED' });
      await pending.result();
      await handle.signal(doneSignal);
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'update-outlived',
    description: 'an accepted update whose workflow completes first (updates.test)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(closesOverAnUpdate, { taskQueue, workflowId: id() });
      const update = await handle.startUpdate(neverFinishesUpdate, { waitForStage: 'ACCEPTED' });
      await handle.signal(doneSignal);
      await handle.result();
      await ended(update.result());
      return [handle];
    },
  },
  {
    name: 'update-with-start',
    description: 'update-with-start starts the workflow, then reuses it (updates.test)',
    async run({ client, taskQueue, id }) {
      const workflowId = id();
      const operation = () =>
        new WithStartWorkflowOperation(counter, {
          taskQueue,
          workflowId,
          args: [0],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      const first = operation();
      await client.workflow.executeUpdateWithStart(incrementUpdate, { args: [2], startWorkflowOperation: first });
      await client.workflow.executeUpdateWithStart(incrementUpdate, { args: [3], startWorkflowOperation: operation() });
      const handle = await first.workflowHandle();
      await handle.signal(doneSignal);
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'start-delay-signal-with-start',
    description: 'a start delay ended by signal-with-start (executions.test)',
    async run({ client, taskQueue, id, signal }) {
      const workflowId = id();
      const handle = await client.workflow.start(accumulate, { taskQueue, workflowId, args: [1], startDelay: '1 day' });
      await client.workflow.signalWithStart(accumulate, {
        taskQueue,
        workflowId,
        args: [1],
        signal: addSignal,
        signalArgs: [2],
      });
      await untilQuery<number>(signal, handle, totalQuery.name, (total) => total === 3);
      await handle.signal(finishSignal);
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'timer-cancelled',
    description: 'a timer with a summary, cancelled (the TimerCanceled event of the golden differential)',
    async run({ client, taskQueue, id }) {
      const handle = await client.workflow.start(cancelsTimerWithSummary, { taskQueue, workflowId: id() });
      await handle.result();
      return [handle];
    },
  },
  {
    name: 'reset',
    description:
      'a reset to the end of the second workflow task, the run reset while waiting for a signal (workflow-reset.test)',
    async run({ client, taskQueue, id, signal }) {
      const handle = await client.workflow.start(resettable, { taskQueue, workflowId: id() });
      await untilQuery<number[]>(signal, handle, resetCaptures.name, (captures) => captures.length === 3);
      const events = (await handle.fetchHistory()).events ?? [];
      const secondTimer = events.filter((e) => e.timerStartedEventAttributes)[1];
      const { runId } = await client.workflowService.resetWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
        workflowTaskFinishEventId: secondTimer?.timerStartedEventAttributes?.workflowTaskCompletedEventId,
        reason: 'differential',
        requestId: 'differential-reset',
        resetReapplyType: temporal.api.enums.v1.ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
      });
      const reset = client.workflow.getHandle(handle.workflowId, runId);
      await untilQuery<number[]>(signal, reset, resetCaptures.name, (captures) => captures.length === 3);
      await reset.signal(resetUnblock);
      await reset.result();
      return [
        { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
        { workflowId: handle.workflowId, runId },
      ];
    },
  },
];

/** Waits until the run's history has its first WorkflowTaskCompleted. */
async function untilFirstTaskCompleted(signal: AbortSignal, handle: WorkflowHandle): Promise<void> {
  const { EVENT_TYPE_WORKFLOW_TASK_COMPLETED } = temporal.api.enums.v1.EventType;
  for (;;) {
    signal.throwIfAborted();
    const events = (await handle.fetchHistory()).events ?? [];
    if (events.some((e) => e.eventType === EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
