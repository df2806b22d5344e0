/** The test workflow as first deployed: look the agent up, wait an hour, greet. */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { GreetActivities, GreetInput } from './greet-types';

const { lookUpAgent } = proxyActivities<GreetActivities>({ startToCloseTimeout: '1 minute' });

export async function greetAgent(input: GreetInput): Promise<string> {
  const agentId = await lookUpAgent(input.email);
  await sleep('1 hour');
  return `${input.firstName}:${agentId}`;
}
