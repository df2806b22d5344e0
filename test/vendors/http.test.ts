/** The undici layer against a real local socket: timeouts, resets and aborts are classified. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FailureType } from '../../src/failure-types';
import { VendorHttp } from '../../src/vendors/http';
import { VendorError } from '../../src/vendors/vendor-error';
import { thrown } from './helpers';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let handler: Handler;
let baseUrl: string;
const clients: VendorHttp[] = [];

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.closeAllConnections();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function client(overrides: Partial<ConstructorParameters<typeof VendorHttp>[0]> = {}) {
  const http = new VendorHttp({
    vendor: 'percent',
    baseUrl,
    connectTimeoutMs: 1_000,
    headersTimeoutMs: 200,
    bodyTimeoutMs: 200,
    ...overrides,
  });
  clients.push(http);
  return http;
}

const get = { method: 'GET' as const, path: '/v1/ping', operation: 'GET /v1/ping' };

async function networkFailure(http: VendorHttp, signal?: AbortSignal) {
  const err = await thrown(() => http.request({ ...get, signal }));
  expect(err).toBeInstanceOf(VendorError);
  const data = (err as VendorError).data;
  expect(data).toMatchObject({ type: FailureType.VendorUnavailable, retryable: true });
  return data;
}

describe('VendorHttp', () => {
  it('sends JSON under the base path prefix and reuses the connection', async () => {
    const ports = new Set<number>();
    handler = (req, res) => {
      ports.add(req.socket.remotePort!);
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, body })),
      );
    };
    const http = client({ baseUrl: `${baseUrl}/prefix/`, connections: 1 });
    const first = await http.request({ method: 'POST', path: '/v1/x', operation: 'x', json: { a: 1 } });
    await http.request({ method: 'POST', path: '/v1/x', operation: 'x', json: { a: 2 } });
    expect(JSON.parse(first.text)).toEqual({ path: '/prefix/v1/x', body: '{"a":1}' });
    expect(ports.size).toBe(1);
  });

  it('classifies missing response headers as a headers timeout', async () => {
    handler = () => undefined; // never answers
    expect((await networkFailure(client())).networkCode).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('classifies a stalled body as a body timeout', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"data":');
    expect((await networkFailure(client())).networkCode).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('classifies a dropped connection', async () => {
    handler = (req) => req.socket.destroy();
    expect((await networkFailure(client())).networkCode).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it('classifies a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect((await networkFailure(client({ baseUrl: `http://127.0.0.1:${port}` }))).networkCode).toBe('ECONNREFUSED');
  });

  it("aborts an in-flight request and rethrows the signal's reason unchanged", async () => {
    const arrived = new Promise<IncomingMessage>((resolve) => (handler = (req) => resolve(req)));
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const pending = thrown(() => client({ headersTimeoutMs: 60_000 }).request({ ...get, signal: controller.signal }));
    const req = await arrived;
    const closed = new Promise((resolve) => req.socket.once('close', resolve));
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await closed; // the socket to the vendor is really closed, not left hanging
  });

  it('does not send a request whose signal is already aborted', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      res.end();
    };
    const reason = new Error('cancelled before start');
    expect(await thrown(() => client().request({ ...get, signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(calls).toBe(0);
  });
});
