/**
 * Histories on a running Temporal (the embedded service): with the codec, nothing personal is
 * stored in clear; `history:export` writes what `replay` reads, encrypted or redacted.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { TimeSkippingWorkflowClient, type TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createDataConverter } from '../../src/codec';
import { runExportCli } from '../../src/replay/export-cli';
import { runReplayCli } from '../../src/replay/cli';
import { installQuietRuntime } from '../../src/replay/quiet-runtime';
import { codecEnv } from '../helpers/codec-keys';
import { createLocalEnv, createTimeSkippingEnv } from '../helpers/temporal-env';
import type { GreetInput } from './workflows/greet-types';

const AGENT: GreetInput = { firstName: 'Grace', email: 'grace.hopper@example.org' };
const TASK_QUEUE = 'replay-embedded';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let dir: string;
const codecKeys = codecEnv('2026-11');

beforeAll(async () => {
  installQuietRuntime();
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'workflows', 'greet-v1.ts'),
    logger: new DefaultLogger('ERROR'),
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'replay-embedded-'));
});

afterAll(async () => {
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs greetAgent to completion through a worker and a client that share the data converter. */
async function runGreeting(workflowId: string, converterEnv: Record<string, string> = codecKeys): Promise<string> {
  const dataConverter = createDataConverter(converterEnv);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: { lookUpAgent: async (email: string) => `agent-for-${email.length}` },
    dataConverter,
  });
  // The time-skipping client skips the workflow's one-hour sleep while it waits for the result.
  const client = new TimeSkippingWorkflowClient({
    connection: env.connection,
    namespace: env.namespace,
    dataConverter,
  });
  return worker.runUntil(client.execute('greetAgent', { taskQueue: TASK_QUEUE, workflowId, args: [AGENT] }));
}

/** Every string and byte string of a history as Temporal stores it, as text to search. */
async function storedText(workflowId: string): Promise<string> {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('latin1'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(await env.client.workflow.getHandle(workflowId).fetchHistory());
  return parts.join('\n');
}

function io(env: Record<string, string | undefined>) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      env,
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    },
  };
}

it('stores no personal data in clear, and the exported history replays with the keys', async () => {
  const workflowId = `greet-${Date.now()}`;
  expect(await runGreeting(workflowId)).toBe('Grace:agent-for-24');

  const stored = await storedText(workflowId);
  for (const personal of [AGENT.firstName, AGENT.email]) expect(stored).not.toContain(personal);

  const file = path.join(dir, `${workflowId}.json`);
  const temporal = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' };
  const exported = io(temporal);
  expect(await runExportCli(['--workflow-id', workflowId, '--out', file], exported.io)).toBe(0);
  const text = await readFile(file, 'utf8');
  expect(JSON.parse(text).events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  for (const personal of [AGENT.firstName, AGENT.email]) expect(text).not.toContain(personal);

  const greetV1 = path.join(__dirname, 'workflows', 'greet-v1.ts');
  const withKeys = io(codecKeys);
  expect(await runReplayCli(['--workflows', greetV1, file], withKeys.io)).toBe(0);
  expect(withKeys.out.stdout).toContain('1 history checked: 1 OK, 0 failed.');
});

it('would store personal data in clear without the codec (what the check above guards against)', async () => {
  const workflowId = `greet-clear-${Date.now()}`;
  await runGreeting(workflowId, {});
  const stored = await storedText(workflowId);
  expect(stored).toContain(AGENT.email);
  expect(stored).toContain(AGENT.firstName);
});

it('exports a redacted history that replays without keys and holds no personal data', async () => {
  const workflowId = `greet-redacted-${Date.now()}`;
  await runGreeting(workflowId);
  const file = path.join(dir, `${workflowId}.json`);
  const temporal = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' };
  const exported = io({ ...temporal, ...codecKeys });
  expect(await runExportCli(['--workflow-id', workflowId, '--out', file, '--redact'], exported.io)).toBe(0);
  expect(exported.out.stderr).toMatch(/Wrote \d+ events of greet-redacted-\d+ \(redacted\)/);

  const text = await readFile(file, 'utf8');
  const clear = JSON.stringify(JSON.parse(text), (_k, v: unknown) =>
    typeof v === 'string' && /^[A-Za-z0-9+/]+=*$/.test(v) && v.length % 4 === 0
      ? Buffer.from(v, 'base64').toString('latin1')
      : v,
  );
  for (const personal of [AGENT.firstName, AGENT.email]) expect(clear).not.toContain(personal);
  expect(clear).toContain('redacted.agent@example.org');
  expect(clear).not.toContain('binary/encrypted');

  const noKeys = io({});
  expect(await runReplayCli(['--workflows', path.join(__dirname, 'workflows', 'greet-v1.ts'), file], noKeys.io)).toBe(
    0,
  );
});

it('refuses --redact without PAYLOAD_CODEC_KEYS, naming the variable', async () => {
  const out = io({ TEMPORAL_ADDRESS: env.address });
  expect(await runExportCli(['--workflow-id', 'any', '--redact'], out.io)).toBe(2);
  expect(out.out.stderr).toContain('PAYLOAD_CODEC_KEYS: required with --redact');
});

it('replays an execution fetched by workflow id, and reports one that does not exist', async () => {
  const workflowId = `greet-fetched-${Date.now()}`;
  await runGreeting(workflowId);
  const temporal = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default', ...codecKeys };
  const greetV1 = path.join(__dirname, 'workflows', 'greet-v1.ts');

  const byId = io(temporal);
  expect(await runReplayCli(['--workflows', greetV1, '--workflow-id', workflowId], byId.io)).toBe(0);
  expect(byId.out.stdout).toMatch(new RegExp(`OK {4}${workflowId} \\(run [0-9a-f-]+\\)`));

  const missing = io(temporal);
  expect(await runReplayCli(['--workflows', greetV1, '--workflow-id', 'no-such-check'], missing.io)).toBe(1);
  expect(missing.out.stdout).toMatch(/FAIL {2}workflow no-such-check\n {6}Not replayed: .*not found/i);
});

// Visibility queries need a server with a visibility store: dev-server mode. (Temporal's own
// time-skipping test server has none: ListWorkflowExecutions is UNIMPLEMENTED there.)
it('replays every execution a visibility query matches, open ones included', async () => {
  const local = await createLocalEnv();
  try {
    const dataConverter = createDataConverter(codecKeys);
    let looked = 0;
    let bothLookedUp: () => void = () => undefined;
    const lookedUp = new Promise<void>((resolve) => (bothLookedUp = resolve));
    const worker = await Worker.create({
      connection: local.nativeConnection,
      namespace: local.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: {
        lookUpAgent: async (email: string) => {
          if (++looked === 2) bothLookedUp();
          return `agent-for-${email.length}`;
        },
      },
      dataConverter,
    });
    const client = new Client({ connection: local.connection, namespace: local.namespace, dataConverter });
    const query = `WorkflowType = 'greetAgent'`;
    await worker.runUntil(async () => {
      for (const n of [1, 2]) {
        await client.workflow.start('greetAgent', {
          taskQueue: TASK_QUEUE,
          workflowId: `greet-listed-${n}`,
          args: [AGENT],
        });
      }
      // Both now wait in their one-hour sleep, past their first activity.
      await lookedUp;
      // Visibility is written after the execution: wait for the server to list both.
      for (let tries = 0; (await client.workflow.count(query)).count < 2; tries++) {
        if (tries > 1000) throw new Error('the dev server never listed both greetings');
      }
    });

    const byQuery = io({
      TEMPORAL_ADDRESS: local.address,
      TEMPORAL_NAMESPACE: local.namespace ?? 'default',
      ...codecKeys,
    });
    // A clock that moves 10 s per reading: a progress line after every history.
    let clock = 0;
    const code = await runReplayCli(
      ['--workflows', path.join(__dirname, 'workflows', 'greet-v1.ts'), '--query', query],
      {
        ...byQuery.io,
        now: () => (clock += 10_000),
      },
    );
    const replayed = byQuery.out.stdout.match(/^OK {4}greet-listed-/gm) ?? [];
    expect(replayed).toHaveLength(2);
    expect(byQuery.out.stdout).toContain('2 histories checked: 2 OK, 0 failed.');
    expect(byQuery.out.stderr).toMatch(/progress: 2 of 2 replayed, 0 failed/);
    expect(code).toBe(0);
  } finally {
    await local.teardown();
  }
});
