/**
 * The UI's `/api/v1` over HTTP, against the embedded service: every call the workflow list and
 * a check's page make, in the JSON the upstream UI server writes (camelCase, int64 as strings,
 * full enum names, RFC 3339 timestamps, "10s" durations, payloads as base64 {metadata, data}),
 * and bad requests answered 4xx with the service's message.
 */
import type { Server } from 'node:http';
import { closeServer, createUiServer, listen, type UiServer } from '@bgcheck/temporal-ui';
import type { Connection } from '@temporalio/client';
import type { DevStack } from '../../dev/dev-stack';
import { resumeSignal } from '../../src/workflows/definitions';
import { sendAsyncRequest, startCheck, startStack, waitForStage } from './stack';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z$/;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Temporal UI gateway (/api/v1) against the embedded service', () => {
  let stack: DevStack;
  let ui: UiServer;
  let server: Server;
  let base: string;
  let workflowId: string;
  let profileId: string;
  let runId: string;

  const api = async (path: string, init?: RequestInit): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}/api/v1/${path}`, init);
    return { status: res.status, body: (await res.json()) as Json };
  };
  const ok = async (path: string, init?: RequestInit): Promise<Json> => {
    const { status, body } = await api(path, init);
    expect({ path, status, body: status === 200 ? 'ok' : body }).toEqual({ path, status: 200, body: 'ok' });
    return body;
  };
  const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    stack = await startStack();
    ui = createUiServer({
      connection: stack.client.connection as Connection,
      defaultNamespace: stack.namespace,
      codecEndpoint: 'http://127.0.0.1:9/codec',
    });
    server = ui.server;
    base = await listen(server, 0);
    // A check started through the ingress, waiting for its async request id (an open workflow).
    const check = await startCheck(stack);
    ({ workflowId, profileId } = check);
    const handle = stack.client.workflow.getHandle(workflowId);
    await waitForStage(stack, handle, 'awaiting_async_request');
    runId = (await handle.describe()).runId;
  }, 120_000);

  afterAll(async () => {
    if (server) await closeServer(server);
    await stack?.close();
  });

  it('answers settings as the UI server does (PascalCase, version, codec endpoint)', async () => {
    const settings = await ok('settings');
    expect(settings).toMatchObject({
      Auth: { Enabled: false },
      DefaultNamespace: stack.namespace,
      Codec: { Endpoint: 'http://127.0.0.1:9/codec', PassAccessToken: false },
      Version: '2.38.0',
    });
    ui.setCodecEndpoint('http://127.0.0.1:10');
    expect((await ok('settings')).Codec.Endpoint).toBe('http://127.0.0.1:10');
  });

  it('serves what the root layout loads: cluster info, system info, namespaces, search attributes', async () => {
    const cluster = await ok('cluster-info');
    expect(cluster).toMatchObject({ clusterName: 'embedded', historyShardCount: 1 });
    expect(cluster.serverVersion).toEqual((await ok('system-info')).serverVersion);
    const { namespaces } = await ok('namespaces');
    expect(namespaces.map((n: Json) => n.namespaceInfo.name)).toContain(stack.namespace);
    expect(namespaces[0].namespaceInfo.state).toBe('NAMESPACE_STATE_REGISTERED');
    const attributes = await ok(`namespaces/${stack.namespace}/search-attributes`);
    expect(attributes.customAttributes.BackgroundCheckStage).toBe('INDEXED_VALUE_TYPE_KEYWORD');
    expect(attributes.systemAttributes.ExecutionStatus).toBe('INDEXED_VALUE_TYPE_KEYWORD');
  });

  it('lists and counts the checks, and filters them by our search attributes', async () => {
    const count = await ok(`namespaces/${stack.namespace}/workflow-count?query=`);
    expect(count.count).toMatch(/^\d+$/); // int64 as a string
    expect(Number(count.count)).toBeGreaterThanOrEqual(1);
    const grouped = await ok(
      `namespaces/${stack.namespace}/workflow-count?query=${encodeURIComponent('GROUP BY ExecutionStatus')}`,
    );
    expect(grouped.groups.map((g: Json) => unb64(g.groupValues[0].data))).toContain('"Running"');

    const query = `BackgroundCheckStage = "awaiting_async_request" AND WorkflowId = "${workflowId}"`;
    const { executions } = await ok(`namespaces/${stack.namespace}/workflows?query=${encodeURIComponent(query)}`);
    expect(executions).toHaveLength(1);
    const [listed] = executions;
    expect(listed).toMatchObject({
      execution: { workflowId, runId },
      type: { name: 'backgroundCheck' },
      status: 'WORKFLOW_EXECUTION_STATUS_RUNNING',
      taskQueue: 'background-checks',
    });
    expect(listed.startTime).toMatch(RFC3339);
    expect(listed.historyLength).toMatch(/^\d+$/);
    const stage = listed.searchAttributes.indexedFields.BackgroundCheckStage;
    expect(stage.metadata.encoding).toBe(b64('json/plain'));
    expect(JSON.parse(unb64(stage.data))).toBe('awaiting_async_request');

    const none = await ok(
      `namespaces/${stack.namespace}/workflows?query=${encodeURIComponent('BackgroundCheckStage = "approved" AND WorkflowId = "' + workflowId + '"')}`,
    );
    expect(none.executions ?? []).toEqual([]);
  });

  it("describes a check: current details, durations, encrypted payloads in the UI's shape, no default values", async () => {
    const described = await ok(
      `namespaces/${stack.namespace}/workflows/${encodeURIComponent(workflowId)}?execution.runId=${runId}`,
    );
    expect(described.executionConfig.taskQueue).toEqual({ name: 'background-checks', kind: 'TASK_QUEUE_KIND_NORMAL' });
    expect(described.executionConfig.defaultWorkflowTaskTimeout).toMatch(/^\d+(\.\d+)?s$/);
    const info = described.workflowExecutionInfo;
    expect(info.status).toBe('WORKFLOW_EXECUTION_STATUS_RUNNING');
    expect(info.execution).toEqual({ workflowId, runId });
    // A top-level check: no parent fields at all (the UI would show "Parent ... 0").
    expect(info).not.toHaveProperty('parentExecution');
    expect(JSON.stringify(described)).not.toMatch(/_UNSPECIFIED"|"parentInitiatedEventId"/);
    // Current details: what the check waits for, encrypted like every payload (decoded by the codec server).
    const summary = described.executionConfig.userMetadata?.details ?? described.executionConfig.userMetadata?.summary;
    expect(unb64(summary.metadata.encoding)).toBe('binary/encrypted');
    expect(typeof summary.data).toBe('string');
  });

  it('pages the history forwards and backwards, long-polls for new events, and downloads it whole', async () => {
    const path = `namespaces/${stack.namespace}/workflows/${encodeURIComponent(workflowId)}`;
    const forward = await ok(`${path}/history?execution.runId=${runId}`);
    const events: Json[] = forward.history.events;
    expect(events[0]).toMatchObject({ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' });
    expect(events[0].eventTime).toMatch(RFC3339);
    const input = events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    expect(unb64(input.metadata.encoding)).toBe('binary/encrypted');
    expect(Buffer.from(input.data, 'base64').length).toBeGreaterThan(16);
    expect(JSON.stringify(events[0])).not.toContain('Ada'); // encrypted at rest

    // The check is live: the newest-first page may already hold events written since.
    const reverse = await ok(`${path}/history-reverse?execution.runId=${runId}`);
    const reversed = reverse.history.events.map((e: Json) => e.eventId).reverse();
    expect(reversed.slice(0, events.length)).toEqual(events.map((e) => e.eventId));

    // The page's live history: a long poll from the end answers when the check moves on.
    // As the page does: the first call with waitNewEvent answers at once and hands out a token.
    const first = await ok(`${path}/history?execution.runId=${runId}&waitNewEvent=true`);
    const seen = first.history.events.length;
    const next = first.nextPageToken;
    expect(next).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const longPoll = ok(
      `${path}/history?execution.runId=${runId}&waitNewEvent=true&nextPageToken=${encodeURIComponent(next)}`,
    );
    await sendAsyncRequest(stack, profileId);
    const newer = await longPoll;
    expect(Number(newer.history.events[0].eventId)).toBe(seen + 1);

    const raw = await ok(`${path}/run/${runId}/history.json`);
    expect(raw.events.length).toBeGreaterThan(events.length);
    expect(raw.events.map((e: Json) => Number(e.eventId))).toEqual(raw.events.map((_: Json, i: number) => i + 1));
  });

  it('answers the Workers tab and the "No Workers Running" banner from the task queue pollers', async () => {
    const workflowPollers = await ok(`namespaces/${stack.namespace}/task-queues/background-checks?taskQueueType=1`);
    expect(workflowPollers.pollers.length).toBeGreaterThanOrEqual(1);
    expect(workflowPollers.pollers[0].identity).toMatch(/@/);
    expect(workflowPollers.pollers[0].lastAccessTime).toMatch(RFC3339);
    const activityPollers = await ok(
      `namespaces/${stack.namespace}/task-queues/percent?taskQueueType=TASK_QUEUE_TYPE_ACTIVITY`,
    );
    expect(activityPollers.pollers.length).toBeGreaterThanOrEqual(1);
    const nobody = await ok(`namespaces/${stack.namespace}/task-queues/nobody-polls-this?taskQueueType=1`);
    expect(nobody.pollers ?? []).toEqual([]);
  });

  it('runs the status query and sends a signal', async () => {
    const path = `namespaces/${stack.namespace}/workflows/${encodeURIComponent(workflowId)}`;
    const queried = await post(`${path}/query/status`, { execution: { runId }, query: { queryType: 'status' } });
    expect(queried.status).toBe(200);
    const result = queried.body.queryResult.payloads[0];
    expect(unb64(result.metadata.encoding)).toBe('binary/encrypted');

    const before = Number((await ok(`${path}?execution.runId=${runId}`)).workflowExecutionInfo.historyLength);
    const signalled = await post(`${path}/signal/${resumeSignal.name}`, {
      workflowExecution: { runId },
      input: { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{}') }] },
      identity: 'ui-test',
    });
    expect(signalled).toEqual({ status: 200, body: {} });
    const history = await ok(`${path}/history?execution.runId=${runId}`);
    const signal = history.history.events
      .slice(before - 1)
      .find((e: Json) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    expect(signal.workflowExecutionSignaledEventAttributes).toMatchObject({
      signalName: 'resume',
      identity: 'ui-test',
    });
  });

  it("carries the UI's actions to checks: request cancellation, terminate, reset", async () => {
    const open = async () => {
      const check = await startCheck(stack);
      const handle = stack.client.workflow.getHandle(check.workflowId);
      await waitForStage(stack, handle, 'awaiting_async_request');
      const path = `namespaces/${stack.namespace}/workflows/${encodeURIComponent(check.workflowId)}`;
      return { handle, path, runId: (await handle.describe()).runId };
    };
    const status = async (path: string, run: string) =>
      (await ok(`${path}?execution.runId=${run}`)).workflowExecutionInfo.status;

    const cancelled = await open();
    const cancel = await post(`${cancelled.path}/cancel`, {
      workflowExecution: { runId: cancelled.runId },
      reason: 'from the UI',
      identity: 'ui-test',
    });
    expect(cancel).toEqual({ status: 200, body: {} });
    await waitForStage(stack, cancelled.handle, 'cancelled');

    const terminated = await open();
    const terminate = await post(`${terminated.path}/terminate`, {
      workflowExecution: { runId: terminated.runId },
      reason: 'from the UI',
    });
    expect(terminate).toEqual({ status: 200, body: {} });
    expect(await status(terminated.path, terminated.runId)).toBe('WORKFLOW_EXECUTION_STATUS_TERMINATED');

    const reset = await open();
    const { history } = await ok(`${reset.path}/history?execution.runId=${reset.runId}`);
    const firstTask = history.events.find((e: Json) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
    const answer = await post(`${reset.path}/reset`, {
      workflowExecution: { runId: reset.runId },
      workflowTaskFinishEventId: firstTask.eventId,
      requestId: `ui-test-${reset.runId}`,
      reason: 'from the UI',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await status(reset.path, reset.runId)).toBe('WORKFLOW_EXECUTION_STATUS_TERMINATED');
    expect(await status(reset.path, answer.body.runId)).toBe('WORKFLOW_EXECUTION_STATUS_RUNNING');
  });

  it('answers bad requests with 4xx and the service message, never 5xx', async () => {
    const path = `namespaces/${stack.namespace}/workflows`;
    const missing = await api(`${path}/no-such-check?execution.runId=`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 5, message: expect.stringMatching(/not found/i) });

    const badQuery = await api(`${path}?query=${encodeURIComponent('NoSuchAttribute = "x"')}`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.code).toBe(3);
    expect(badQuery.body.message).toMatch(/NoSuchAttribute/);

    const badField = await api(`${path}/${encodeURIComponent(workflowId)}?execution.bogus=1`);
    expect(badField).toEqual({
      status: 400,
      body: { code: 3, message: expect.stringMatching(/execution\.bogus/), details: [] },
    });

    const badEnum = await api(`namespaces/${stack.namespace}/task-queues/x?taskQueueType=NOPE`);
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.message).toMatch(/taskQueueType/);

    const badJson = await api(`${path}/${encodeURIComponent(workflowId)}/signal/resume`, { method: 'POST', body: '{' });
    expect(badJson).toEqual({ status: 400, body: { code: 3, message: expect.stringMatching(/JSON/), details: [] } });

    const badNamespace = await api('namespaces/no-such-namespace/workflows?query=');
    expect(badNamespace.status).toBe(404);
    expect(badNamespace.body.details[0]['@type']).toMatch(/NamespaceNotFoundFailure$/);

    expect((await api('no/such/route')).status).toBe(404);
    expect((await api(`${path}/${encodeURIComponent(workflowId)}/history`, { method: 'DELETE' })).status).toBe(405);
    // A path the older UI still calls that now names another RPC is refused, not misrouted.
    const superseded = await post(`namespaces/${stack.namespace}/activities/complete-by-id`, {});
    expect(superseded.status).toBe(404);
  });
});
