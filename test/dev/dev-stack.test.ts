/**
 * `npm run dev` as a process: the demo check reaches its decision with visible progress, and
 * the stack shuts down cleanly on SIGTERM. Runs `dev/dev-stack.ts` through tsx, as the script does.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLocalEnv } from '../helpers/temporal-env';

const ROOT = path.resolve(__dirname, '../..');
const CODEC_KEYS = `test-key:${Buffer.alloc(32, 7).toString('base64')}`;
// On the official lane (TEMPORAL_TEST_SERVER=official) the stack runs on Temporal's own dev server.
const OFFICIAL = process.env.TEMPORAL_TEST_SERVER === 'official';

function startDevProcess(args: string[], env: Record<string, string> = {}) {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['dev/dev-stack.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      INGRESS_PORT: '0',
      LOG_LEVEL: 'warn',
      PAYLOAD_CODEC_KEYS: CODEC_KEYS,
      DEV_TEMPORAL: OFFICIAL ? 'official' : 'embedded',
      ...env,
    },
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
    const dev = startDevProcess(['--exit-after-demo', '--no-ui']);
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
    const dev = startDevProcess(['--no-demo', '--no-ui']);
    await dev.waitFor('Up and waiting for events');
    const ingressUrl = /Ingress\s+(http:\/\/\S+)/.exec(dev.output().stdout)?.[1];
    expect((await fetch(`${ingressUrl}/healthz`)).status).toBe(200);
    // Temporal's own dev server brings its Web UI; the embedded service has none.
    const uiUrl = /Temporal UI\s+(http:\/\/\S+)/.exec(dev.output().stdout)?.[1];
    expect(dev.output().stdout).toMatch(
      OFFICIAL ? /Temporal {8}\S+ \(namespace default\), official dev server\n/ : /, embedded\n/,
    );
    if (OFFICIAL) expect((await fetch(`${uiUrl}/api/v1/namespaces`)).status).toBe(200);
    else expect(uiUrl).toBeUndefined();
    dev.child.kill('SIGTERM');
    expect(await dev.exited).toBe(0);
    expect(dev.output().stdout).toContain('Shutting down...');
    await expect(fetch(`${ingressUrl}/healthz`)).rejects.toThrow();
  });

  it("prints commands that work as printed, reading the run's secrets from a private file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dev-secrets-'));
    const secretsFile = path.join(dir, 'secrets.env');
    // No PAYLOAD_CODEC_KEYS: the run makes its own key, which the CLI must get from the file.
    const up = startDevProcess(['--no-demo'], { DEV_SECRETS_FILE: secretsFile, PAYLOAD_CODEC_KEYS: '' });
    try {
      await up.waitFor('Up and waiting for events');
      const secrets = readFileSync(secretsFile, 'utf8');
      expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
      const token = /^INGRESS_AUTH_TOKEN=(\S+)$/m.exec(secrets)![1];
      const key = /^PAYLOAD_CODEC_KEYS=\S+:(\S+)$/m.exec(secrets)![1];
      expect(up.output().stdout).not.toContain(token);
      expect(up.output().stdout).not.toContain(key);
      expect(up.output().stdout).toContain(`Secrets         ${path.relative(ROOT, secretsFile)}`);
      const printed = up.output().stdout;
      const curl = /^Ingress call\s+(curl .*)$/m.exec(printed)![1];
      const cliCommand = /^CLI\s+(.*)$/m.exec(printed)![1];
      const profileId = 'printed-commands';
      writeFileSync(
        path.join(dir, 'event.json'),
        JSON.stringify({
          eventId: 'printed-1',
          profileId,
          agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'org_1' },
        }),
      );
      const sh = (command: string, cwd: string) =>
        promisify(execFile)('sh', ['-c', command], { cwd, env: { PATH: process.env.PATH } });
      // curl from the repository root, as printed, with event.json beside it (here: in the temp dir).
      const accepted = await sh(curl.replace('-d @event.json', `-d @${path.join(dir, 'event.json')}`), ROOT);
      expect(JSON.parse(accepted.stdout)).toMatchObject({ workflowId: `bgcheck-${profileId}`, started: true });
      const listed = await sh(cliCommand, ROOT);
      expect(listed.stdout).toContain(`"workflowId":"bgcheck-${profileId}"`);
      expect(listed.stderr).not.toMatch(/error|warning/);
      const status = await sh(cliCommand.replace(' list', ` status ${profileId}`), ROOT);
      expect(JSON.parse(status.stdout.slice(status.stdout.indexOf('{')))).toMatchObject({ stage: expect.any(String) });
      expect(status.stderr).not.toMatch(/warning/);
    } finally {
      up.child.kill('SIGTERM');
      await up.exited;
    }
  }, 120_000);

  it('connects to the cluster at TEMPORAL_ADDRESS instead of starting one', async () => {
    const cluster = await createLocalEnv();
    try {
      const dev = startDevProcess(['--exit-after-demo', '--no-ui'], { TEMPORAL_ADDRESS: cluster.address });
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
