/**
 * The dev stack for the UI tests: embedded Temporal, simulators, workers and ingress (as
 * `npm run dev`), and helpers to start checks through the ingress and wait for their stages.
 */
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { postJson, startDev, type DevOptions, type DevStack } from '../../dev/dev-stack';
import { FINAL_STAGES, statusQuery, type Stage } from '../../src/workflows/definitions';

export const CODEC_KEYS = `ui-test:${Buffer.alloc(32, 9).toString('base64')}`;

export function startStack(options: Partial<DevOptions> = {}): Promise<DevStack> {
  const output: string[] = [];
  return startDev({
    demo: false,
    out: { write: (text: string) => output.push(text) },
    env: {
      PATH: process.env.PATH,
      INGRESS_PORT: '0',
      LOG_LEVEL: 'error',
      PAYLOAD_CODEC_KEYS: CODEC_KEYS,
      // Not the project's .dev/secrets.env: parallel test files each run a stack.
      DEV_SECRETS_FILE: path.join(
        os.tmpdir(),
        `ui-test-secrets-${process.pid}-${Math.random().toString(36).slice(2)}.env`,
      ),
    },
    ...options,
  });
}

/** Starts a check through the ingress, as an onboarding system would; returns its workflow id. */
export async function startCheck(
  stack: DevStack,
  firstName = 'Ada',
): Promise<{ workflowId: string; profileId: string }> {
  const profileId = stack.simulators.attestr.addProfile();
  const res = await postJson(`${stack.ingressUrl}/onboarding-events`, stack.ingressToken, {
    eventId: `ui-test-${profileId}`,
    profileId,
    agent: { firstName, lastName: 'Lovelace', email: 'ada@example.org', organisationId: 'org_ui_test' },
  });
  if (res.status !== 202) throw new Error(`ingress answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { workflowId: String(res.body.workflowId), profileId };
}

/** Sends the check its Attestr async request id through the ingress. */
export async function sendAsyncRequest(stack: DevStack, profileId: string): Promise<void> {
  const asyncRequestId = stack.simulators.attestr.addAsyncRequest('education');
  const res = await postJson(`${stack.ingressUrl}/profiles/${profileId}/async-request`, stack.ingressToken, {
    asyncRequestId,
  });
  if (res.status !== 202) throw new Error(`ingress answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/**
 * Resolves when the check's `status` query reports `stage`. Between queries it waits for the
 * next history event (a long poll), so it reacts to what the check does, not to a clock.
 */
export async function waitForStage(stack: DevStack, handle: WorkflowHandle, stage: Stage): Promise<void> {
  const { workflowService } = stack.client.connection;
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const status = await handle.query(statusQuery);
    if (status.stage === stage) return;
    if (status.stages.some((s) => FINAL_STAGES.includes(s.stage)))
      throw new Error(`the check ended in ${status.stage} before reaching ${stage}`);
    const page = await workflowService.getWorkflowExecutionHistory({
      namespace: stack.namespace,
      execution: { workflowId: handle.workflowId },
      waitNewEvent: true,
      ...(nextPageToken && { nextPageToken }),
    });
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : nextPageToken;
  }
}
