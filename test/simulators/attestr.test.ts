import { startVendorSimulators, type VendorSimulators } from '../../src/simulators';
import { attestr } from './client';

type AttestrErrorBody = { code: number; message: string; details?: string };
type ProfileBody = {
  _id: string;
  number: string;
  archived: boolean;
  items: { _id: string; asyncRequest: string; type: string }[];
};

describe('Attestr simulator: factx profiles', () => {
  let sim: VendorSimulators;
  let api: ReturnType<typeof attestr>;

  beforeEach(async () => {
    sim = await startVendorSimulators();
    api = attestr(sim);
  });
  afterEach(() => sim.close());

  it('associates an async request with a profile: 200, no body, one item', async () => {
    const profileId = sim.attestr.addProfile();
    const asyncRequest = sim.attestr.addAsyncRequest('education');
    const answer = await api.associate(profileId, asyncRequest);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(sim.attestr.profileItems(profileId)).toEqual([asyncRequest]);
    expect(sim.requestCount('attestr.associate')).toBe(1);
  });

  it('associating the same request again answers 200 and keeps one item', async () => {
    const profileId = sim.attestr.addProfile();
    const asyncRequest = sim.attestr.addAsyncRequest('work');
    expect((await api.associate(profileId, asyncRequest)).status).toBe(200);
    expect((await api.associate(profileId, asyncRequest)).status).toBe(200);
    expect(sim.attestr.profileItems(profileId)).toEqual([asyncRequest]);
  });

  it.each([
    ['an unknown profile', () => ({ profileId: 'PR-unknown', asyncRequest: 'x' }), 40018],
    [
      'an unknown async request',
      (s: VendorSimulators) => ({ profileId: s.attestr.addProfile(), asyncRequest: 'AR-unknown' }),
      4003,
    ],
    [
      'a non-associable async request',
      (s: VendorSimulators) => ({ profileId: s.attestr.addProfile(), asyncRequest: s.attestr.addAsyncRequest('kyc') }),
      40039,
    ],
    [
      'an archived profile',
      (s: VendorSimulators) => {
        const profileId = s.attestr.addProfile();
        s.attestr.archiveProfile(profileId);
        return { profileId, asyncRequest: s.attestr.addAsyncRequest() };
      },
      40038,
    ],
  ])('refuses %s with 400 and its code', async (_what, arrange, code) => {
    const { profileId, asyncRequest } = arrange(sim);
    const answer = await api.associate(profileId, asyncRequest);
    expect(answer.status).toBe(400);
    expect((answer.json() as AttestrErrorBody).code).toBe(code);
  });

  it('names the type in the 40039 message', async () => {
    const answer = await api.associate(sim.attestr.addProfile(), sim.attestr.addAsyncRequest('kyc'));
    expect((answer.json() as AttestrErrorBody).message).toBe(
      'Async request type kyc can not be associated to the background check profile',
    );
  });

  it('refuses a missing asyncRequest with 400/4001', async () => {
    const answer = await api.associate(sim.attestr.addProfile(), undefined);
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({
      code: 4001,
      message: 'Malformed data or missing required parameter values',
      details: 'asyncRequest is required',
    });
  });

  it('refuses bad authorization with 401/4016', async () => {
    const profileId = sim.attestr.addProfile();
    for (const authorization of ['Basic wrong', sim.attestrAuthToken, `Bearer ${sim.attestrAuthToken}`]) {
      const answer = await api.associate(profileId, sim.attestr.addAsyncRequest(), { authorization });
      expect(answer.status).toBe(401);
      expect((answer.json() as AttestrErrorBody).code).toBe(4016);
    }
    expect(sim.attestr.profileItems(profileId)).toEqual([]);
  });

  it('serves every configured API version and no other', async () => {
    const profileId = sim.attestr.addProfile();
    for (const version of ['v1', 'v2', 'v3']) {
      expect((await attestr(sim, version).getProfile(profileId)).status).toBe(200);
    }
    expect((await attestr(sim, 'v9').getProfile(profileId)).status).toBe(404);
  });

  it('creates a profile, lists its items, archives it for good', async () => {
    const created = await api.createProfile({ tag: 'agent-1', name: 'Ada Lovelace', email: 'ada@example.org' });
    expect(created.status).toBe(200);
    const { _id: profileId, number } = created.json() as { _id: string; number: string };
    expect(typeof number).toBe('string');

    const asyncAnswer = await api.createAsyncRequest('education', { name: 'Ada' });
    expect(asyncAnswer.status).toBe(200);
    const { _id: asyncRequest } = asyncAnswer.json() as { _id: string };
    expect((await api.associate(profileId, asyncRequest)).status).toBe(200);

    const profile = (await api.getProfile(profileId)).json() as ProfileBody;
    expect(profile).toMatchObject({ _id: profileId, archived: false });
    expect(profile.items).toEqual([expect.objectContaining({ _id: asyncRequest, asyncRequest, type: 'education' })]);

    expect((await api.archive(profileId)).status).toBe(200);
    const again = await api.archive(profileId);
    expect((again.json() as AttestrErrorBody).code).toBe(40038);
    const archived = (await api.getProfile(profileId)).json() as ProfileBody;
    expect(archived).toMatchObject({ archived: true, items: [] });
  });

  it('refuses a profile without tag or name with 4001 naming the field', async () => {
    const answer = await api.createProfile({ name: 'No tag' });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ code: 4001, details: 'tag is required' });
  });

  it('answers 40018 for an unknown profile on get and archive', async () => {
    expect((await api.getProfile('PR-missing')).json()).toMatchObject({ code: 40018 });
    expect((await api.archive('PR-missing')).json()).toMatchObject({ code: 40018 });
  });

  it('creates async requests for education, work and document only', async () => {
    for (const type of ['education', 'work', 'document']) {
      expect((await api.createAsyncRequest(type)).status).toBe(200);
    }
    expect((await api.createAsyncRequest('kyc')).status).toBe(404);
    expect(sim.requestCount('attestr.createAsyncRequest')).toBe(3);
  });
});

describe('Attestr simulator: auto-create options', () => {
  it('creates unknown profiles and async requests on associate when asked', async () => {
    const sim = await startVendorSimulators({ autoCreateProfiles: true, autoCreateAsyncRequests: true });
    try {
      expect((await attestr(sim).associate('PR-bench-1', 'AR-bench-1')).status).toBe(200);
      expect(sim.attestr.profileItems('PR-bench-1')).toEqual(['AR-bench-1']);
    } finally {
      await sim.close();
    }
  });
});
