/** Launching `bin/embedded-temporal` as the SDK does, timed to its first answered RPC (benches only). */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Connection } from '@temporalio/client';
import { EMBEDDED_TEMPORAL_PATH } from '../src';

const EXECUTABLE = EMBEDDED_TEMPORAL_PATH;

/** Command lines of the two modes, as `TestWorkflowEnvironment` builds them. */
export const MODES = {
  'test-server': (port: number) => [String(port)],
  'dev-server': (port: number) => ['server', 'start-dev', '--port', String(port), '--headless'],
};

export interface Launched {
  process: ChildProcess;
  address: string;
  /** Launch to the first answered `GetSystemInfo`. */
  startMs: number;
}

export async function launch(args: (port: number) => string[] = MODES['dev-server']): Promise<Launched> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(EXECUTABLE, args(port), { stdio: 'inherit' });
  // Probe the port first: a refused gRPC connection puts grpc-js into a 1 s reconnect back-off
  // (shared by every channel to the address) that would hide the real figure.
  while (!(await listening(port))) await new Promise((resolve) => setTimeout(resolve, 5));
  const connection = await Connection.connect({ address });
  await connection.workflowService.getSystemInfo({});
  const startMs = performance.now() - t0;
  await connection.close();
  return { process: child, address, startMs };
}

export async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
