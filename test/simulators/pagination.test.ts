import { startVendorSimulators, type AgentVerification, type VendorSimulators } from '../../src/simulators';
import { percent, validAgent } from './client';

interface Page {
  data: AgentVerification[];
  object: string;
  totalResults: number;
  pageSize: number;
  _links: { current: string; next: string | null; prev: string | null };
}

describe('Percent simulator: list with cursor pagination', () => {
  let sim: VendorSimulators;
  let api: ReturnType<typeof percent>;
  let ids: string[];

  beforeEach(async () => {
    sim = await startVendorSimulators();
    api = percent(sim);
    ids = [];
    for (let i = 0; i < 7; i++) {
      const email = i % 2 === 0 ? `even${i}@example.org` : `odd${i}@example.org`;
      const created = await api.create({ ...validAgent, email });
      ids.push((created.json() as { data: AgentVerification }).data.id);
    }
  });
  afterEach(() => sim.close());

  const list = async (query: string) => {
    const answer = await api.list(query);
    expect(answer.status).toBe(200);
    return answer.json() as Page;
  };
  const follow = async (url: string) => (await api.listUrl(url)).json() as Page;

  it('walks every item once, newest first by default, by following next links', async () => {
    const seen: string[] = [];
    let page = await list('?pageSize=3');
    expect(page).toMatchObject({ object: 'list', totalResults: 7, pageSize: 3 });
    expect(page._links.prev).toBeNull();
    seen.push(...page.data.map((v) => v.id));
    while (page._links.next) {
      page = await follow(page._links.next);
      seen.push(...page.data.map((v) => v.id));
    }
    expect(seen).toEqual([...ids].reverse());
    expect(page.data).toHaveLength(1);
  });

  it('goes back with prev links', async () => {
    const first = await list('?pageSize=3&direction=ASC');
    const second = await follow(first._links.next as string);
    expect(second.data.map((v) => v.id)).toEqual(ids.slice(3, 6));
    const back = await follow(second._links.prev as string);
    expect(back.data.map((v) => v.id)).toEqual(ids.slice(0, 3));
    expect(back._links.prev).toBeNull();
  });

  it('does not repeat items created while paging', async () => {
    const first = await list('?pageSize=4');
    await api.create({ ...validAgent, email: 'late@example.org' });
    const second = await follow(first._links.next as string);
    expect([...first.data, ...second.data].map((v) => v.id)).toEqual([...ids].reverse());
  });

  it('filters by status and email, keeping filters in the links', async () => {
    await sim.percent.setStatus(ids[0], 'approved', { sendWebhook: false });
    await sim.percent.setStatus(ids[2], 'approved', { sendWebhook: false });
    await sim.percent.setStatus(ids[4], 'approved', { sendWebhook: false });
    const page = await list('?status=approved&pageSize=2&direction=asc');
    expect(page.totalResults).toBe(3);
    expect(page.data.map((v) => v.id)).toEqual([ids[0], ids[2]]);
    expect(new URL(page._links.next as string).searchParams.get('status')).toBe('approved');
    const rest = await follow(page._links.next as string);
    expect(rest.data.map((v) => v.id)).toEqual([ids[4]]);

    const byEmail = await list('?email=ODD3@example.org');
    expect(byEmail.data.map((v) => v.id)).toEqual([ids[3]]);
  });

  it('filters by creation date', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list(`?startDate=${future}`)).totalResults).toBe(0);
    expect((await list(`?endDate=${future}`)).totalResults).toBe(7);
  });

  it('uses 25 as the default page size', async () => {
    expect((await list('')).pageSize).toBe(25);
  });

  it.each([
    ['?pageSize=101', 'pageSize must be an integer from 1 to 100'],
    ['?pageSize=0', 'pageSize must be an integer from 1 to 100'],
    ['?direction=sideways', 'direction must be ASC or DESC'],
    ['?cursor=not-a-cursor', 'cursor is not valid'],
    ['?startDate=yesterday', 'startDate must be a date'],
  ])('refuses %s naming the parameter', async (query, reason) => {
    const answer = await api.list(query);
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: { code: 'validation_error', reasons: [reason] } });
  });

  it('requires the key', async () => {
    expect((await api.list('', { authorization: 'nope' })).status).toBe(401);
    expect(sim.requestCount('percent.listAgentVerifications')).toBe(1);
  });
});
