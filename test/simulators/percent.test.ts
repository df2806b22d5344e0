import { startVendorSimulators, type AgentVerification, type VendorSimulators } from '../../src/simulators';
import { percent, validAgent } from './client';

type Envelope = { data: AgentVerification };
type ErrorBody = { error: { code: string; title: string; message: string; reasons?: string[] } };

// Each test gets fresh simulators: verifications and idempotency keys never leak between tests.
let sim: VendorSimulators;
let api: ReturnType<typeof percent>;

beforeEach(async () => {
  sim = await startVendorSimulators();
  api = percent(sim);
});
afterEach(() => sim.close());

describe('Percent simulator: agent verifications', () => {
  it('creates a verification and reads it back', async () => {
    const created = await api.create({ ...validAgent, title: 'Director', language: 'en-GB' }, 'key-1');
    expect(created.status).toBe(200);
    const { data } = created.json() as Envelope;
    expect(data).toMatchObject({
      firstName: 'Ada',
      email: 'ada@example.org',
      organisationId: 'organisation_123',
      organisation: { id: 'organisation_123' },
      language: 'en-GB',
      validationRequestId: null,
      status: 'pending_user_verification',
      rejectionReasonCode: null,
      externalActionRequired: false,
      object: 'agent_verification',
    });
    expect(Number.isNaN(Date.parse(data.createdAt))).toBe(false);

    const read = await api.get(data.id);
    expect(read.status).toBe(200);
    expect((read.json() as Envelope).data).toEqual(data);
    expect(sim.requestCount('percent.createAgentVerification')).toBe(1);
    expect(sim.requestCount('percent.getAgentVerification')).toBe(1);
  });

  it('accepts validationRequestId in place of organisationId', async () => {
    const { organisationId: _omit, ...rest } = validAgent;
    const created = await api.create({ ...rest, validationRequestId: 'validation_request_9' });
    expect(created.status).toBe(200);
    expect((created.json() as Envelope).data).toMatchObject({
      organisationId: null,
      validationRequestId: 'validation_request_9',
    });
  });

  it('answers 404 not_found for an unknown id', async () => {
    const read = await api.get('agentverification_missing');
    expect(read.status).toBe(404);
    expect((read.json() as ErrorBody).error.code).toBe('not_found');
  });

  it('refuses a wrong or missing key with 401 and an empty text/plain body', async () => {
    for (const headers of [{ authorization: 'pk_live_publishable' }, {} as Record<string, string>]) {
      const created = await api.create(validAgent, 'k', headers);
      expect(created.status).toBe(401);
      expect(created.text).toBe('');
      expect(created.headers['content-type']).toBe('text/plain');
    }
    expect((await api.get('x', { authorization: 'Bearer sk_test_simulator' })).status).toBe(401);
    expect(sim.percent.verifications()).toHaveLength(0);
  });

  it.each([
    [{ ...validAgent, firstName: undefined }, 'firstName is required'],
    [{ ...validAgent, email: 'not-an-email' }, 'email must be an email address'],
    [{ ...validAgent, lastName: 'x'.repeat(256) }, 'lastName must be at most 255 characters'],
    [{ ...validAgent, language: 'english please' }, 'language must be an RFC 5646 language code'],
    [{ ...validAgent, validationRequestId: 'v1' }, 'exactly one of organisationId and validationRequestId is required'],
    [{ ...validAgent, organisationWebsite: 'y'.repeat(256) }, 'organisationWebsite must be at most 255 characters'],
  ])('refuses an invalid body with 400 naming the field (%#)', async (body, reason) => {
    const created = await api.create(body);
    expect(created.status).toBe(400);
    const { error } = created.json() as ErrorBody;
    expect(error.code).toBe('validation_error');
    expect(error.reasons).toContain(reason);
  });

  it('refuses a body that is not JSON', async () => {
    const created = await api.create('{"firstName":');
    expect(created.status).toBe(400);
    expect((created.json() as ErrorBody).error.reasons).toEqual(['body must be a JSON object']);
  });
});

describe('Percent simulator: idempotency', () => {
  it('same key and same body (any key order) gives the same verification, created once', async () => {
    const first = await api.create(validAgent, 'check-42');
    const reordered = Object.fromEntries(Object.entries(validAgent).reverse());
    const second = await api.create(reordered, 'check-42');
    expect(second.status).toBe(200);
    expect((second.json() as Envelope).data.id).toBe((first.json() as Envelope).data.id);
    expect(sim.percent.verifications()).toHaveLength(1);
    expect(sim.requestCount('percent.createAgentVerification')).toBe(2);
  });

  it('same key with different data answers 400 idempotency/same_key_different_data', async () => {
    await api.create(validAgent, 'check-43');
    const second = await api.create({ ...validAgent, lastName: 'Byron' }, 'check-43');
    expect(second.status).toBe(400);
    expect((second.json() as ErrorBody).error.code).toBe('idempotency/same_key_different_data');
    expect(sim.percent.verifications()).toHaveLength(1);
  });

  it('a concurrent call with a key in flight answers 400 idempotency/original_call_in_progress', async () => {
    sim.injectFault('percent.createAgentVerification', { kind: 'hang' }, { times: 1 });
    const original = api.create(validAgent, 'check-44');
    await sim.waitForRequests('percent.createAgentVerification', 1);
    const concurrent = await api.create(validAgent, 'check-44');
    expect(concurrent.status).toBe(400);
    expect((concurrent.json() as ErrorBody).error.code).toBe('idempotency/original_call_in_progress');
    await sim.close();
    await expect(original).rejects.toThrow();
  });

  it('a hung call whose client gave up leaves the key free for the retry', async () => {
    sim.injectFault('percent.createAgentVerification', { kind: 'hang' }, { times: 1 });
    const controller = new AbortController();
    const abandoned = fetch(`${sim.url}/v1/agent-verifications`, {
      method: 'POST',
      headers: { authorization: sim.percentApiKey, 'idempotency-key': 'check-47', 'content-type': 'application/json' },
      body: JSON.stringify(validAgent),
      signal: controller.signal,
    });
    await sim.waitForRequests('percent.createAgentVerification', 1);
    controller.abort();
    await expect(abandoned).rejects.toThrow();
    // The simulator notices the closed socket on its own schedule; wait for it, not for time.
    await sim.waitForSettled('percent.createAgentVerification');
    const retry = await api.create(validAgent, 'check-47');
    expect(retry.status).toBe(200);
    expect(sim.percent.verifications()).toHaveLength(1);
  });

  it('a failed call leaves the key free, so a retry creates the verification', async () => {
    sim.injectFault('percent.createAgentVerification', { kind: 'status', status: 503 }, { times: 1 });
    expect((await api.create(validAgent, 'check-45')).status).toBe(503);
    expect(sim.percent.verifications()).toHaveLength(0);
    expect((await api.create(validAgent, 'check-45')).status).toBe(200);
    expect(sim.percent.verifications()).toHaveLength(1);
  });

  it('a lost response (dropped after processing) replays the first result on retry', async () => {
    sim.injectFault('percent.createAgentVerification', { kind: 'dropConnection', afterProcessing: true }, { times: 1 });
    await expect(api.create(validAgent, 'check-46')).rejects.toThrow();
    expect(sim.percent.verifications()).toHaveLength(1);
    const retry = await api.create(validAgent, 'check-46');
    expect(retry.status).toBe(200);
    expect((retry.json() as Envelope).data.id).toBe(sim.percent.verifications()[0].id);
    expect(sim.percent.verifications()).toHaveLength(1);
  });

  it('without a key every call creates a verification', async () => {
    await api.create(validAgent);
    await api.create(validAgent);
    expect(sim.percent.verifications()).toHaveLength(2);
  });
});
