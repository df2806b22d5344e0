/** A deliberately non-deterministic change: the wait moved before the lookup, without `patched()`. */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { GreetActivities, GreetInput } from './greet-types';

const { lookUpAgent } = proxyActivities<GreetActivities>({ startToCloseTimeout: '1 minute' });

export async function greetAgent(input: GreetInput): Promise<string> {
  await sleep('1 hour');
  const agentId = await lookUpAgent(input.email);
  return `${input.firstName}:${agentId}`;
}
