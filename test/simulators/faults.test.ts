import { startVendorSimulators, type RouteKey, type VendorSimulators } from '../../src/simulators';
import { attestr, percent, validAgent } from './client';

describe('Simulator fault injection', () => {
  let sim: VendorSimulators;

  beforeEach(async () => {
    sim = await startVendorSimulators();
  });
  afterEach(() => sim.close());

  const associate = () => attestr(sim).associate(sim.attestr.addProfile(), sim.attestr.addAsyncRequest());
  const getMissing = () => percent(sim).get('agentverification_missing');

  it('answers an injected status with the given body and headers, then recovers after `times`', async () => {
    sim.injectFault(
      'attestr.associate',
      { kind: 'status', status: 502, rawBody: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { times: 2 },
    );
    for (let i = 0; i < 2; i++) {
      const answer = await associate();
      expect(answer.status).toBe(502);
      expect(answer.text).toBe('<html>bad gateway</html>');
      expect(answer.headers['content-type']).toBe('text/html');
    }
    expect((await associate()).status).toBe(200);
    expect(sim.requestCount('attestr.associate')).toBe(3);
  });

  it('serialises a JSON body of an injected status', async () => {
    sim.injectFault('percent.getAgentVerification', { kind: 'status', status: 503, body: { oops: true } });
    const answer = await getMissing();
    expect(answer.status).toBe(503);
    expect(answer.json()).toEqual({ oops: true });
  });

  it('applies a fault with a probability, reproducibly for a seed', async () => {
    const run = async () => {
      const local = await startVendorSimulators();
      try {
        local.injectFault(
          'percent.getAgentVerification',
          { kind: 'status', status: 500 },
          { probability: 0.3, seed: 7 },
        );
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await percent(local).get('missing')).status);
        return statuses;
      } finally {
        await local.close();
      }
    };
    const first = await run();
    const failures = first.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
    expect(first.filter((status) => status !== 500).every((status) => status === 404)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('draws fault seeds from the simulator seed when a fault has none', async () => {
    const run = async (seed: number) => {
      const local = await startVendorSimulators({ seed });
      try {
        local.injectFault('percent.getAgentVerification', { kind: 'status', status: 500 }, { probability: 0.5 });
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) statuses.push((await percent(local).get('missing')).status);
        return statuses;
      } finally {
        await local.close();
      }
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('answers Attestr errors from its table, with Retry-After when given', async () => {
    sim.injectFault('attestr.associate', { kind: 'attestrError', code: 4292, retryAfter: '3' }, { times: 1 });
    sim.injectFault('attestr.associate', { kind: 'attestrError', code: 5001 }, { times: 1 });
    const limited = await associate();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.json()).toEqual({ code: 4292, message: 'Maximum API rate limit exceeded' });
    const failed = await associate();
    expect(failed.status).toBe(500);
    expect(failed.headers['retry-after']).toBeUndefined();
    expect(failed.json()).toMatchObject({ code: 5001 });
  });

  it('answers Percent errors in its envelope; 401 empty', async () => {
    sim.injectFault(
      'percent.getAgentVerification',
      { kind: 'percentError', status: 429, code: 'rate_limited' },
      { times: 1 },
    );
    sim.injectFault(
      'percent.getAgentVerification',
      { kind: 'percentError', status: 403, code: 'forbidden', retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' },
      { times: 1 },
    );
    sim.injectFault(
      'percent.getAgentVerification',
      { kind: 'percentError', status: 401, code: 'unauthorized' },
      { times: 1 },
    );
    const limited = await getMissing();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeUndefined();
    expect(limited.json()).toEqual({ error: { code: 'rate_limited', title: 'Rate Limited', message: 'Rate Limited' } });
    const forbidden = await getMissing();
    expect(forbidden.headers['retry-after']).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });
    const unauthorized = await getMissing();
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.text).toBe('');
  });

  it('limits requests per second for real: 429/4291 beyond the budget, with and without Retry-After', async () => {
    sim.injectFault('attestr.associate', { kind: 'rateLimit', perSecond: 3, retryAfter: true });
    sim.injectFault('percent.getAgentVerification', { kind: 'rateLimit', perSecond: 2 });
    const attestrStatuses = await Promise.all(Array.from({ length: 5 }, () => associate()));
    expect(attestrStatuses.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const refused = attestrStatuses.find((a) => a.status === 429);
    expect(refused?.json()).toMatchObject({ code: 4291 });
    expect(refused?.headers['retry-after']).toBe('1');

    const percentStatuses = await Promise.all(Array.from({ length: 4 }, () => getMissing()));
    expect(percentStatuses.map((a) => a.status).sort()).toEqual([404, 404, 429, 429]);
    const percentRefused = percentStatuses.find((a) => a.status === 429);
    expect(percentRefused?.headers['retry-after']).toBeUndefined();
    expect(percentRefused?.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('applies a daily limit after N requests: Attestr 4293, Percent 429', async () => {
    sim.injectFault('attestr.associate', { kind: 'dailyLimit', perDay: 2 });
    sim.injectFault('percent.createAgentVerification', { kind: 'dailyLimit', perDay: 1 });
    expect((await associate()).status).toBe(200);
    expect((await associate()).status).toBe(200);
    const third = await associate();
    expect(third.status).toBe(429);
    expect(third.json()).toMatchObject({ code: 4293 });
    expect((await percent(sim).create(validAgent)).status).toBe(200);
    expect((await percent(sim).create(validAgent)).status).toBe(429);
    expect(sim.percent.verifications()).toHaveLength(1);
  });

  it('answers low credits with 400/4005 and refuses it on Percent routes', async () => {
    sim.injectFault('attestr.associate', { kind: 'lowCredits' });
    const answer = await associate();
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ code: 4005 });
    expect(() => sim.injectFault('percent.createAgentVerification', { kind: 'lowCredits' })).toThrow(
      /Percent has no credit balance/,
    );
  });

  it('delays answers by the injected latency', async () => {
    sim.injectFault('percent.getAgentVerification', { kind: 'latency', ms: 150 }, { times: 1 });
    const started = performance.now();
    expect((await getMissing()).status).toBe(404);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 200 with a body that is not JSON, or JSON of the wrong shape', async () => {
    sim.injectFault('percent.getAgentVerification', { kind: 'malformedBody' }, { times: 1 });
    sim.injectFault('percent.getAgentVerification', { kind: 'malformedBody', variant: 'wrongSchema' }, { times: 1 });
    const notJson = await getMissing();
    expect(notJson.status).toBe(200);
    expect(() => notJson.json()).toThrow(SyntaxError);
    const wrong = await getMissing();
    expect(wrong.status).toBe(200);
    expect((wrong.json() as { data: unknown }).data).toBe(42);
  });

  it('carries the request out behind a garbled 200 unless told not to', async () => {
    sim.injectFault('percent.createAgentVerification', { kind: 'malformedBody' }, { times: 1 });
    sim.injectFault('percent.createAgentVerification', { kind: 'malformedBody', afterProcessing: false }, { times: 1 });
    expect((await percent(sim).create(validAgent)).status).toBe(200);
    expect(sim.percent.verifications()).toHaveLength(1);
    expect((await percent(sim).create(validAgent)).status).toBe(200);
    expect(sim.percent.verifications()).toHaveLength(1);
  });

  it('drops the connection without answering', async () => {
    sim.injectFault('attestr.associate', { kind: 'dropConnection' }, { times: 1 });
    const profileId = sim.attestr.addProfile();
    const asyncRequest = sim.attestr.addAsyncRequest();
    await expect(attestr(sim).associate(profileId, asyncRequest)).rejects.toThrow();
    expect(sim.attestr.profileItems(profileId)).toEqual([]);
  });

  it('drops the connection after carrying the request out (a lost response)', async () => {
    sim.injectFault('attestr.associate', { kind: 'dropConnection', afterProcessing: true }, { times: 1 });
    const profileId = sim.attestr.addProfile();
    const asyncRequest = sim.attestr.addAsyncRequest();
    await expect(attestr(sim).associate(profileId, asyncRequest)).rejects.toThrow();
    expect(sim.attestr.profileItems(profileId)).toEqual([asyncRequest]);
  });

  it('can fail with a 5xx after carrying the request out', async () => {
    sim.injectFault('attestr.associate', { kind: 'status', status: 504, afterProcessing: true }, { times: 1 });
    const profileId = sim.attestr.addProfile();
    const asyncRequest = sim.attestr.addAsyncRequest();
    expect((await attestr(sim).associate(profileId, asyncRequest)).status).toBe(504);
    expect(sim.attestr.profileItems(profileId)).toEqual([asyncRequest]);
  });

  it('can hang after carrying the request out', async () => {
    sim.injectFault('percent.createAgentVerification', { kind: 'hang', afterProcessing: true });
    const pending = percent(sim).create(validAgent, 'check-hang');
    await sim.waitForRequests('percent.createAgentVerification', 1);
    expect(sim.percent.verifications()).toHaveLength(1);
    await sim.close();
    await expect(pending).rejects.toThrow();
  });

  it('hangs until close(), which releases the request', async () => {
    sim.injectFault('attestr.associate', { kind: 'hang' });
    const pending = associate();
    await sim.waitForRequests('attestr.associate', 1);
    await sim.close();
    await expect(pending).rejects.toThrow();
  });

  it('hangs until the client gives up, and the next request is served', async () => {
    sim.injectFault('percent.getAgentVerification', { kind: 'hang' }, { times: 1 });
    const controller = new AbortController();
    const hung = fetch(`${sim.url}/v1/agent-verifications/x`, {
      headers: { authorization: sim.percentApiKey },
      signal: controller.signal,
    });
    await sim.waitForRequests('percent.getAgentVerification', 1);
    controller.abort();
    await expect(hung).rejects.toThrow();
    await sim.waitForSettled('percent.getAgentVerification');
    expect((await getMissing()).status).toBe(404);
  });

  it('clears faults per route or all at once', async () => {
    sim.injectFault('attestr.associate', { kind: 'status', status: 500 });
    sim.injectFault('percent.getAgentVerification', { kind: 'status', status: 500 });
    sim.clearFaults('attestr.associate');
    expect((await associate()).status).toBe(200);
    expect((await getMissing()).status).toBe(500);
    sim.clearFaults();
    expect((await getMissing()).status).toBe(404);
  });

  it('counts every request per route, faulted or refused', async () => {
    sim.injectFault('attestr.getProfile', { kind: 'status', status: 500 }, { times: 1 });
    const api = attestr(sim);
    await api.getProfile('PR-1');
    await api.getProfile('PR-1', { authorization: 'Basic nope' });
    await api.getProfile('PR-1');
    const counts = Object.fromEntries(
      (['attestr.getProfile', 'attestr.associate', 'percent.createAgentVerification'] as RouteKey[]).map((route) => [
        route,
        sim.requestCount(route),
      ]),
    );
    expect(counts).toEqual({ 'attestr.getProfile': 3, 'attestr.associate': 0, 'percent.createAgentVerification': 0 });
    sim.resetCounts();
    expect(sim.requestCount('attestr.getProfile')).toBe(0);
  });

  it('refuses faults that do not fit the route, naming the problem', () => {
    expect(() => sim.injectFault('percent.getAgentVerification', { kind: 'attestrError', code: 4291 })).toThrow(
      /only on attestr routes/,
    );
    expect(() => sim.injectFault('attestr.associate', { kind: 'attestrError', code: 4999 })).toThrow(
      /not in Attestr's table/,
    );
    expect(() => sim.injectFault('attestr.associate', { kind: 'latency', ms: 1 }, { probability: 2 })).toThrow(
      /probability/,
    );
    expect(() => sim.injectFault('nope' as RouteKey, { kind: 'hang' })).toThrow(/unknown route/);
  });
});
