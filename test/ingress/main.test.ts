/** `npm run ingress` as a process: configuration errors, start without Temporal, SIGTERM. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function runIngress(env: Record<string, string>) {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/ingress/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = new Promise<number>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^\{.*"port":(\d+).*"msg":"ingress listening".*$/m.exec(stdout)?.[1];
      if (port) resolve(Number(port));
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, listening, exited, output: () => ({ stdout, stderr }) };
}

describe('ingress process', () => {
  it('refuses to start without PERCENT_WEBHOOK_SECRET, naming it', async () => {
    const ingress = runIngress({ INGRESS_PORT: '0' });
    expect(await ingress.exited).toBe(1);
    expect(ingress.output().stderr).toContain('PERCENT_WEBHOOK_SECRET: required');
  });

  it('refuses to start without INGRESS_AUTH_TOKENS unless told to run without auth', async () => {
    const ingress = runIngress({ INGRESS_PORT: '0', PERCENT_WEBHOOK_SECRET: 'whsec_x' });
    expect(await ingress.exited).toBe(1);
    expect(ingress.output().stderr).toContain('INGRESS_AUTH_TOKENS: required');
    const short = runIngress({
      INGRESS_PORT: '0',
      PERCENT_WEBHOOK_SECRET: 'whsec_x',
      INGRESS_AUTH_TOKENS: 'short-secret',
    });
    expect(await short.exited).toBe(1);
    expect(short.output().stderr).toContain('INGRESS_AUTH_TOKENS: token 1 of 1: expected 16-512 printable characters');
    expect(short.output().stderr).not.toContain('short-secret');
  });

  it('names every bad variable at once, not one per restart', async () => {
    const ingress = runIngress({ INGRESS_PORT: 'eighty' });
    expect(await ingress.exited).toBe(1);
    const { stderr } = ingress.output();
    expect(stderr).toContain('PERCENT_WEBHOOK_SECRET: required');
    expect(stderr).toContain('INGRESS_PORT: expected a TCP port');
  });

  it('starts while Temporal is down, answers, and stops on SIGTERM without leaking the secret', async () => {
    const secret = 'whsec_never_printed';
    const ingress = runIngress({
      INGRESS_PORT: '0',
      PERCENT_WEBHOOK_SECRET: secret,
      INGRESS_AUTH_TOKENS: 'token-never-printed-0123456789',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    const port = await ingress.listening;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    ingress.child.kill('SIGTERM');
    expect(await ingress.exited).toBe(0);
    const { stdout, stderr } = ingress.output();
    expect(stdout).toContain('"msg":"stopped"');
    expect(stdout + stderr).not.toContain(secret);
    expect(stdout + stderr).not.toContain('token-never-printed');
  });
});
