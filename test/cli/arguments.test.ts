/** CLI usage and input handling: everything here is decided before any Temporal call. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, mustNotConnect } from './helpers';

beforeEach(() => mustNotConnect.mockClear());
afterEach(() => expect(mustNotConnect).not.toHaveBeenCalled());

describe('client CLI arguments', () => {
  it('prints the usage on help, exit 0', async () => {
    const res = await cli(['--help'], { connect: mustNotConnect });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('async-request <profileId> <asyncRequestId>');
  });

  it.each([
    [[], 'missing command'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['status'], 'wrong number of arguments for "status"'],
    [['async-request', 'p1'], 'wrong number of arguments for "async-request"'],
    [['status', 'p1', '--stage', 'blocked'], '--stage does not apply to "status"'],
    [['list', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with exit 2 and the usage', async (argv, message) => {
    const res = await cli(argv, { connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr).toContain('Usage:');
    expect(res.stdout).toBe('');
  });

  it.each([
    [['list', '--stage', 'pending'], '--stage: expected one of creating_verification'],
    [['list', '--limit', '0'], '--limit: expected a positive integer'],
  ])('refuses bad option values %j with exit 2', async (argv, message) => {
    const res = await cli(argv, { connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
  });

  it('reports an unreadable event file', async () => {
    const res = await cli(['start', '/nonexistent/event.json'], { connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('error: cannot read /nonexistent/event.json: ENOENT\n');
  });

  it('names every invalid field of an event read from stdin, without echoing values', async () => {
    const stdin = JSON.stringify({ eventId: 'e1', profileId: 'p1', agent: { firstName: 'A', email: 'secret-ish' } });
    const res = await cli(['start', '-'], { stdin, connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('invalid onboarding event');
    expect(res.stderr).toContain('agent.lastName:');
    expect(res.stderr).toContain('agent.email:');
    expect(res.stderr).not.toContain('secret-ish');
  });

  it('refuses unknown fields (a typo, extra personal data) by name, as the ingress does', async () => {
    const stdin = JSON.stringify({
      eventId: 'e1',
      profileId: 'p1',
      asyncRequestID: 'AR1',
      agent: { firstName: 'A', lastName: 'B', email: 'a@example.org', organisationId: 'o1', ssn: '123-45-6789' },
    });
    const res = await cli(['start', '-'], { stdin, connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('  asyncRequestID: unknown field');
    expect(res.stderr).toContain('  agent.ssn: unknown field');
    expect(res.stderr).not.toContain('123-45-6789');
  });

  it('refuses an event file that is not JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cli-'));
    const file = path.join(dir, 'event.json');
    await writeFile(file, '{ not json');
    const res = await cli(['start', file], { connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`error: ${file} is not valid JSON\n`);
  });

  it('reports a bad TEMPORAL_* variable by name with exit 2', async () => {
    const res = await cli(['status', 'p1'], { env: { TEMPORAL_TLS: 'maybe' }, connect: mustNotConnect });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('TEMPORAL_TLS: expected true or false');
  });

  it('names an unreadable TLS certificate file with exit 2, before any connection attempt', async () => {
    const env = { TEMPORAL_TLS_CERT_PATH: '/nonexistent/client.pem', TEMPORAL_TLS_KEY_PATH: '/nonexistent/client.key' };
    const res = await cli(['status', 'p1'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('TEMPORAL_TLS_CERT_PATH: cannot read the file (ENOENT)');
  });

  it('says which address it could not reach, exit 1', async () => {
    const connect = jest.fn(async () => {
      throw new Error('Failed to connect before the deadline');
    });
    const res = await cli(['status', 'p1'], { env: { TEMPORAL_ADDRESS: '10.1.2.3:7233' }, connect });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: cannot reach Temporal at 10.1.2.3:7233: Failed to connect before the deadline\n');
    expect(connect).toHaveBeenCalledTimes(1);
  });
});

describe('client CLI process', () => {
  it('exits with the code of the command (2 for an invalid event on stdin)', async () => {
    const { spawn } = await import('node:child_process');
    const root = path.resolve(__dirname, '../..');
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['src/client.ts', 'start', '-'], {
      cwd: root,
      env: { PATH: process.env.PATH },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end('{"eventId":"e1"}');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('profileId:');
  });
});
