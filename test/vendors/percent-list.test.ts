/** Cursor pagination against the simulator over real HTTP. */
import { Secret } from '../../src/secret';
import { startVendorSimulators, type VendorSimulators } from '../../src/simulators';
import { PercentClient } from '../../src/vendors/percent/client';

let sims: VendorSimulators;
let percent: PercentClient;

beforeAll(async () => {
  sims = await startVendorSimulators();
  percent = new PercentClient(
    {
      vendor: 'percent',
      baseUrl: sims.percentBaseUrl,
      connectTimeoutMs: 2_000,
      headersTimeoutMs: 5_000,
      bodyTimeoutMs: 5_000,
    },
    new Secret(sims.percentApiKey),
  );
});
afterAll(async () => {
  await sims.close();
  await percent.close();
});

const collect = async (iterable: AsyncIterable<{ id: string }>) => {
  const ids: string[] = [];
  for await (const v of iterable) ids.push(v.id);
  return ids;
};

describe('Percent list', () => {
  it('walks every page in order, keeping the filter', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await percent.createAgentVerification(
        { firstName: `Agent${i}`, lastName: 'Test', email: `agent${i}@example.org`, organisationId: 'organisation_1' },
        `list-check-${i}`,
      );
      created.push(v.id);
    }
    await sims.percent.setStatus(created[1], 'approved', { sendWebhook: false });
    await sims.percent.setStatus(created[3], 'approved', { sendWebhook: false });

    const before = sims.requestCount('percent.listAgentVerifications');
    expect(await collect(percent.listAgentVerifications({ direction: 'ASC', pageSize: 2 }))).toEqual(created);
    expect(sims.requestCount('percent.listAgentVerifications') - before).toBe(3);

    expect(
      await collect(percent.listAgentVerifications({ direction: 'DESC', pageSize: 1, status: 'approved' })),
    ).toEqual([created[3], created[1]]);
  });

  it('stops early without fetching further pages when the caller breaks', async () => {
    const before = sims.requestCount('percent.listAgentVerifications');
    for await (const _ of percent.listAgentVerifications({ pageSize: 1 })) break;
    expect(sims.requestCount('percent.listAgentVerifications') - before).toBe(1);
  });
});
