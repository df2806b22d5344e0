import { FailureType } from '../../src/failure-types';
import { VendorError } from '../../src/vendors/vendor-error';
import { mockVendors, PERCENT_KEY, thrown, verification } from './helpers';

const request = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'organisation_1' };

async function rejected(body: Record<string, unknown>, key = 'check-1') {
  const { percent } = mockVendors(); // net connect disabled: a request that left would fail differently
  const err = await thrown(() => percent.createAgentVerification(body as never, key));
  expect(err).toBeInstanceOf(VendorError);
  expect((err as VendorError).data.type).toBe(FailureType.BadRequest);
  expect((err as VendorError).data.retryable).toBe(false);
  return (err as VendorError).message;
}

describe('Percent client', () => {
  it('creates with the raw key and the Idempotency-Key, and reads the envelope', async () => {
    const { pool, percent } = mockVendors();
    let seen: Record<string, string> = {};
    pool.intercept({ path: '/v1/agent-verifications', method: 'POST' }).reply(200, (opts) => {
      seen = opts.headers as Record<string, string>;
      expect(JSON.parse(String(opts.body))).toEqual(request);
      return JSON.stringify({ data: verification() });
    });
    const created = await percent.createAgentVerification(request, 'check-42');
    expect(created).toMatchObject({ id: 'agv_1', status: 'pending_review', externalActionRequired: false });
    expect(seen['authorization']).toBe(PERCENT_KEY);
    expect(seen['idempotency-key']).toBe('check-42');
    expect(seen['content-type']).toBe('application/json');
  });

  it('checks requests before they leave, naming fields and not values', async () => {
    const long = 'x'.repeat(256);
    expect(await rejected({ ...request, firstName: long })).toMatch(/firstName: at most 255/);
    expect(await rejected({ ...request, email: 'not-an-email' })).toMatch(/email: expected an e-mail/);
    expect(await rejected({ ...request, email: `${'a'.repeat(250)}@example.org` })).toMatch(/email/);
    expect(await rejected({ ...request, language: 'english please' })).toMatch(/language: expected an RFC 5646/);
    expect(await rejected({ ...request, title: long })).toMatch(/title/);
    expect(await rejected({ ...request, organisationWebsite: 'not a url' })).toMatch(/organisationWebsite/);
    expect(await rejected({ ...request, validationRequestId: 'vr_1' })).toMatch(/exactly one of organisationId/);
    const { organisationId: _, ...neither } = request;
    expect(await rejected(neither)).toMatch(/exactly one of organisationId/);
    expect(await rejected({ ...request, nickname: 'Ada' })).toMatch(/nickname|Unrecognized/);
    expect(await rejected(request, '')).toMatch(/expected 1-255 printable/);
    expect(await rejected({ ...request, email: 'secret-person@@example' })).not.toContain('secret-person');
  });

  it('accepts a validationRequestId instead of an organisationId, a null website and a language tag', async () => {
    const { pool, percent } = mockVendors();
    pool.intercept({ path: '/v1/agent-verifications', method: 'POST' }).reply(200, { data: verification() });
    const { organisationId: _, ...rest } = request;
    await expect(
      percent.createAgentVerification(
        { ...rest, validationRequestId: 'vr_1', organisationWebsite: null, language: 'es-419' },
        'k',
      ),
    ).resolves.toMatchObject({ id: 'agv_1' });
  });

  it('parses unknown statuses, unknown rejection codes and extra fields', async () => {
    const { pool, percent } = mockVendors();
    pool.intercept({ path: '/v1/agent-verifications/agv_1', method: 'GET' }).reply(200, {
      data: verification({ status: 'on_hold_for_audit', rejectionReasonCode: 'sanctions_hit', riskScore: 7 }),
      meta: { served: 'new' },
    });
    const got = await percent.getAgentVerification('agv_1');
    expect(got.status).toBe('on_hold_for_audit');
    expect(got.rejectionReasonCode).toBe('sanctions_hit');
  });

  it('treats a missing externalActionRequired as false', async () => {
    const { pool, percent } = mockVendors();
    const { externalActionRequired: _, ...bare } = verification();
    pool.intercept({ path: '/v1/agent-verifications/agv_1', method: 'GET' }).reply(200, { data: bare });
    expect((await percent.getAgentVerification('agv_1')).externalActionRequired).toBe(false);
  });

  it('fails a garbled success body retryably and a wrong-shaped one for good', async () => {
    const { pool, percent } = mockVendors();
    pool.intercept({ path: '/v1/agent-verifications/agv_1', method: 'GET' }).reply(200, '{"data": {"id": "agv_');
    const garbled = (await thrown(() => percent.getAgentVerification('agv_1'))) as VendorError;
    expect(garbled.data).toMatchObject({ type: FailureType.VendorContractBroken, retryable: true });
    pool.intercept({ path: '/v1/agent-verifications/agv_1', method: 'GET' }).reply(200, { data: { id: 'agv_1' } });
    const shape = (await thrown(() => percent.getAgentVerification('agv_1'))) as VendorError;
    expect(shape.data).toMatchObject({ type: FailureType.VendorContractBroken, retryable: false });
    expect(shape.message).toMatch(/data\.status/);
  });

  it('lists every page by following the cursor, with the filter on every page', async () => {
    const { pool, percent } = mockVendors();
    const paths: string[] = [];
    const page = (ids: string[], next: string | null) => ({
      data: ids.map((id) => verification({ id })),
      object: 'list',
      totalResults: 5,
      pageSize: 2,
      _links: { current: 'x', next, prev: null },
    });
    const pages = [
      page(['a', 'b'], 'https://api.goodstack.io/v1/agent-verifications?cursor=c1&pageSize=2'),
      page(['c', 'd'], '/v1/agent-verifications?pageSize=2&cursor=c2'),
      page(['e'], null),
    ];
    pool
      .intercept({ path: (p) => p.startsWith('/v1/agent-verifications?'), method: 'GET' })
      .reply(200, (opts) => {
        paths.push(opts.path);
        return JSON.stringify(pages[paths.length - 1]);
      })
      .times(3);
    const ids: string[] = [];
    for await (const v of percent.listAgentVerifications({ status: 'approved', pageSize: 2 })) ids.push(v.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(paths.map((p) => new URL(p, 'http://x').searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
    for (const p of paths) expect(new URL(p, 'http://x').searchParams.get('status')).toBe('approved');
  });

  it('refuses a page size above 100 before calling', async () => {
    const { percent } = mockVendors();
    const err = await thrown(async () => {
      for await (const _ of percent.listAgentVerifications({ pageSize: 101 })) break;
    });
    expect((err as VendorError).data.type).toBe(FailureType.BadRequest);
  });
});
