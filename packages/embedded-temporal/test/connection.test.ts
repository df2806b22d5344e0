import { status } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { grpc as grpcProto, temporal } from '@temporalio/proto';
import { type EmbeddedTemporal, startEmbeddedTemporal } from '../src/server';

describe('connection-level RPCs (in-process service)', () => {
  let service: EmbeddedTemporal;
  let connection: Connection;
  beforeAll(async () => {
    service = await startEmbeddedTemporal({
      mode: 'dev-server',
      port: 0,
      searchAttributes: { Region: 'Keyword' },
      dynamicConfig: { 'limit.blobSize.error': '10240', 'frontend.enableUpdateWorkflowExecution': 'true' },
    });
    connection = await Connection.connect({ address: service.address });
  });
  afterAll(async () => {
    await connection?.close();
    await service?.shutdown();
  });

  it('reports the capabilities the SDK reads', async () => {
    const { capabilities } = await connection.workflowService.getSystemInfo({});
    expect(capabilities).toMatchObject({
      sdkMetadata: true,
      signalAndQueryHeader: true,
      encodedFailureAttributes: true,
      activityFailureIncludeHeartbeat: true,
      upsertMemo: true,
      countGroupByExecutionStatus: true,
    });
    // As the dev server advertises it: core sends worker version stamps only then.
    expect(capabilities?.buildIdBasedVersioning).toBe(true);
  });

  it('describes, registers and lists namespaces', async () => {
    const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(namespaceInfo).toMatchObject({
      name: 'default',
      state: temporal.api.enums.v1.NamespaceState.NAMESPACE_STATE_REGISTERED,
      capabilities: { syncUpdate: true, asyncUpdate: true },
    });
    // Workers enforce these payload limits themselves; dynamic config can lower them.
    expect(namespaceInfo?.limits?.blobSizeLimitError?.toString()).toBe('10240');
    expect(namespaceInfo?.limits?.memoSizeLimitError?.toString()).toBe(String(2 * 1024 * 1024));
    await expect(connection.workflowService.describeNamespace({ namespace: 'nope' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await connection.workflowService.registerNamespace({ namespace: 'second' });
    await expect(connection.workflowService.registerNamespace({ namespace: 'second' })).rejects.toMatchObject({
      code: status.ALREADY_EXISTS,
    });
    const { namespaces } = await connection.workflowService.listNamespaces({});
    expect(namespaces?.map((n) => n.namespaceInfo?.name).sort()).toEqual(['default', 'second']);
    const byId = await connection.workflowService.describeNamespace({ id: namespaceInfo?.id ?? '' });
    expect(byId.namespaceInfo?.name).toBe('default');
  });

  it('reports an unknown namespace as NamespaceNotFoundError, even for async completion', async () => {
    const client = new Client({ connection, namespace: 'nowhere' });
    await expect(client.workflow.start('anything', { taskQueue: 'q', workflowId: 'w' })).rejects.toThrow(
      NamespaceNotFoundError,
    );
    await expect(client.activity.complete(new Uint8Array([1, 2, 3]), 'x')).rejects.toThrow(NamespaceNotFoundError);
  });

  it('registers command-line search attributes and answers health checks', async () => {
    const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(listed.customAttributes?.Region).toBe(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    const health = await connection.healthService.check({});
    expect(health.status).toBe(grpcProto.health.v1.HealthCheckResponse.ServingStatus.SERVING);
  });

  it('answers UNIMPLEMENTED for RPCs it does not serve, without falling over', async () => {
    await expect(connection.workflowService.listSchedules({ namespace: 'default' })).rejects.toMatchObject({
      code: status.UNIMPLEMENTED,
    });
    await expect(connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
  });
});
