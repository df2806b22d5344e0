/**
 * `npm run dev` as a process: the demo check reaches its decision with visible progress, and
 * the stack shuts down cleanly on SIGTERM. Runs `dev/dev-stack.ts` through tsx, as the script does.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createLocalEnv } from '../helpers/temporal-env';

const ROOT = path.resolve(__dirname, '../..');
const CODEC_KEYS = `test-key:${Buffer.alloc(32, 7).toString('base64')}`;

function startDevProcess(args: string[], env: Record<string, string> = {}) {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['dev/dev-stack.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, INGRESS_PORT: '0', LOG_LEVEL: 'warn', PAYLOAD_CODEC_KEYS: CODEC_KEYS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    waitFor: (text: string) =>
      new Promise<void>((resolve) => (stdout.includes(text) ? resolve() : waiters.push({ text, resolve }))),
  };
}

describe('npm run dev', () => {
  it('runs the demo check to its decision through the ingress and exits 0 (--exit-after-demo)', async () => {
    const dev = startDevProcess(['--exit-after-demo']);
    const code = await dev.exited;
    const { stdout, stderr } = dev.output();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const progress = stdout.split('\n').filter((line) => line.startsWith('[demo] '));
    expect(progress[0]).toMatch(/^\[demo\] onboarding event accepted: check bgcheck-/);
    const stages = progress.filter((l) => l.startsWith('[demo] stage ')).map((l) => l.slice('[demo] stage '.length));
    expect(stages).toEqual([
      'creating_verification',
      'awaiting_async_request',
      'associating',
      'awaiting_decision',
      'approved',
    ]);
    expect(progress).toContain('[demo] async request id sent through the ingress (HTTP 202)');
    expect(progress.at(-1)).toMatch(/^\[demo\] decision: \{"outcome":"approved"/);
    expect(stdout).toContain('Payloads        encrypted');
    expect(stdout).toMatch(/^Metrics {9}http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    // The demo check's trace, as a tree: the ingress request, the workflow, activities, vendor calls.
    const tree = stdout.split('\n').filter((line) => line.startsWith('[trace] '));
    expect(tree[0]).toMatch(/^\[trace\] [0-9a-f]{32}$/);
    const names = tree.slice(1).map((line) => line.slice('[trace] '.length).trim().split(' ')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'StartWorkflow:backgroundCheck',
        'RunWorkflow:backgroundCheck',
        'RunActivity:createAgentVerification',
        'RunActivity:associateAsyncRequest',
      ]),
    );
    expect(stdout).not.toContain(CODEC_KEYS.split(':')[1]);
  });

  it('stays up for more events and shuts down cleanly on SIGTERM', async () => {
    const dev = startDevProcess(['--no-demo']);
    await dev.waitFor('Up and waiting for events');
    const ingressUrl = /Ingress\s+(http:\/\/\S+)/.exec(dev.output().stdout)?.[1];
    expect((await fetch(`${ingressUrl}/healthz`)).status).toBe(200);
    dev.child.kill('SIGTERM');
    expect(await dev.exited).toBe(0);
    expect(dev.output().stdout).toContain('Shutting down...');
    await expect(fetch(`${ingressUrl}/healthz`)).rejects.toThrow();
  });

  it('connects to the cluster at TEMPORAL_ADDRESS instead of starting one', async () => {
    const cluster = await createLocalEnv();
    try {
      const dev = startDevProcess(['--exit-after-demo'], { TEMPORAL_ADDRESS: cluster.address });
      expect(await dev.exited).toBe(0);
      const { stdout } = dev.output();
      expect(stdout).toContain(`Temporal        ${cluster.address} (namespace default)\n`);
      const workflowId = /check (bgcheck-\S+)/.exec(stdout)![1];
      // The check ran on that cluster and is still there after dev exited.
      const description = await cluster.client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
    } finally {
      await cluster.teardown();
    }
  });
});
