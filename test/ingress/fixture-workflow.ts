/**
 * A stand-in `backgroundCheck` for the ingress tests: it records the verification id the
 * real workflow would (search attribute `AgentVerificationId`), collects the signals the
 * ingress sends, and completes with them once a final status arrives.
 */
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnboardingEvent } from '../../src/onboarding-event';
import {
  asyncRequestReadySignal,
  searchAttributes,
  verificationStatusChangedSignal,
  type AsyncRequestReady,
  type VerificationStatusChanged,
} from '../../src/workflows/definitions';

export const finishSignal = defineSignal('finish');
/** Continues the check as new (as the real one does in a long decision wait), carrying what it received. */
export const continueAsNewSignal = defineSignal('continueAsNew');
/** Answered once the first workflow task (with the search attribute upsert) has completed. */
export const recordedQuery = defineQuery<boolean>('recorded');

export interface Received {
  eventId: string;
  runId: string;
  asyncRequests: AsyncRequestReady[];
  statuses: VerificationStatusChanged[];
}

export const verificationIdFor = (profileId: string): string => `agentVerification_${profileId}`;

export async function backgroundCheck(event: OnboardingEvent, carried?: Received): Promise<Received> {
  const received: Received = {
    eventId: event.eventId,
    runId: workflowInfo().runId,
    asyncRequests: carried?.asyncRequests ?? [],
    statuses: carried?.statuses ?? [],
  };
  let finished = false;
  let continueRequested = false;
  setHandler(asyncRequestReadySignal, (signal) => void received.asyncRequests.push(signal));
  setHandler(verificationStatusChangedSignal, (signal) => void received.statuses.push(signal));
  setHandler(finishSignal, () => void (finished = true));
  setHandler(continueAsNewSignal, () => void (continueRequested = true));
  setHandler(recordedQuery, () => true);
  upsertSearchAttributes([{ key: searchAttributes.agentVerificationId, value: verificationIdFor(event.profileId) }]);
  const decided = () => received.statuses.some((s) => s.status === 'approved' || s.status === 'rejected');
  await condition(() => finished || continueRequested || decided());
  if (continueRequested && !finished && !decided()) {
    return continueAsNew<typeof backgroundCheck>(event, received);
  }
  return received;
}
