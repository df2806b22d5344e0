/** Histories of the test workflow `greetAgent`, as a server records them for each version of its code. */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { HistoryBuilder } from './history-builder';

export const AGENT = { firstName: 'Ada', email: 'ada.lovelace@example.org' };

/** Encodes payloads as the worker would: converter, then codec (if any). */
export type Encode = (payloads: Payload[]) => Promise<Payload[]>;
const clear: Encode = async (p) => p;

async function payload(value: unknown, encode: Encode): Promise<Payload> {
  return (await encode([defaultPayloadConverter.toPayload(value)]))[0];
}

/** A run of greet-v1: lookup (activity 1), then a one-hour timer, then the result. */
export async function v1History(encode: Encode = clear) {
  return new HistoryBuilder('greetAgent', [await payload(AGENT, encode)])
    .workflowTask()
    .activity('1', 'lookUpAgent', [await payload(AGENT.email, encode)], await payload('agent-1', encode))
    .workflowTask()
    .timer('1', 3600)
    .workflowTask()
    .completed(await payload(`${AGENT.firstName}:agent-1`, encode))
    .toJSON();
}

/** A run of greet-patched started after the patch: marker, timer first, then the lookup. */
export async function patchedHistory(encode: Encode = clear) {
  return new HistoryBuilder('greetAgent', [await payload(AGENT, encode)])
    .workflowTask()
    .patchMarker('wait-before-lookup')
    .timer('1', 3600)
    .workflowTask()
    .activity('1', 'lookUpAgent', [await payload(AGENT.email, encode)], await payload('agent-1', encode))
    .workflowTask()
    .completed(await payload(`${AGENT.firstName}:agent-1`, encode))
    .toJSON();
}
