import { FailureType } from '../../src/failure-types';
import { VendorError } from '../../src/vendors/vendor-error';
import { ATTESTR_TOKEN, mockVendors, thrown } from './helpers';

describe('Attestr client', () => {
  it('associates with the Basic token and the asyncRequest body', async () => {
    const { pool, attestr } = mockVendors();
    let auth: string | undefined;
    pool.intercept({ path: '/api/v1/public/factx/PR1/associate', method: 'PUT' }).reply(200, (opts) => {
      auth = (opts.headers as Record<string, string>)['authorization'];
      expect(JSON.parse(String(opts.body))).toEqual({ asyncRequest: 'AR0ZoLeBdqvmr-nmy1' });
      return '';
    });
    await attestr.associate('PR1', 'AR0ZoLeBdqvmr-nmy1');
    expect(auth).toBe(`Basic ${ATTESTR_TOKEN}`);
  });

  it('reads item ids from items of any plausible shape and ignores extra fields', async () => {
    const { pool, attestr } = mockVendors();
    pool.intercept({ path: '/api/v1/public/factx/PR1', method: 'GET' }).reply(200, {
      _id: 'PR1',
      number: 'P-1',
      brandNew: true,
      items: ['AR1', { _id: 'AR2', status: 'in_progress' }, { asyncRequest: 'AR3' }, { asyncRequest: { _id: 'AR4' } }],
    });
    expect(await attestr.profileItemIds('PR1')).toEqual(['AR1', 'AR2', 'AR3', 'AR4']);
  });

  it('refuses ids that would change the URL path, before calling', async () => {
    const { attestr } = mockVendors();
    for (const [profile, item] of [
      ['../admin', 'AR1'],
      ['PR1', 'AR1/../../x'],
      ['', 'AR1'],
    ]) {
      const err = (await thrown(() => attestr.associate(profile, item))) as VendorError;
      expect(err.data.type).toBe(FailureType.BadRequest);
    }
  });
});
