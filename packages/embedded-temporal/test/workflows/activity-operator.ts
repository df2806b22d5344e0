import { proxyActivities } from '@temporalio/workflow';
import type * as operatorActivities from '../operator-activities';

const options = {
  startToCloseTimeout: '10s',
  heartbeatTimeout: '1s',
  retry: { initialInterval: '100ms', maximumAttempts: 5 },
} as const;

export async function operatorTarget(action: operatorActivities.OperatorAction): Promise<unknown> {
  return proxyActivities<typeof operatorActivities>(options).interruptMe(action);
}

export async function resetTarget(): Promise<number[]> {
  return proxyActivities<typeof operatorActivities>(options).resetOnThirdAttempt();
}
