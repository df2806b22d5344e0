import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { asyncActivities } from './activities';
import { useWorkerSuite } from './helpers/suite';
import { uniqueTaskQueue } from './helpers/worker';
import {
  activityDeadline,
  activityTimeout,
  asyncCompletion,
  cancelActivity,
  failingActivity,
  heartbeatResume,
  parallelStarts,
  retriedActivity,
} from './workflows';

describe('activities', () => {
  const suite = useWorkerSuite({ name: 'activities' });
  const { taskQueue, started } = suite;

  const start = async <A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A) => {
    const handle = await suite.env.client.workflow.start(workflow, {
      taskQueue,
      workflowId: `act-${randomUUID()}`,
      args,
    });
    started.push(handle);
    return handle;
  };

  it('retries on the server until an attempt succeeds, honouring nextRetryDelay', async () => {
    const handle = await start(retriedActivity, 3, 5);
    expect(await handle.result()).toBe(3);
    const events = (await handle.fetchHistory()).events ?? [];
    const startedEvents = events.filter((e) => e.activityTaskStartedEventAttributes);
    // One Started event, written with the last attempt and the previous attempt's failure.
    expect(startedEvents).toHaveLength(1);
    expect(startedEvents[0].activityTaskStartedEventAttributes?.attempt).toBe(3);
    expect(startedEvents[0].activityTaskStartedEventAttributes?.lastFailure?.message).toBe('attempt 2 failed');
  });

  it('stops at maximum attempts and reports the retry state', async () => {
    const handle = await start(retriedActivity, 5, 2);
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect((cause as ActivityFailure).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect((cause as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ActivityFailure).cause?.message).toBe('attempt 2 failed');
  });

  it('does not retry non-retryable failures or listed error types', async () => {
    expect(await (await start(failingActivity, 'Fatal', true, [])).result()).toEqual({
      type: 'Fatal',
      retryState: 'NON_RETRYABLE_FAILURE',
      message: 'failed with Fatal',
    });
    expect(await (await start(failingActivity, 'Listed', false, ['Listed'])).result()).toMatchObject({
      type: 'Listed',
      retryState: 'NON_RETRYABLE_FAILURE',
    });
    expect(await (await start(failingActivity, 'Other', false, ['Listed'])).result()).toMatchObject({
      type: 'Other',
      retryState: 'MAXIMUM_ATTEMPTS_REACHED',
    });
  });

  it('carries heartbeat details to the next attempt', async () => {
    const result = await (await start(heartbeatResume, 10)).result();
    expect(result.attempt).toBe(2);
    expect(result.resumedFrom).toBeGreaterThan(0);
  });

  it('delivers cancellation through heartbeat responses', async () => {
    const handle = await start(cancelActivity, 100);
    expect(await handle.result()).toBe('cancelled');
    const types = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
    const { EventType } = (await import('@temporalio/proto')).temporal.api.enums.v1;
    expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED);
  });

  it('times out attempts on start-to-close and retries them', async () => {
    const handle = await start(activityTimeout);
    expect(await handle.result()).toBe('MAXIMUM_ATTEMPTS_REACHED: TimeoutFailure: activity StartToClose timeout');
    // As the server writes it: the last timeout names the previous attempt's failure as its cause.
    const timedOut = ((await handle.fetchHistory()).events ?? []).find((e) => e.activityTaskTimedOutEventAttributes);
    expect(timedOut?.activityTaskTimedOutEventAttributes?.failure?.cause?.timeoutFailureInfo).toBeTruthy();
  });

  it('spaces activity dispatch by the maxTaskQueueActivitiesPerSecond of the polling worker', async () => {
    const limitedQueue = uniqueTaskQueue('rate-limited');
    const starts = await suite.withWorker({ taskQueue: limitedQueue, maxTaskQueueActivitiesPerSecond: 4 }, async () => {
      const handle = await suite.env.client.workflow.start(parallelStarts, {
        taskQueue: limitedQueue,
        workflowId: `rate-${randomUUID()}`,
        args: [4],
      });
      started.push(handle);
      return handle.result();
    });
    starts.sort((a, b) => a - b);
    // 4 per second: the fourth dispatch comes at least 750 ms after the first (less some jitter).
    expect(starts[3] - starts[0]).toBeGreaterThanOrEqual(650);
  });

  it('times out an activity that stops heartbeating', async () => {
    expect(await (await start(activityDeadline, 'heartbeat')).result()).toBe(
      'MAXIMUM_ATTEMPTS_REACHED: TimeoutFailure: HEARTBEAT',
    );
  });

  it('stops retrying when the next attempt would pass the schedule-to-close budget', async () => {
    expect(await (await start(activityDeadline, 'scheduleToClose')).result()).toBe(
      'TIMEOUT: ApplicationFailure: failed with Transient',
    );
  });

  it('completes activities asynchronously by task token and by activity id', async () => {
    const byToken = once(asyncActivities, 'started');
    const first = await start(asyncCompletion);
    const [token] = (await byToken) as [Uint8Array];
    await suite.env.client.activity.complete(token, 'by token');
    expect(await first.result()).toBe('by token');

    const byId = once(asyncActivities, 'started');
    const second = await start(asyncCompletion);
    await byId;
    await suite.env.client.activity.complete({ workflowId: second.workflowId, activityId: '1' }, 'by id');
    expect(await second.result()).toBe('by id');
  });
});
