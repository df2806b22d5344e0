/**
 * What the services decode before the engine sees a request: the namespace first, then the task
 * token. Errors are answered with the status and message the SDK and the real server use.
 */
import { status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import { type EmbeddedTemporal, startEmbeddedTemporal } from '../../src/server';
import { encodeTaskToken, type TaskToken } from '../../src/task-token';

type WorkflowService = Connection['workflowService'];

/** Every RPC that carries a task token, called with `taskToken` in `namespace`. */
const TOKEN_RPCS: Record<string, (ws: WorkflowService, namespace: string, taskToken: Uint8Array) => Promise<unknown>> =
  {
    RespondWorkflowTaskCompleted: (ws, namespace, taskToken) =>
      ws.respondWorkflowTaskCompleted({ namespace, taskToken }),
    RespondWorkflowTaskFailed: (ws, namespace, taskToken) => ws.respondWorkflowTaskFailed({ namespace, taskToken }),
    RecordActivityTaskHeartbeat: (ws, namespace, taskToken) => ws.recordActivityTaskHeartbeat({ namespace, taskToken }),
    RespondActivityTaskCompleted: (ws, namespace, taskToken) =>
      ws.respondActivityTaskCompleted({ namespace, taskToken }),
    RespondActivityTaskFailed: (ws, namespace, taskToken) => ws.respondActivityTaskFailed({ namespace, taskToken }),
    RespondActivityTaskCanceled: (ws, namespace, taskToken) => ws.respondActivityTaskCanceled({ namespace, taskToken }),
    RespondQueryTaskCompleted: (ws, namespace, taskToken) => ws.respondQueryTaskCompleted({ namespace, taskToken }),
  };
const ACTIVITY_RPCS = Object.keys(TOKEN_RPCS).filter((rpc) => rpc.includes('Activity'));
const WORKFLOW_TASK_RPCS = ['RespondWorkflowTaskCompleted', 'RespondWorkflowTaskFailed'];

const token = (fields: Partial<TaskToken>): Uint8Array =>
  encodeTaskToken({
    kind: 'workflow',
    namespace: 'default',
    workflowId: 'no-such-workflow',
    runId: 'no-such-run',
    scheduledEventId: 3,
    attempt: 1,
    ...fields,
  });

describe('request decoding in services (in-process service)', () => {
  let service: EmbeddedTemporal;
  let connection: Connection;
  let ws: WorkflowService;
  beforeAll(async () => {
    service = await startEmbeddedTemporal({ mode: 'dev-server', port: 0 });
    connection = await Connection.connect({ address: service.address });
    ws = connection.workflowService;
  });
  afterAll(async () => {
    await connection?.close();
    await service?.shutdown();
  });

  const malformed: Record<string, Uint8Array> = {
    'not JSON': Buffer.from([1, 2, 3]),
    empty: new Uint8Array(),
    'JSON without a run id': Buffer.from(JSON.stringify({ kind: 'activity', scheduledEventId: 5 })),
  };
  const malformedCases = Object.keys(TOKEN_RPCS).flatMap((rpc) => Object.keys(malformed).map((what) => [rpc, what]));

  it.each(malformedCases)('%s: a task token that is %s is NOT_FOUND "Task token is not valid"', async (rpc, what) => {
    await expect(TOKEN_RPCS[rpc](ws, 'default', malformed[what])).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: 'Task token is not valid',
    });
    // No namespace in the request: the token is still decoded (in the default namespace).
    await expect(TOKEN_RPCS[rpc](ws, '', malformed[what])).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: 'Task token is not valid',
    });
  });

  it.each(Object.keys(TOKEN_RPCS))(
    '%s: an unknown namespace is answered before the token is looked at',
    async (rpc) => {
      const err = await TOKEN_RPCS[rpc](ws, 'nowhere', malformed['not JSON']).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: status.NOT_FOUND, details: 'Namespace nowhere is not found.' });
      const failure = namespaceNotFoundDetail(err);
      expect(failure?.namespace).toBe('nowhere');
    },
  );

  it('a token of another kind is refused by the RPC it was sent to', async () => {
    for (const rpc of WORKFLOW_TASK_RPCS) {
      await expect(TOKEN_RPCS[rpc](ws, 'default', token({ kind: 'activity' }))).rejects.toMatchObject({
        code: status.NOT_FOUND,
        details: 'Task token is not a workflow task token',
      });
    }
    for (const rpc of ACTIVITY_RPCS) {
      await expect(TOKEN_RPCS[rpc](ws, 'default', token({ kind: 'workflow' }))).rejects.toMatchObject({
        code: status.NOT_FOUND,
        details: 'Task token is not an activity task token',
      });
    }
    await expect(
      TOKEN_RPCS.RespondQueryTaskCompleted(ws, 'default', token({ kind: 'workflow', queryId: 'q' })),
    ).rejects.toMatchObject({ code: status.NOT_FOUND, details: 'Query not found' });
  });

  it('a well-formed token naming no task is NOT_FOUND', async () => {
    for (const rpc of WORKFLOW_TASK_RPCS) {
      await expect(TOKEN_RPCS[rpc](ws, 'default', token({ kind: 'workflow' }))).rejects.toMatchObject({
        code: status.NOT_FOUND,
        details: 'Workflow task not found.',
      });
    }
    for (const rpc of ACTIVITY_RPCS) {
      await expect(TOKEN_RPCS[rpc](ws, 'default', token({ kind: 'activity' }))).rejects.toMatchObject({
        code: status.NOT_FOUND,
        details: 'Activity task not found.',
      });
    }
    await expect(
      TOKEN_RPCS.RespondQueryTaskCompleted(ws, 'default', token({ kind: 'query', queryId: 'no-such-query' })),
    ).rejects.toMatchObject({ code: status.NOT_FOUND, details: 'Query not found' });
  });

  it('checks the namespace of operator requests too, and not the one RegisterNamespace creates', async () => {
    await expect(connection.operatorService.listSearchAttributes({ namespace: 'nowhere' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: 'Namespace nowhere is not found.',
    });
    await expect(ws.registerNamespace({ namespace: 'created-here' })).resolves.toBeDefined();
    await expect(ws.describeNamespace({ namespace: 'created-here' })).resolves.toMatchObject({
      namespaceInfo: { name: 'created-here' },
    });
  });
});

/** The `NamespaceNotFoundFailure` in the error's `grpc-status-details-bin`, if any. */
function namespaceNotFoundDetail(err: unknown): temporal.api.errordetails.v1.NamespaceNotFoundFailure | undefined {
  const metadata = (err as { metadata?: { get(key: string): unknown[] } }).metadata;
  const [bin] = metadata?.get('grpc-status-details-bin') ?? [];
  if (!(bin instanceof Buffer)) return undefined;
  const detail = temporal.api.errordetails.v1.NamespaceNotFoundFailure;
  const any = google.rpc.Status.decode(bin).details.find((d) => d.type_url?.endsWith('.NamespaceNotFoundFailure'));
  return any?.value ? detail.decode(any.value) : undefined;
}
