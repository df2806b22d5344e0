/** WorkflowService RPCs mapped onto the engine. Unlisted RPCs answer UNIMPLEMENTED. */
import { randomUUID } from 'node:crypto';
import { enums } from '../enums';
import type { Engine } from '../engine';
import { alreadyExists, invalidArgument, notFound, unimplemented } from '../errors';
import { NAMESPACE_RETENTION_MS } from '../namespaces';
import { i64 } from '../proto';
import { WorkflowResets } from '../reset';
import { decodeTaskToken } from '../task-token';
import { duration, timestamp } from '../time';
import type { WorkflowServiceHandlers } from './handler';
import { namespaceChecked } from './namespace-check';

const POLL_MAX_WAIT_MS = 60_000;
const HISTORY_MAX_WAIT_MS = 20_000;
const QUERY_MAX_WAIT_MS = 60_000;
const UPDATE_MAX_WAIT_MS = 20_000;

/**
 * Every handler resolves the request's namespace first (`namespace-check.ts`). Task tokens are
 * decoded here (a malformed one is NOT_FOUND); the engine gets the decoded `TaskToken`.
 */
export function workflowServiceHandlers(engine: Engine, serverVersion: string): WorkflowServiceHandlers {
  const ex = engine.executions;
  const act = engine.activities;
  const resets = new WorkflowResets(engine);
  const systemInfo = {
    serverVersion,
    capabilities: {
      signalAndQueryHeader: true,
      internalErrorDifferentiation: true,
      activityFailureIncludeHeartbeat: true,
      supportsSchedules: false,
      encodedFailureAttributes: true,
      // As the dev server: core then sends its build id with polls and completions (instead of a
      // binary checksum), and the stamps are recorded on the task started events.
      buildIdBasedVersioning: true,
      upsertMemo: true,
      eagerWorkflowStart: true,
      sdkMetadata: true,
      countGroupByExecutionStatus: true,
      nexus: false,
    },
  };
  // GetClusterInfo: the Temporal UI's root page reads it (server version, visibility store).
  const clusterInfo = {
    supportedClients: {},
    serverVersion,
    clusterId: randomUUID(),
    clusterName: 'embedded',
    historyShardCount: 1,
    persistenceStore: 'memory',
    visibilityStore: 'memory',
  };
  const handlers: WorkflowServiceHandlers = {
    GetClusterInfo: () => clusterInfo,
    GetSystemInfo: (_r, ctx) => {
      // Core compresses every request with gzip unless the server turns it down at connect time
      // (it then reconnects without). Inflating each request costs this loopback-only service
      // about a fifth of its CPU, so compressed connects are turned down.
      if (ctx.requestEncoding !== 'identity') {
        throw unimplemented(
          `grpc-encoding ${ctx.requestEncoding}: the embedded service does not decompress requests, connect without compression`,
        );
      }
      return systemInfo;
    },
    DescribeNamespace: (request) => {
      const found = request.id
        ? engine.namespaces.all().find((n) => n.id === request.id)
        : engine.namespace(request.namespace);
      if (!found) throw notFound(`Namespace ${request.id} is not found.`);
      return {
        namespaceInfo: {
          name: found.name,
          id: found.id,
          state: enums.NamespaceState.NAMESPACE_STATE_REGISTERED,
          description: 'embedded-temporal namespace',
          // workerPollCompleteOnShutdown: ShutdownWorker answers the worker's polls (matching.ts),
          // so core lets them finish instead of dropping polls that may already hold a task.
          capabilities: {
            eagerWorkflowStart: true,
            syncUpdate: true,
            asyncUpdate: true,
            workerPollCompleteOnShutdown: true,
          },
          limits: {
            blobSizeLimitError: i64(engine.limits.blobSizeLimitError),
            memoSizeLimitError: i64(engine.limits.memoSizeLimitError),
          },
        },
        config: { workflowExecutionRetentionTtl: duration(NAMESPACE_RETENTION_MS) },
        replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }] },
        isGlobalNamespace: false,
      };
    },
    RegisterNamespace: (request) => {
      const name = request.namespace ?? '';
      if (!name) throw invalidArgument('Namespace name is required');
      if (engine.namespaces.all().some((n) => n.name === name)) throw alreadyExists('Namespace already exists.');
      engine.namespaces.register(name);
      return {};
    },
    ListNamespaces: () => ({
      namespaces: engine.namespaces.all().map((ns) => ({
        namespaceInfo: {
          name: ns.name,
          id: ns.id,
          state: enums.NamespaceState.NAMESPACE_STATE_REGISTERED,
        },
      })),
    }),
    ShutdownWorker: (r) => {
      engine.matching.shutdownWorker({
        namespace: engine.namespace(r.namespace).name,
        workerInstanceKey: r.workerInstanceKey ?? '',
        identity: r.identity ?? '',
        taskQueue: r.taskQueue ?? '',
        stickyTaskQueue: r.stickyTaskQueue ?? '',
      });
      if (r.stickyTaskQueue) engine.workflowTasks.stickyQueueGone(r.stickyTaskQueue);
      return {};
    },
    StartWorkflowExecution: (r) => ex.start(r),
    SignalWorkflowExecution: (r) => ex.signal(r),
    SignalWithStartWorkflowExecution: (r) => ex.signalWithStart(r),
    RequestCancelWorkflowExecution: (r) => ex.requestCancel(r),
    TerminateWorkflowExecution: (r) => ex.terminate(r),
    ResetWorkflowExecution: (r) => resets.reset(r),
    DescribeWorkflowExecution: (r) => ex.describe(r),
    GetWorkflowExecutionHistory: (r, ctx) => ex.history(r, ctx.answerBy(HISTORY_MAX_WAIT_MS)),
    GetWorkflowExecutionHistoryReverse: (r) => ex.historyReverse(r),
    // The workers that polled the queue lately: the UI's Workers tab and "No Workers Running" banner.
    DescribeTaskQueue: (r) => {
      const ns = engine.namespace(r.namespace);
      const name = r.taskQueue?.name ?? '';
      if (!name) throw invalidArgument('TaskQueue is not set on request.');
      const activity = r.taskQueueType === enums.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY;
      if (!activity && r.taskQueueType === enums.TaskQueueType.TASK_QUEUE_TYPE_NEXUS) return {};
      const queue = activity
        ? engine.matching.activityQueue(ns.name, name)
        : engine.matching.workflowQueue(ns.name, name);
      return {
        pollers: queue.pollers().map((p) => ({
          identity: p.identity,
          lastAccessTime: timestamp(p.lastAccessTime),
          ...(p.ratePerSecond !== undefined && { ratePerSecond: p.ratePerSecond }),
        })),
        ...(r.includeTaskQueueStatus && {
          taskQueueStatus: { backlogCountHint: i64(queue.backlog), ratePerSecond: queue.maxTasksPerSecond || 100_000 },
        }),
      };
    },
    PollWorkflowTaskQueue: (r, ctx) =>
      engine.workflowTasks.poll(r, {
        identity: r.identity ?? '',
        workerInstanceKey: r.workerInstanceKey ?? '',
        answerBy: ctx.answerBy(POLL_MAX_WAIT_MS),
        isCancelled: ctx.isCancelled,
        onCancel: ctx.onCancel,
      }),
    RespondWorkflowTaskCompleted: (r) => engine.workflowTasks.complete(r, decodeTaskToken(r.taskToken)),
    RespondWorkflowTaskFailed: (r) => engine.workflowTasks.failed(r, decodeTaskToken(r.taskToken)),
    PollActivityTaskQueue: async (r, ctx) => {
      const ns = engine.namespace(r.namespace);
      const name = r.taskQueue?.name ?? '';
      act.applyRateLimit(ns.name, name, r.taskQueueMetadata?.maxTasksPerSecond?.value ?? undefined);
      const response = await engine.matching.activityQueue(ns.name, name).poll({
        identity: r.identity ?? '',
        workerInstanceKey: r.workerInstanceKey ?? '',
        answerBy: ctx.answerBy(POLL_MAX_WAIT_MS),
        isCancelled: ctx.isCancelled,
        onCancel: ctx.onCancel,
      });
      return response ?? {};
    },
    RecordActivityTaskHeartbeat: (r) => act.heartbeat(r, decodeTaskToken(r.taskToken)),
    RecordActivityTaskHeartbeatById: (r) => act.heartbeatById(r),
    RespondActivityTaskCompleted: (r) => act.completed(r, decodeTaskToken(r.taskToken)),
    RespondActivityTaskCompletedById: (r) => act.completedById(r),
    RespondActivityTaskFailed: (r) => act.failedTask(r, decodeTaskToken(r.taskToken)),
    RespondActivityTaskFailedById: (r) => act.failedById(r),
    RespondActivityTaskCanceled: (r) => act.canceledTask(r, decodeTaskToken(r.taskToken)),
    RespondActivityTaskCanceledById: (r) => act.canceledById(r),
    PauseActivity: (r) => act.pauseActivity(r),
    UnpauseActivity: (r) => act.unpauseActivity(r),
    ResetActivity: (r) => act.resetActivity(r),
    QueryWorkflow: (r, ctx) => engine.queries.query(r, ctx.answerBy(QUERY_MAX_WAIT_MS)),
    RespondQueryTaskCompleted: (r) => engine.queries.completed(r, decodeTaskToken(r.taskToken)),
    UpdateWorkflowExecution: (r, ctx) => engine.updates.update(r, ctx.answerBy(UPDATE_MAX_WAIT_MS)),
    PollWorkflowExecutionUpdate: (r, ctx) => engine.updates.poll(r, ctx.answerBy(UPDATE_MAX_WAIT_MS)),
    ExecuteMultiOperation: (r, ctx) => engine.updates.multiOperation(r, ctx.answerBy(UPDATE_MAX_WAIT_MS)),
    ResetStickyTaskQueue: (r) => {
      engine.workflowTasks.resetSticky(engine.findRun(r.namespace, r.execution));
      return {};
    },
    ListWorkflowExecutions: (r) => engine.listing.list(r),
    CountWorkflowExecutions: (r) => engine.listing.count(r),
  };
  // A namespace that RegisterNamespace names does not exist yet.
  return namespaceChecked(engine.namespaces, handlers, ['RegisterNamespace']);
}
