import { redirect } from '@sveltejs/kit';
import { routeForWorkflows } from '@temporalio/ui/utilities/route-for';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => redirect(302, routeForWorkflows({ namespace: params.namespace }));
