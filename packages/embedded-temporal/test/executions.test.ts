import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  Client,
  QueryNotRegisteredError,
  QueryRejectedError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
} from '@temporalio/client';
import { CancelledFailure, defaultPayloadConverter, TerminatedFailure } from '@temporalio/common';
import { google, temporal } from '@temporalio/proto';
import type { InjectedSinks } from '@temporalio/worker';
import { useWorkerSuite } from './helpers/suite';
import {
  accumulate,
  addSignal,
  completesOverASignal,
  pokeSignal,
  type SelfSignalSinks,
  cancellable,
  countdown,
  failingQuery,
  failsFirstTask,
  memoEdits,
  ownInfo,
  finishSignal,
  retriedWorkflow,
  startTimes,
  totalQuery,
  upserting,
  waitForever,
} from './workflows';

const { ContinueAsNewInitiator, EventType, WorkflowExecutionStatus } = temporal.api.enums.v1;

const seconds = (d: { seconds?: unknown } | null | undefined) => Number(d?.seconds ?? NaN);

describe('workflow executions', () => {
  const suite = useWorkerSuite({ name: 'executions' });
  const { taskQueue, started } = suite;

  const workflowId = () => `exec-${randomUUID()}`;
  /** Every run's history of a chain (continue-as-new, retries), first to last. */
  const runHistories = async (id: string, firstRunId: string) => {
    const runs: temporal.api.history.v1.IHistoryEvent[][] = [];
    for (let runId = firstRunId; runId;) {
      const events = (await suite.env.client.workflow.getHandle(id, runId).fetchHistory()).events ?? [];
      runs.push(events);
      const last = events[events.length - 1];
      runId =
        last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ||
        last.workflowExecutionFailedEventAttributes?.newExecutionRunId ||
        '';
    }
    return runs;
  };
  const eventTypes = async (handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) =>
    ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);

  it('delivers signals in order and answers queries, passing a failed query error through', async () => {
    const handle = await suite.env.client.workflow.start(accumulate, {
      taskQueue,
      workflowId: workflowId(),
      args: [1],
    });
    started.push(handle);
    await handle.signal(addSignal, 2);
    await handle.signal(addSignal, 3);
    expect(await handle.query(totalQuery)).toBe(6);
    const err = await handle.query(failingQuery).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryNotRegisteredError);
    expect((err as Error).message).toContain('this query always fails');
    await handle.signal(finishSignal);
    expect(await handle.result()).toBe(6);
    // A closed workflow still answers queries (legacy query task, replayed by the worker).
    expect(await handle.query(totalQuery)).toBe(6);
  });

  it('writes the fields the official dev server writes (see the package differential)', async () => {
    const handle = await suite.env.client.workflow.start(accumulate, {
      taskQueue,
      workflowId: workflowId(),
      args: [1],
    });
    started.push(handle);
    await handle.signal(finishSignal);
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const startedAttributes = events[0].workflowExecutionStartedEventAttributes;
    // No timeout set: neither field is written (a cluster writes no "0s" there).
    expect(startedAttributes?.workflowExecutionTimeout).toBeNull();
    expect(startedAttributes?.workflowRunTimeout).toBeNull();
    expect(startedAttributes?.firstWorkflowTaskBackoff).not.toBeNull();
    // The client's signal request id is kept on the event.
    expect(
      events.find((e) => e.workflowExecutionSignaledEventAttributes)?.workflowExecutionSignaledEventAttributes
        ?.requestId,
    ).toMatch(/./);
    // No binary checksum: the build id is in workerVersion only.
    const completed = events.filter((e) => e.workflowTaskCompletedEventAttributes);
    expect(completed.map((e) => e.workflowTaskCompletedEventAttributes?.binaryChecksum ?? '')).toEqual(
      completed.map(() => ''),
    );
    expect(completed[0].workflowTaskCompletedEventAttributes?.workerVersion?.buildId).toMatch(/./);
  });

  it('signal-with-start starts once, then signals the running execution', async () => {
    const id = workflowId();
    const first = await suite.env.client.workflow.signalWithStart(accumulate, {
      taskQueue,
      workflowId: id,
      args: [10],
      signal: addSignal,
      signalArgs: [1],
    });
    started.push({ workflowId: id, firstExecutionRunId: first.signaledRunId });
    const second = await suite.env.client.workflow.signalWithStart(accumulate, {
      taskQueue,
      workflowId: id,
      args: [999],
      signal: addSignal,
      signalArgs: [2],
    });
    expect(second.signaledRunId).toBe(first.signaledRunId);
    // A repeated request (same request id) signals once.
    const repeated = {
      namespace: suite.env.namespace ?? 'default',
      workflowId: id,
      workflowType: { name: 'accumulate' },
      taskQueue: { name: taskQueue },
      signalName: addSignal.name,
      signalInput: { payloads: [defaultPayloadConverter.toPayload(5)] },
      requestId: randomUUID(),
    };
    await suite.env.client.workflowService.signalWithStartWorkflowExecution(repeated);
    await suite.env.client.workflowService.signalWithStartWorkflowExecution(repeated);
    await first.signal(finishSignal);
    expect(await first.result()).toBe(18);
    // Each signal-with-start's request id is on its signal, as the server records it.
    const signaled = ((await first.fetchHistory()).events ?? []).flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes] : [],
    );
    expect(signaled.map((s) => s.signalName)).toEqual(['add', 'add', 'add', 'finish']);
    expect(signaled.slice(0, 3).every((s) => /./.test(s.requestId ?? ''))).toBe(true);
    expect(signaled[2].requestId).toBe(repeated.requestId);
  });

  it('applies workflow id conflict and reuse policies', async () => {
    const id = workflowId();
    const handle = await suite.env.client.workflow.start(accumulate, { taskQueue, workflowId: id, args: [0] });
    started.push(handle);
    await expect(suite.env.client.workflow.start(accumulate, { taskQueue, workflowId: id, args: [0] })).rejects.toThrow(
      WorkflowExecutionAlreadyStartedError,
    );
    const existing = await suite.env.client.workflow.start(accumulate, {
      taskQueue,
      workflowId: id,
      args: [0],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    expect(existing.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    await handle.signal(finishSignal);
    await handle.result();
    await expect(
      suite.env.client.workflow.start(accumulate, {
        taskQueue,
        workflowId: id,
        args: [0],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    ).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    const again = await suite.env.client.workflow.start(accumulate, { taskQueue, workflowId: id, args: [5] });
    started.push(again);
    expect(again.firstExecutionRunId).not.toBe(handle.firstExecutionRunId);
    await again.signal(finishSignal);
    expect(await again.result()).toBe(5);
  });

  it('names the running execution in the ALREADY_EXISTS of a conflicting start', async () => {
    const id = workflowId();
    const startRequest = (requestId: string) => ({
      namespace: 'default',
      workflowId: id,
      workflowType: { name: 'accumulate' },
      taskQueue: { name: taskQueue },
      input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('0') }] },
      requestId,
    });
    const firstRequestId = randomUUID();
    const { runId } = await suite.env.connection.workflowService.startWorkflowExecution(startRequest(firstRequestId));
    started.push(suite.env.client.workflow.getHandle(id));
    const err = (await suite.env.connection.workflowService
      .startWorkflowExecution(startRequest(randomUUID()))
      .catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.ALREADY_EXISTS);
    const [raw] = err.metadata.get('grpc-status-details-bin');
    const [detail] = google.rpc.Status.decode(raw as Buffer).details;
    expect(detail?.type_url).toBe(
      'type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    );
    expect(temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.decode(detail!.value!)).toMatchObject({
      startRequestId: firstRequestId,
      runId,
    });
    await suite.env.client.workflow.getHandle(id).signal(finishSignal);
  });

  it('cancels a workflow on request', async () => {
    const handle = await suite.env.client.workflow.start(cancellable, { taskQueue, workflowId: workflowId() });
    started.push(handle);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const types = await eventTypes(handle);
    expect(types).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    expect(types[types.length - 1]).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  });

  it('terminates a workflow', async () => {
    const handle = await suite.env.client.workflow.start(waitForever, { taskQueue, workflowId: workflowId() });
    started.push(handle);
    await handle.terminate('enough');
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const description = await handle.describe();
    expect(description.status.name).toBe('TERMINATED');
    expect(description.raw.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
    );
  });

  it('follows continue-as-new to the last run', async () => {
    const handle = await suite.env.client.workflow.start(countdown, { taskQueue, workflowId: workflowId(), args: [3] });
    started.push(handle);
    expect(await handle.result()).toBe(4);
  });

  it('fills continue-as-new in as the server does and hands the reset points to the next runs', async () => {
    const handle = await suite.env.client.workflow.start(countdown, { taskQueue, workflowId: workflowId(), args: [2] });
    started.push(handle);
    await handle.result();
    const runs = await runHistories(handle.workflowId, handle.firstExecutionRunId);
    expect(runs).toHaveLength(3);
    const [first, second, third] = runs;
    const completedId = Number(first.find((e) => e.workflowTaskCompletedEventAttributes)?.eventId);
    const continued = first.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)!;
    const can = continued.workflowExecutionContinuedAsNewEventAttributes!;
    // The run timeout the server settled (0s for none), the command's inheritBuildId and
    // initiator (core sends none), and no BuildIds: that search attribute is the service's own.
    expect(seconds(can.workflowRunTimeout)).toBe(0);
    expect(can.inheritBuildId).toBe(true);
    expect(can.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED);
    expect(can.searchAttributes).toBeNull();
    const nextStarted = second[0].workflowExecutionStartedEventAttributes!;
    expect(seconds(nextStarted.workflowRunTimeout)).toBe(0);
    expect(nextStarted.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    expect(nextStarted.searchAttributes).toBeNull();
    // One reset point per build id, recorded by the first run, expiring a day after the next run starts.
    const point = {
      buildId: suite.worker.options.buildId,
      runId: handle.firstExecutionRunId,
      firstWorkflowTaskCompletedId: completedId,
      resettable: true,
    };
    const points = (e: temporal.api.history.v1.IHistoryEvent) =>
      (e.workflowExecutionStartedEventAttributes?.prevAutoResetPoints?.points ?? []).map((p) => ({
        buildId: p.buildId,
        runId: p.runId,
        firstWorkflowTaskCompletedId: Number(p.firstWorkflowTaskCompletedId),
        resettable: p.resettable,
        expiresAfterStart: seconds(p.expireTime) - seconds(second[0].eventTime),
      }));
    expect(first[0].workflowExecutionStartedEventAttributes?.prevAutoResetPoints).toBeNull();
    expect(points(second[0])).toEqual([{ ...point, expiresAfterStart: 86_400 }]);
    expect(points(third[0])).toEqual(points(second[0]));
    const described = await suite.env.client.workflow.getHandle(handle.workflowId).describe();
    expect(described.raw.workflowExecutionInfo?.autoResetPoints?.points?.map((p) => p.runId)).toEqual([
      handle.firstExecutionRunId,
    ]);
  });

  it('retries a failed workflow under its retry policy', async () => {
    const handle = await suite.env.client.workflow.start(retriedWorkflow, {
      taskQueue,
      workflowId: workflowId(),
      args: [3],
      retry: { maximumAttempts: 5, initialInterval: '1s' },
    });
    started.push(handle);
    expect(await handle.result()).toBe(3);
    const runs = await runHistories(handle.workflowId, handle.firstExecutionRunId);
    expect(runs).toHaveLength(3);
    // The policy with the server's defaults filled in, on every run; reset points handed on.
    for (const [index, events] of runs.entries()) {
      const attributes = events[0].workflowExecutionStartedEventAttributes!;
      expect(attributes.retryPolicy).toMatchObject({ backoffCoefficient: 2, maximumAttempts: 5 });
      expect(seconds(attributes.retryPolicy?.maximumInterval)).toBe(100);
      expect(attributes.prevAutoResetPoints?.points?.map((p) => p.runId) ?? []).toEqual(
        index === 0 ? [] : [handle.firstExecutionRunId],
      );
    }
  });

  it('keeps memo and typed search attributes, and applies upserts', async () => {
    const handle = await suite.env.client.workflow.start(upserting, {
      taskQueue,
      workflowId: workflowId(),
      args: ['after'],
      memo: { owner: 'team-a' },
      searchAttributes: { CustomKeywordField: ['before'], CustomIntField: [7] },
    });
    started.push(handle);
    await handle.signal(finishSignal);
    await handle.result();
    const description = await handle.describe();
    expect(description.memo).toEqual({ owner: 'team-a' });
    const { BuildIds, ...custom } = description.searchAttributes;
    expect(custom).toEqual({ CustomKeywordField: ['after'], CustomIntField: [7] });
    // Unset timeouts stay unset.
    expect(description.raw.executionConfig?.workflowRunTimeout).toBeNull();
    expect(description.raw.executionConfig?.workflowExecutionTimeout).toBeNull();
    // The server records the build id of the worker that completed workflow tasks.
    expect(BuildIds).toEqual(['unversioned', `unversioned:${suite.worker.options.buildId}`]);
  });

  it('delays the first workflow task by the start delay', async () => {
    const handle = await suite.env.client.workflow.start(startTimes, {
      taskQueue,
      workflowId: workflowId(),
      startDelay: '1 day',
    });
    started.push(handle);
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const time = (i: number) => Number(events[i].eventTime?.seconds ?? 0);
    expect(events[0].workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff?.seconds?.toString()).toBe(
      '86400',
    );
    expect(time(1) - time(0)).toBeGreaterThanOrEqual(86_400);
  });

  it('lets signal-with-start end a start delay', async () => {
    const workflowId = `delayed-${randomUUID()}`;
    const before = await suite.env.currentTimeMs();
    const handle = await suite.env.client.workflow.start(accumulate, {
      taskQueue,
      workflowId,
      args: [1],
      startDelay: '1 day',
    });
    started.push(handle);
    await suite.env.client.workflow.signalWithStart(accumulate, {
      taskQueue,
      workflowId,
      args: [1],
      signal: addSignal,
      signalArgs: [2],
    });
    // Answered by the worker before any time was skipped: the delay no longer applies.
    expect(await handle.query(totalQuery)).toBe(3);
    expect((await suite.env.currentTimeMs()) - before).toBeLessThan(86_400_000);
    await handle.signal(finishSignal);
    expect(await handle.result()).toBe(3);
  });

  it('retries a failed workflow task', async () => {
    const handle = await suite.env.client.workflow.start(failsFirstTask, { taskQueue, workflowId: workflowId() });
    started.push(handle);
    expect(await handle.result()).toBe(6);
    expect(await eventTypes(handle)).toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  });

  it('tells the workflow its history length and size and its task timeout', async () => {
    const handle = await suite.env.client.workflow.start(ownInfo, { taskQueue, workflowId: workflowId() });
    started.push(handle);
    const info = await handle.result();
    expect(info).toMatchObject({ historyLength: 3, taskTimeoutMs: 10_000 });
    expect(info.historySize).toBeGreaterThan(100);
  });

  it('times out a run that outlives its run timeout', async () => {
    const handle = await suite.env.client.workflow.start(waitForever, {
      taskQueue,
      workflowId: workflowId(),
      workflowRunTimeout: '1 day',
    });
    started.push(handle);
    await expect(handle.result()).rejects.toThrow('Workflow execution timed out');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  it('bounds the run timeout by the execution timeout and the task timeout by the run timeout', async () => {
    const handle = await suite.env.client.workflow.start(waitForever, {
      taskQueue,
      workflowId: workflowId(),
      workflowExecutionTimeout: '5s',
      workflowTaskTimeout: '1 minute',
    });
    started.push(handle);
    await expect(handle.result()).rejects.toThrow('Workflow execution timed out');
    const attributes = ((await handle.fetchHistory()).events ?? [])[0].workflowExecutionStartedEventAttributes;
    expect([attributes?.workflowRunTimeout, attributes?.workflowTaskTimeout].map(seconds)).toEqual([5, 5]);
  });

  it('rejects queries on closed workflows when asked to', async () => {
    const handle = await suite.env.client.workflow.start(accumulate, {
      taskQueue,
      workflowId: workflowId(),
      args: [4],
    });
    started.push(handle);
    await handle.signal(finishSignal);
    await handle.result();
    const strict = new Client({ connection: suite.env.connection, workflow: { queryRejectCondition: 'NOT_OPEN' } });
    await expect(strict.workflow.getHandle(handle.workflowId).query(totalQuery)).rejects.toThrow(QueryRejectedError);
  });

  it('makes a workflow that tries to complete over a new signal see the signal first', async () => {
    const sinkQueue = `${taskQueue}-sinks`;
    // Filled in once started: the sink signals the workflow it runs for.
    const target: { handle?: { signal(def: typeof pokeSignal): Promise<void> } } = {};
    const sinks: InjectedSinks<SelfSignalSinks> = {
      selfSignal: { send: { fn: async () => target.handle?.signal(pokeSignal), callDuringReplay: false } },
    };
    const handle = await suite.env.client.workflow.start(completesOverASignal, {
      taskQueue: sinkQueue,
      workflowId: workflowId(),
    });
    target.handle = handle;
    started.push(handle);
    expect(await suite.withWorker({ taskQueue: sinkQueue, sinks }, () => handle.result())).toBe(1);
    const failed = ((await handle.fetchHistory()).events ?? []).find((e) => e.workflowTaskFailedEventAttributes);
    expect(failed?.workflowTaskFailedEventAttributes?.cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    );
  });

  it('deletes memo keys upserted with null', async () => {
    const handle = await suite.env.client.workflow.start(memoEdits, { taskQueue, workflowId: workflowId() });
    started.push(handle);
    await handle.result();
    expect((await handle.describe()).memo).toEqual({ alpha: 'a' });
  });

  it('pages history', async () => {
    const handle = await suite.env.client.workflow.start(countdown, { taskQueue, workflowId: workflowId(), args: [0] });
    started.push(handle);
    await handle.result();
    const full = (await handle.fetchHistory()).events ?? [];
    const paged: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await suite.env.client.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId: handle.workflowId },
        maximumPageSize: 2,
        nextPageToken,
      });
      paged.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    expect(paged.map((e) => Number(e.eventId))).toEqual(full.map((e) => Number(e.eventId)));
    expect(paged.length).toBeGreaterThan(2);
  });
});
