/** Attestr activities: thin, typed wrappers over `AttestrClient`. */
import { Context } from '@temporalio/activity';
import type { AttestrClient } from '../vendors/attestr/client';
import type { AttestrActivities } from './types';
import { vendorCall, type VendorCallOptions } from './vendor-call';

export function createAttestrActivities(attestr: AttestrClient, options: VendorCallOptions): AttestrActivities {
  return {
    /**
     * Safe to repeat. Attestr does not document what associating the same item twice does, so we
     * never rely on it: on the first attempt nothing can have happened yet and we associate at
     * once (one call on the common path). On a later attempt the previous outcome is unknown (its
     * response may have been lost to a timeout, a reset or a worker crash after Attestr acted),
     * so we read the profile's items first and report `alreadyAssociated` if the item is there.
     */
    async associateAsyncRequest({ profileId, asyncRequestId }) {
      return vendorCall(options, async (signal) => {
        if (Context.current().info.attempt > 1) {
          const items = await attestr.profileItemIds(profileId, { signal });
          if (items.includes(asyncRequestId)) return { alreadyAssociated: true };
        }
        await attestr.associate(profileId, asyncRequestId, { signal });
        return { alreadyAssociated: false };
      });
    },
  };
}
