/**
 * The worker process as `npm run worker` starts it: configuration from the environment, JSON
 * logs without secrets, Prometheus metrics, a check run to its decision, and a clean exit on
 * SIGTERM. Against the embedded service in dev-server mode (wall clock) and the simulators.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowIdForProfile } from '../src/onboarding-event';
import { startVendorSimulators, type VendorSimulators } from '../src/simulators';
import type { backgroundCheck } from '../src/workflows/background-check';
import { SEARCH_ATTRIBUTE_TYPES, WORKFLOW_TYPE } from '../src/workflows/definitions';
import { createLocalEnv } from './helpers/temporal-env';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let env: TestWorkflowEnvironment;
let sim: VendorSimulators;

beforeAll(async () => {
  [env, sim] = await Promise.all([
    createLocalEnv(),
    startVendorSimulators({ autoAdvance: { decideAfterMs: 0, decision: 'approved' } }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([env?.teardown(), sim?.close()]);
});

/** A port that was free a moment ago (the metrics exporter takes a fixed address). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Process {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the first stdout JSON line whose `msg` is `msg`. */
  logged(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startWorker(overrides: Record<string, string | undefined>): Process {
  const child = spawn(TSX, ['src/worker.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: env.address,
      PERCENT_BASE_URL: sim.url,
      PERCENT_API_KEY: sim.percentApiKey,
      ATTESTR_BASE_URL: sim.url,
      ATTESTR_AUTH_TOKEN: sim.attestrAuthToken,
      ...overrides,
    },
  });
  const lines: string[] = [];
  const waiters: { msg: string; resolve: (record: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const waiter of waiters.filter((w) => w.msg === record.msg)) waiter.resolve(record);
  });
  child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    logged: (msg) =>
      new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        exited.then(() => reject(new Error(`worker exited before logging "${msg}":\n${lines.join('\n')}`)));
      }),
    exited,
  };
}

it('runs a check to its decision, serves metrics, logs JSON without secrets, and stops on SIGTERM', async () => {
  const metricsPort = await freePort();
  const worker = startWorker({
    METRICS_PORT: String(metricsPort),
    TEMPORAL_TASK_QUEUE: 'process-checks',
    PERCENT_TASK_QUEUE: 'process-percent',
    ATTESTR_TASK_QUEUE: 'process-attestr',
  });
  try {
    const started = await worker.logged('Worker started');
    expect(started).toMatchObject({
      level: 'info',
      component: 'worker',
      namespace: 'default',
      taskQueues: { workflows: 'process-checks', percent: 'process-percent', attestr: 'process-attestr' },
      activitiesPerSecond: { percent: 10, attestr: 5 },
    });

    const profileId = sim.attestr.addProfile('process-profile');
    const asyncRequestId = sim.attestr.addAsyncRequest('education');
    const handle = await env.client.workflow.start<typeof backgroundCheck>(WORKFLOW_TYPE, {
      taskQueue: 'process-checks',
      workflowId: workflowIdForProfile(profileId),
      args: [
        {
          eventId: 'process-event',
          profileId,
          agent: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org', organisationId: 'org-1' },
          asyncRequestId,
          // Wall clock here: the simulator decides at once, the first poll finds it.
          options: { pollInterval: '1 second', decisionTimeout: '10 minutes' },
        },
      ],
    });
    expect(await handle.result()).toMatchObject({ outcome: 'approved', asyncRequestId });

    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^temporal_workflow_completed/m);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.lines.some((line) => line.includes('"Worker stopped"'))).toBe(true);
    const output = worker.lines.join('\n');
    expect(output).not.toContain(sim.percentApiKey);
    expect(output).not.toContain(sim.attestrAuthToken);
  } finally {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  }
}, 90_000);

it('refuses to start with a message naming the missing and malformed variables', async () => {
  const worker = startWorker({ PERCENT_API_KEY: undefined, METRICS_PORT: 'ninety' });
  expect(await worker.exited).toBe(1);
  const output = worker.lines.join('\n');
  expect(output).toContain('PERCENT_API_KEY');
  expect(output).toContain('METRICS_PORT');
  expect(output).not.toContain(sim.attestrAuthToken);
}, 30_000);

it('exits non-zero naming a search attribute the namespace lacks, and the command that registers it', async () => {
  const namespace = 'without-verification-id';
  const { IndexedValueType } = temporal.api.enums.v1;
  await env.client.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const present = Object.keys(SEARCH_ATTRIBUTE_TYPES).filter((name) => name !== 'AgentVerificationId');
  await env.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(present.map((n) => [n, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  const worker = startWorker({ TEMPORAL_NAMESPACE: namespace, METRICS_PORT: String(await freePort()) });
  expect(await worker.exited).toBe(1);
  const output = worker.lines.join('\n');
  expect(output).toContain('AgentVerificationId (Keyword) is missing');
  expect(output).toContain(
    `temporal operator search-attribute create --namespace ${namespace} --name AgentVerificationId --type Keyword`,
  );
  for (const name of present) expect(output).not.toContain(`${name} (Keyword) is missing`);
  expect(worker.lines.some((line) => line.includes('"Worker started"'))).toBe(false);
}, 60_000);
