/**
 * Starting a check, shared by the ingress and the CLI: workflow id from the profile, the input
 * through the client's data converter, and the summary the Temporal UI shows.
 */
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { encodeToPayloadsWithContext, encodeUserMetadata } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { workflowIdForProfile, type OnboardingEvent } from '../onboarding-event';
import { TRACE_MEMO_KEY, traceMemo } from '../telemetry/check-trace';
import { traceHeader } from '../telemetry/temporal';
import { TRACER_NAME } from '../telemetry/tracing';
import { WORKFLOW_TYPE } from '../workflows/definitions';

const { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, TaskQueueKind } = temporal.api.enums.v1;

export interface StartedCheck {
  workflowId: string;
  runId: string;
  /** False when a check for the profile was already running: that one is returned. */
  started: boolean;
}

/**
 * What the Temporal UI shows for a check (its static summary and details). Ids only: the agent's
 * name and e-mail stay in the (encrypted) input.
 */
export function checkMetadata(event: OnboardingEvent): { staticSummary: string; staticDetails: string } {
  const { organisationId, validationRequestId } = event.agent;
  const organisation = organisationId
    ? `organisation ${organisationId}`
    : `validation request ${validationRequestId ?? '(none)'}`;
  return {
    staticSummary: `Background check, profile ${event.profileId}`,
    staticDetails: `Onboarding event ${event.eventId}, ${organisation}`,
  };
}

/**
 * Starts the check for the event's profile. Duplicates return the running check (conflict policy
 * USE_EXISTING); a closed check may be started again (reuse policy ALLOW_DUPLICATE).
 *
 * The request is made on the workflow service directly because the SDK's `start()` does not
 * say whether the run was started or already running; the input still goes through the
 * client's data converter (and so the payload codec), as do the summary and details the UI shows.
 */
export async function startCheck(client: Client, taskQueue: string, event: OnboardingEvent): Promise<StartedCheck> {
  const workflowId = workflowIdForProfile(event.profileId);
  // Named and shaped as the SDK's client interceptor names its start span, which this call bypasses.
  return trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(
      `StartWorkflow:${WORKFLOW_TYPE}`,
      { kind: SpanKind.CLIENT, attributes: { temporalWorkflowId: workflowId } },
      async (span) => {
        try {
          const started = await requestStart(client, taskQueue, event, workflowId);
          span.setAttributes({ run_id: started.runId, 'bgcheck.started': started.started });
          span.setStatus({ code: SpanStatusCode.OK });
          return started;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}

async function requestStart(
  client: Client,
  taskQueue: string,
  event: OnboardingEvent,
  workflowId: string,
): Promise<StartedCheck> {
  const { namespace, identity, loadedDataConverter } = client.options;
  const context = { type: 'workflow', namespace, workflowId } as const;
  const payloads = await encodeToPayloadsWithContext(loadedDataConverter, context, [event]);
  const { staticSummary, staticDetails } = checkMetadata(event);
  const userMetadata = await encodeUserMetadata(loadedDataConverter, staticSummary, staticDetails, context);
  const trace = traceMemo();
  const response = await client.workflowService.startWorkflowExecution({
    namespace,
    identity,
    requestId: randomUUID(),
    workflowId,
    workflowType: { name: WORKFLOW_TYPE },
    taskQueue: { kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL, name: taskQueue },
    input: { payloads },
    // The workflow's spans join this trace (the SDK's `_tracer-data` header); later deliveries link to it (memo).
    header: { fields: traceHeader() },
    // Ids only, so in clear like the header: any client (without the payload keys) can describe the check.
    ...(trace && { memo: { fields: { [TRACE_MEMO_KEY]: defaultPayloadConverter.toPayload(trace) } } }),
    userMetadata,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
  });
  return { workflowId, runId: response.runId, started: response.started ?? true };
}
