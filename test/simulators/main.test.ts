import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { request } from 'undici';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = join(root, 'src', 'simulators', 'main.ts');

function startCli(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(tsx, [cli], { cwd: root, env: { ...process.env, ...env } });
}

/** Resolves with stdout once it matches, from the stream's own events. */
function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const found = text.match(pattern);
      if (found) {
        child.stdout.off('data', onData);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}`)));
  });
}

describe('simulators CLI', () => {
  it('prints the URL and keys, serves both vendors, and stops cleanly on SIGTERM', async () => {
    const child = startCli({ SIMULATOR_PORT: '0' });
    try {
      const [, url] = await waitForOutput(child, /listening on (http:\/\/\S+)\n[\s\S]*ATTESTR_API_VERSION=v1\n/);
      const answer = await request(`${url}/v1/agent-verifications/unknown`, {
        headers: { authorization: 'sk_test_simulator' },
      });
      expect(answer.statusCode).toBe(404);
      await answer.body.dump();
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('never prints keys given through the environment', async () => {
    const child = startCli({
      SIMULATOR_PERCENT_API_KEY: 'sk_test_from_env_123',
      SIMULATOR_ATTESTR_AUTH_TOKEN: 'tok-from-env-456',
    });
    try {
      const [printed] = await waitForOutput(child, /listening[\s\S]*ATTESTR_API_VERSION=v1\n/);
      expect(printed).not.toContain('sk_test_from_env_123');
      expect(printed).not.toContain('tok-from-env-456');
      expect(printed).toContain('PERCENT_API_KEY=<value of SIMULATOR_PERCENT_API_KEY>');
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it.each([
    [{ SIMULATOR_PORT: 'eighty' }, 'SIMULATOR_PORT: expected a port number'],
    [{ SIMULATOR_WEBHOOK_URL: 'http://127.0.0.1:1/hooks' }, 'PERCENT_WEBHOOK_SECRET: required'],
    [{ SIMULATOR_AUTO_ADVANCE_MS: '10', SIMULATOR_AUTO_DECISION: 'maybe' }, 'SIMULATOR_AUTO_DECISION: expected'],
  ])('refuses bad settings, naming the variable (%o)', async (env, message) => {
    const child = startCli({ PERCENT_WEBHOOK_SECRET: '', ...env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = await once(child, 'close');
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
