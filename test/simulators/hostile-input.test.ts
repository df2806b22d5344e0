/**
 * The simulators under hostile or odd input, over real HTTP: oversize and abandoned bodies are
 * counted and settled, bodies are the vendor's to judge whatever their content type, and the
 * server keeps serving.
 */
import { request as httpRequest } from 'node:http';
import { startVendorSimulators, type VendorSimulators } from '../../src/simulators';
import { postChunked } from '../helpers/post-chunked';
import { call, percent, validAgent } from './client';

const CREATE = 'percent.createAgentVerification';

describe('simulators under hostile input', () => {
  let sim: VendorSimulators;
  beforeEach(async () => {
    sim = await startVendorSimulators();
  });
  afterEach(async () => {
    // Still serving.
    expect((await percent(sim).get('agentverification_missing')).status).toBe(404);
    await sim.close();
  });

  it('answers 413 to chunked bodies over 1 MiB, counts each, and creates nothing', async () => {
    for (let i = 0; i < 10; i++) {
      const status = await postChunked(`${sim.url}/v1/agent-verifications`, {
        bytes: 2 * 1024 * 1024,
        headers: { authorization: sim.percentApiKey },
      });
      expect(status).toBe(413);
    }
    expect(sim.requestCount(CREATE)).toBe(10);
    await sim.waitForSettled(CREATE);
    expect(sim.percent.verifications()).toEqual([]);
  });

  it('counts and settles a request whose client goes away mid-body', async () => {
    const req = httpRequest(`${sim.url}/v1/agent-verifications`, {
      method: 'POST',
      // 100-continue: the server answers once it has the headers, so the request is under way there.
      headers: { 'content-type': 'application/json', 'content-length': '1000', expect: '100-continue' },
    });
    req.on('error', () => undefined);
    await new Promise<void>((resolve) => req.once('continue', resolve));
    req.write('{"firstName": "Ada"');
    req.destroy();
    await sim.waitForRequests(CREATE, 1);
    await sim.waitForSettled(CREATE);
    expect(sim.percent.verifications()).toEqual([]);
  });

  it('leaves the body to the vendor whatever its content type', async () => {
    const url = `${sim.url}/v1/agent-verifications`;
    const body = JSON.stringify(validAgent);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await call(url, 'POST', {
        headers: { authorization: sim.percentApiKey, 'content-type': contentType },
        body,
      });
      expect(answer.status).toBe(200);
    }
    const garbage = await call(url, 'POST', { headers: { authorization: sim.percentApiKey }, body: '{"firstName": ' });
    expect(garbage.status).toBe(400);
    expect(garbage.json()).toMatchObject({
      error: { code: 'validation_error', reasons: ['body must be a JSON object'] },
    });
    expect(sim.percent.verifications()).toHaveLength(2);
  });

  it('has no HEAD twins of its GET routes', async () => {
    const answer = await fetch(`${sim.url}/v1/agent-verifications`, {
      method: 'HEAD',
      headers: { authorization: sim.percentApiKey },
    });
    expect(answer.status).toBe(404);
    expect(sim.requestCount('percent.listAgentVerifications')).toBe(0);
  });
});
