/**
 * Differential check of the UI gateway (`@bgcheck/temporal-ui`) against the official dev
 * server's own UI server: `npm run differential:ui`.
 *
 * Starts `temporal server start-dev` with its Web UI, runs a few workflows on it
 * (`ui-workflows.ts`: completed, open, failed, terminated, with a child, a signal, a search
 * attribute and a memo), points the gateway at the same frontend, then sends the calls the UI
 * makes (see the package README) to both and compares status and JSON field by field. Both
 * answer from the same server and the same workflows, so ids and times are the same too: any
 * difference in a gRPC call is the gateway's. Prints a Markdown report; exit code 0 when those
 * calls have none, 1 when they have differences, 2 when it could not run.
 */
import { diffJson, retryServerStart, type Json } from '@bgcheck/embedded-temporal';
import { closeServer, createUiServer, listen } from '@bgcheck/temporal-ui';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { officialTemporal } from '../official-temporal';
import { proceedSignal, uiFails, uiParent, type UiActivities } from './ui-workflows';

const NAMESPACE = 'default';
const TASK_QUEUE = 'ui-differential';

/**
 * Paths the UI server answers itself, not through the gRPC gateway: their differences are the
 * UI versions' (settings) or deliberate (the raw history download); the package README says which.
 */
const UI_SERVER_ONLY = /^settings$|\/history\.json$/;

/** Values that change from one call to the next (a poller's last poll). */
const VOLATILE_KEYS = new Set(['lastAccessTime']);

function withoutVolatile(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        VOLATILE_KEYS.has(k) && v !== null ? '<volatile>' : withoutVolatile(v),
      ]),
    );
  }
  return value;
}

async function get(base: string, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/api/v1/${path}`, { headers: { accept: 'application/json' } });
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = `<not JSON: ${text.slice(0, 80)}>`;
  }
  return { status: res.status, body: withoutVolatile(body) };
}

/** Waits until the run's history has an event of the given type (the workflow got that far). */
async function untilEvent(env: TestWorkflowEnvironment, workflowId: string, type: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    if (events.some((e) => e.eventType === type)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${workflowId}: no event of type ${type} after 30 s`);
}

/** Waits until visibility lists `count` workflows (the dev server indexes them asynchronously). */
async function untilListed(env: TestWorkflowEnvironment, count: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { count: listed } = await env.client.workflow.count();
    if (listed >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`visibility did not list ${count} workflows after 30 s`);
}

async function main(): Promise<number> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
  // A starved machine can miss the SDK's 5 s start-up deadline: try again, as the test helpers do.
  const env = await retryServerStart(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: officialTemporal().cli },
        ui: true,
        log: { format: 'pretty', level: 'error' },
      },
    }),
  );
  // The SDK puts the dev server's UI at the Temporal port + 1000.
  const officialUi = `http://127.0.0.1:${Number(env.address.split(':').at(-1)) + 1000}`;
  const ui = createUiServer({ connection: env.connection, defaultNamespace: NAMESPACE });
  try {
    const ours = await listen(ui.server, 0);
    await env.connection.operatorService.addSearchAttributes({
      namespace: NAMESPACE,
      searchAttributes: { CustomKeywordField: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    const activities: UiActivities = { shout: async (text) => text.toUpperCase() };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./ui-workflows'),
      activities,
    });
    const { EventType } = temporal.api.enums.v1;
    const runs = await worker.runUntil(async () => {
      const client = env.client.workflow;
      const done = await client.start(uiParent, {
        taskQueue: TASK_QUEUE,
        workflowId: 'ui-done',
        args: ['ui-done'],
        memo: { note: 'a memo' },
      });
      await untilEvent(env, done.workflowId, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED);
      await done.signal(proceedSignal, 'the differential');
      await done.result();
      const open = await client.start(uiParent, { taskQueue: TASK_QUEUE, workflowId: 'ui-open', args: ['ui-open'] });
      await untilEvent(env, open.workflowId, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED);
      const failed = await client.start(uiFails, { taskQueue: TASK_QUEUE, workflowId: 'ui-failed' });
      await failed.result().catch(() => undefined);
      const terminated = await client.start(uiParent, {
        taskQueue: 'ui-differential-no-worker',
        workflowId: 'ui-terminated',
        args: ['ui-terminated'],
      });
      await terminated.terminate('ended by the differential');
      // Two parents, two children, one failed, one terminated.
      await untilListed(env, 6);
      return [done, open, failed, terminated, client.getHandle('ui-done-child')].map((h) => h.workflowId);
    });

    const paths = [
      'settings',
      'cluster-info',
      'system-info',
      'namespaces',
      `namespaces/${NAMESPACE}`,
      `namespaces/${NAMESPACE}/search-attributes`,
      `namespaces/${NAMESPACE}/workflow-count?query=`,
      `namespaces/${NAMESPACE}/workflow-count?query=${encodeURIComponent('ExecutionStatus="Running"')}`,
      `namespaces/${NAMESPACE}/workflows?query=`,
      `namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent('WorkflowType="uiParent"')}`,
      `namespaces/${NAMESPACE}/task-queues/${TASK_QUEUE}?taskQueueType=1`,
      `namespaces/${NAMESPACE}/task-queues/${TASK_QUEUE}?taskQueueType=2`,
      `namespaces/${NAMESPACE}/workflows/not-there?execution.runId=`,
    ];
    for (const workflowId of runs) {
      const runId = (await env.client.workflow.getHandle(workflowId).describe()).runId;
      const wf = `namespaces/${NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;
      paths.push(
        `${wf}?execution.runId=${runId}`,
        `${wf}/history?execution.runId=${runId}`,
        `${wf}/history?execution.runId=${runId}&maximumPageSize=3`,
        `${wf}/history-reverse?execution.runId=${runId}`,
        `${wf}/run/${runId}/history.json`,
      );
    }

    const lines = [
      '# Differential report: UI gateway vs the official dev server UI (`/api/v1`)',
      '',
      'Same frontend, same workflows; poller access times left out. `path`: where in the JSON.',
      '',
    ];
    let total = 0;
    let expected = 0;
    for (const path of paths) {
      const a = await get(ours, path);
      const b = await get(officialUi, path);
      const found: [string, unknown, unknown][] = [];
      diffJson({ status: a.status, body: a.body }, { status: b.status, body: b.body }, '', found);
      const uiServerOnly = UI_SERVER_ONLY.test(path);
      if (uiServerOnly) expected += found.length;
      else total += found.length;
      const size = (r: { status: number; body: Json }) => `${r.status}, ${JSON.stringify(r.body).length} bytes`;
      lines.push(
        `## GET /api/v1/${path}: ${found.length} difference(s)${uiServerOnly ? ' (UI-server-only path, see the package README)' : ''} (gateway ${size(a)}; official ${size(b)})`,
      );
      for (const [where, x, y] of found) {
        lines.push(`- \`${where}\`: gateway ${JSON.stringify(x)}, official ${JSON.stringify(y)}`);
      }
      lines.push('');
    }
    lines.push(
      `${paths.length} calls compared: ${total} difference(s) in the gRPC calls, ${expected} in the UI-server-only paths (not counted).`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return total === 0 ? 0 : 1;
  } finally {
    await closeServer(ui.server).catch(() => undefined);
    await env.teardown();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `differential:ui failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
