import { routeKeys, startVendorSimulators, type VendorSimulators } from '../../src/simulators';
import { call } from './client';

describe('Simulator routing and auth', () => {
  let sim: VendorSimulators;

  beforeAll(async () => {
    sim = await startVendorSimulators({ percentInitialStatus: 'pending' });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetCounts());

  const attestrRoutes = [
    ['attestr.createProfile', 'POST', '/api/v2/public/factx/', { tag: 't', name: 'n' }],
    ['attestr.getProfile', 'GET', '/api/v2/public/factx/PR1', undefined],
    ['attestr.archiveProfile', 'PUT', '/api/v2/public/factx/PR1/archive', undefined],
    ['attestr.associate', 'PUT', '/api/v2/public/factx/PR1/associate', { asyncRequest: 'AR1' }],
    ['attestr.createAsyncRequest', 'POST', '/api/v2/public/factx/async/document', {}],
  ] as const;

  it.each(attestrRoutes)('%s refuses a wrong Basic token with 401/4016', async (route, method, path, body) => {
    const answer = await call(`${sim.url}${path}`, method, { headers: { authorization: 'Basic wrong' }, body });
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ code: 4016, message: 'Invalid client authorization' });
    expect(sim.requestCount(route)).toBe(1);
  });

  const percentRoutes = [
    ['percent.createAgentVerification', 'POST', '/v1/agent-verifications'],
    ['percent.getAgentVerification', 'GET', '/v1/agent-verifications/agv_1'],
    ['percent.listAgentVerifications', 'GET', '/v1/agent-verifications?pageSize=5'],
  ] as const;

  it.each(percentRoutes)('%s refuses a missing key with an empty 401', async (route, method, path) => {
    const answer = await call(`${sim.url}${path}`, method, { body: method === 'POST' ? {} : undefined });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('');
    expect(sim.requestCount(route)).toBe(1);
  });

  it('answers 404 on unknown paths and methods without counting them on any route', async () => {
    for (const [method, path] of [
      ['GET', '/v2/agent-verifications'],
      ['PUT', '/v1/agent-verifications/agv_1'],
      ['DELETE', '/api/v1/public/factx/PR1'],
      ['POST', '/api/v1/public/factx/async/kyc'],
      ['GET', '/%E0%A4%A'],
    ] as const) {
      const answer = await call(`${sim.url}${path}`, method);
      expect(answer.status).toBe(404);
    }
    expect(routeKeys.map((route) => sim.requestCount(route))).toEqual(routeKeys.map(() => 0));
  });

  it('answers 413 to a body over 1 MiB and counts it', async () => {
    const answer = await call(`${sim.url}/api/v1/public/factx/PR1/associate`, 'PUT', {
      headers: { authorization: `Basic ${sim.attestrAuthToken}` },
      body: JSON.stringify({ asyncRequest: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(answer.status).toBe(413);
    expect(sim.requestCount('attestr.associate')).toBe(1);
  });

  it('starts verifications in the configured status', async () => {
    const answer = await call(`${sim.url}/v1/agent-verifications`, 'POST', {
      headers: { authorization: sim.percentApiKey },
      body: { firstName: 'A', lastName: 'B', email: 'a@b.org', organisationId: 'o' },
    });
    expect(answer.json()).toMatchObject({ data: { status: 'pending' } });
  });
});
