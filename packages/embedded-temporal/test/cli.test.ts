import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { parseArgs } from '../src/cli';
import { EMBEDDED_TEMPORAL_PATH } from './helpers/env';

describe('embedded-temporal command line', () => {
  it('reads the test-server form: just a port', () => {
    expect(parseArgs(['7233'])).toMatchObject({ mode: 'test-server', port: 7233, host: '127.0.0.1' });
  });

  it('reads the dev-server form the SDK uses, ignoring flags it does not need', () => {
    const options = parseArgs([
      'server',
      'start-dev',
      '--port',
      '7555',
      '--namespace',
      'default',
      '--namespace',
      'other',
      '--ip',
      '0.0.0.0',
      '--log-format',
      'pretty',
      '--log-level',
      'warn',
      '--dynamic-config-value',
      'frontend.enableUpdateWorkflowExecution=true',
      '--headless',
      '--search-attribute',
      'AgentVerificationId=Keyword',
      '--search-attribute=Score=Int',
    ]);
    expect(options).toMatchObject({
      mode: 'dev-server',
      port: 7555,
      host: '0.0.0.0',
      namespaces: ['default', 'other'],
      searchAttributes: { AgentVerificationId: 'Keyword', Score: 'Int' },
      dynamicConfig: { 'frontend.enableUpdateWorkflowExecution': 'true' },
      logLevel: 'warn',
    });
  });

  it('rejects malformed command lines with a message naming the problem', () => {
    expect(() => parseArgs([])).toThrow(/usage/);
    expect(() => parseArgs(['server', 'start-dev', '--port', 'x'])).toThrow(/--port/);
    expect(() => parseArgs(['server', 'start-dev', '--search-attribute', 'NoType'])).toThrow(/Name=Type/);
    expect(() => parseArgs(['server', 'start-dev', '--port'])).toThrow(/--port needs a value/);
  });

  it('serves on the given port and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [EMBEDDED_TEMPORAL_PATH, String(port)], { stdio: 'ignore' });
    try {
      const connection = await connectWithRetry(`127.0.0.1:${port}`);
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.capabilities?.sdkMetadata).toBe(true);
      await connection.close();
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Connection.connect fails fast while the process is still starting; retry until it answers. */
async function connectWithRetry(address: string): Promise<Connection> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await Connection.connect({ address, connectTimeout: 1_000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}
