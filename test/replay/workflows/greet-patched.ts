/** The same change made safely: new runs wait first, runs started by v1 keep v1's order. */
import { patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { GreetActivities, GreetInput } from './greet-types';

const { lookUpAgent } = proxyActivities<GreetActivities>({ startToCloseTimeout: '1 minute' });

export async function greetAgent(input: GreetInput): Promise<string> {
  if (patched('wait-before-lookup')) {
    await sleep('1 hour');
    const agentId = await lookUpAgent(input.email);
    return `${input.firstName}:${agentId}`;
  }
  const agentId = await lookUpAgent(input.email);
  await sleep('1 hour');
  return `${input.firstName}:${agentId}`;
}
