/**
 * Loaded by ava in each test process (its `require` setting). The SDK's tests create their
 * servers with `TestWorkflowEnvironment.createLocal()` / `createTimeSkipping()`, which would
 * download the official binaries, and core gives a launched server only 5 s to answer: on a
 * loaded machine the embedded service (TypeScript run through tsx) can take longer. So every
 * environment that would launch a server launches the server under test here instead, with the
 * command line core would use, waits for it as long as it needs, and connects as to an existing
 * server; teardown stops it. Patching the one method all `create*` go through covers the test
 * helpers' wrapper and the test files that import `@temporalio/testing` directly, so no test
 * file needs editing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { TypedSearchAttributes, type SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';

interface ServerOptions {
  type: 'dev-server' | 'time-skipping' | 'existing';
  ip?: string;
  port?: number;
  namespace?: string;
  dbFilename?: string;
  searchAttributes?: { name: string; type: SearchAttributeType }[];
  extraArgs?: string[];
}

interface CreateOptions {
  server: ServerOptions;
  address?: string;
  [option: string]: unknown;
}

type Create = (this: unknown, opts: CreateOptions) => Promise<TestWorkflowEnvironment>;

const READY_TIMEOUT_MS = 60_000;

function executable(variable: string): string {
  const path = process.env[variable];
  if (!path) throw new Error(`conformance preload: ${variable} is not set`);
  return path;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The command line core builds for `existing-path` executables (sdk-core's ephemeral server). */
function commandLine(server: ServerOptions, host: string, port: number): { exe: string; args: string[] } {
  const extra = server.extraArgs ?? [];
  if (server.type === 'time-skipping') {
    return { exe: executable('CONFORMANCE_TEST_SERVER'), args: [String(port), ...extra] };
  }
  const args = ['server', 'start-dev', '--port', String(port), '--ip', host];
  args.push('--namespace', server.namespace ?? 'default', '--log-format', 'pretty', '--log-level', 'warn');
  for (const value of [
    'frontend.enableServerVersionCheck=false',
    'frontend.enableUpdateWorkflowExecution=true',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ]) {
    args.push('--dynamic-config-value', value);
  }
  args.push('--headless');
  if (server.dbFilename) args.push('--db-filename', server.dbFilename);
  for (const { name, type } of server.searchAttributes ?? []) {
    args.push('--search-attribute', `${name}=${TypedSearchAttributes.toMetadataType(type)}`);
  }
  return { exe: executable('CONFORMANCE_DEV_SERVER'), args: [...args, ...extra] };
}

async function launch(server: ServerOptions): Promise<{ address: string; child: ChildProcess }> {
  const host = server.ip ?? '127.0.0.1';
  const port = server.port ?? (await freePort(host));
  const { exe, args } = commandLine(server, host, port);
  const child = spawn(exe, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `exited (${signal ?? code})`));
  child.once('error', (err) => (exit = err.message));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(host, port))) {
    if (exit) throw new Error(`conformance preload: ${exe} ${exit} before listening on ${host}:${port}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`conformance preload: ${exe} did not listen on ${host}:${port} within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { address: `${host}:${port}`, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

/**
 * The official dev server listens before its frontend is ready and answers `GetSystemInfo` with
 * UNAVAILABLE ("Frontend is not healthy yet") meanwhile; core's own launcher keeps polling, so
 * this does too, until the same deadline as the launch.
 */
async function connectWhenHealthy(connect: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return await connect();
    } catch (err) {
      const unavailable = /unavailable|not healthy/i.test(err instanceof Error ? err.message : String(err));
      if (!unavailable || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

// `create` is private in the SDK's types; every public `create*` goes through it.
const statics = TestWorkflowEnvironment as unknown as { create: Create };
const create = statics.create;

statics.create = async function (this: unknown, opts: CreateOptions) {
  if (opts.server.type === 'existing') return create.call(this, opts);
  const { address, child } = await launch(opts.server);
  try {
    const env = await connectWhenHealthy(() => create.call(this, { ...opts, server: { type: 'existing' }, address }));
    const teardown = env.teardown.bind(env);
    env.teardown = async () => {
      try {
        await teardown();
      } finally {
        await stop(child);
      }
    };
    return env;
  } catch (err) {
    await stop(child);
    throw err;
  }
};
