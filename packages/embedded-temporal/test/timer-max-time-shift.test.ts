/**
 * Dev-server mode fires timer-queue tasks as a real server does: never sooner than
 * `history.timerProcessorMaxTimeShift` (1 s by default) after they were created, so a 100 ms
 * workflow timer fires about a second after `TimerStarted` (the official dev server does the
 * same; the SDK's own tests depend on it). The time-skipping mode fires timers when due.
 */
import { randomUUID } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmbeddedTemporal } from '../src';
import { createLocalEnv } from './helpers/env';

const { CommandType, EventType } = temporal.api.enums.v1;
const namespace = 'default';

const eventMs = (e: temporal.api.history.v1.IHistoryEvent) =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/** Starts a run, answers its first task with a timer of `timerMs`, and returns the gap from TimerStarted to TimerFired. */
async function timerGapMs(env: TestWorkflowEnvironment, timerMs: number): Promise<number> {
  const service = env.client.workflowService;
  const taskQueue = `q-${randomUUID()}`;
  const workflowId = `timer-${randomUUID()}`;
  await service.startWorkflowExecution({
    namespace,
    workflowId,
    workflowType: { name: 'raw' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
  });
  const poll = () => service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'w' });
  const first = await poll();
  await service.respondWorkflowTaskCompleted({
    namespace,
    taskToken: first.taskToken,
    commands: [
      {
        commandType: CommandType.COMMAND_TYPE_START_TIMER,
        startTimerCommandAttributes: { timerId: '1', startToFireTimeout: msToTs(timerMs) },
      },
    ],
  });
  const second = await poll();
  const events = second.history?.events ?? [];
  const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
  const fired = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
  expect(started && fired).toBeTruthy();
  await service.terminateWorkflowExecution({ namespace, workflowExecution: { workflowId } });
  return eventMs(fired!) - eventMs(started!);
}

describe('dev-server mode, default max time shift', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('fires a 100 ms timer no sooner than 1 s after it started', async () => {
    expect(await timerGapMs(env, 100)).toBeGreaterThanOrEqual(1000);
  });
});

describe('dev-server mode, history.timerProcessorMaxTimeShift set', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv({}, ['--dynamic-config-value', 'history.timerProcessorMaxTimeShift="3s"']);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('fires a 100 ms timer no sooner than the configured shift', async () => {
    expect(await timerGapMs(env, 100)).toBeGreaterThanOrEqual(3000);
  });
});

it('refuses a max time shift that is not a duration, naming the setting', async () => {
  await expect(
    startEmbeddedTemporal({ mode: 'dev-server', dynamicConfig: { 'history.timerProcessorMaxTimeShift': 'soon' } }),
  ).rejects.toThrow(/history\.timerProcessorMaxTimeShift: not a duration/);
});
