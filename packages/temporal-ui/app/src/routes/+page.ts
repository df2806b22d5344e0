// `/` opens the workflow list of the default namespace.
import { redirect } from '@sveltejs/kit';
import { routeForWorkflows } from '@temporalio/ui/utilities/route-for';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { settings } = await parent();
  redirect(302, routeForWorkflows({ namespace: settings.defaultNamespace }));
};
