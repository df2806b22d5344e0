/**
 * The lifecycle scenarios golden histories are recorded from: each runs one background check
 * to its end on a time-skipping Temporal (the embedded service) with the production workers
 * and the real activities against the vendor simulators.
 *
 * Used by `scripts/record-golden-histories.ts` (writes test/fixtures/histories/) and by the
 * tests that record fresh histories of changed workflow code. Personal data here is synthetic.
 */
import { QueryNotRegisteredError, ServiceError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TimeSkippingWorkflowClient } from '@temporalio/testing';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { createActivitiesFromEnv } from '../../../src/activities';
import { workflowIdForProfile, type OnboardingEvent } from '../../../src/onboarding-event';
import { startVendorSimulators, type VendorSimulators } from '../../../src/simulators';
import { createWorkers, type BackgroundCheckWorkers } from '../../../src/worker';
import type { History } from '../../../src/replay/history-file';
import {
  asyncRequestReadySignal,
  resumeSignal,
  statusQuery,
  verificationStatusChangedSignal,
  WORKFLOW_TYPE,
  type CheckResult,
  type CheckStatus,
  type Stage,
} from '../../../src/workflows/definitions';
import { testWorkersConfig } from '../../helpers/workers-config';

/** Synthetic and distinctive, so a test can search stored histories for any trace of it. */
export const SYNTHETIC_AGENT = { firstName: 'Wilhelmina', lastName: 'Quarrington', email: 'w.quarrington@example.org' };

export interface Recorder {
  env: TestWorkflowEnvironment;
  sim: VendorSimulators;
  client: TimeSkippingWorkflowClient;
  /** The converter the workers and the client use (payload codec included). */
  dataConverter?: DataConverter;
  /** A fresh onboarding event for a new simulated profile. */
  newEvent(name: string, overrides?: Partial<OnboardingEvent>): OnboardingEvent;
  start(event: OnboardingEvent): Promise<WorkflowHandle>;
  waitForStage(handle: WorkflowHandle, stage: Stage): Promise<CheckStatus>;
  /** Sets the verification's status at the simulated Percent and signals it as the webhook would. */
  decide(handle: WorkflowHandle, status: 'approved' | 'rejected', rejectionReasonCode?: string): Promise<void>;
}

/**
 * The query reached a workflow before its first task registered the handler. A cluster (and the
 * embedded service) answer INVALID_ARGUMENT, which the client turns into QueryNotRegisteredError;
 * Temporal's time-skipping test server answers INTERNAL with the worker's message instead.
 */
function handlerNotRegisteredYet(error: unknown): boolean {
  if (error instanceof QueryNotRegisteredError) return true;
  const cause = error instanceof ServiceError ? error.cause : undefined;
  return /did not register a handler for status/.test(cause?.message ?? '');
}

export interface Scenario {
  /** File name of its golden history (without `.json`). */
  name: string;
  /** What the history shows. */
  description: string;
  /** How the check ends; recording fails if it ends otherwise. */
  ends: 'approved' | 'rejected' | 'expired' | 'failed' | 'cancelled';
  /** Drives one check until nothing more is needed for its end; returns its handle. */
  run(r: Recorder): Promise<WorkflowHandle>;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'approved-by-webhook',
    description: 'async request id in the event; approved by the Percent webhook',
    ends: 'approved',
    async run(r) {
      const handle = await r.start(r.newEvent('approved-by-webhook'));
      await r.decide(handle, 'approved');
      return handle;
    },
  },
  {
    name: 'async-request-by-signal',
    description: 'async request id sent later by signal; approved by the webhook',
    ends: 'approved',
    async run(r) {
      const handle = await r.start(r.newEvent('async-request-by-signal', { asyncRequestId: undefined }));
      await r.waitForStage(handle, 'awaiting_async_request');
      await handle.signal(asyncRequestReadySignal, { asyncRequestId: r.sim.attestr.addAsyncRequest('work') });
      await r.decide(handle, 'approved');
      return handle;
    },
  },
  {
    name: 'rejected',
    description: 'rejected by the webhook with a reason code',
    ends: 'rejected',
    async run(r) {
      const handle = await r.start(r.newEvent('rejected'));
      await r.decide(handle, 'rejected', 'invalid_documentation');
      return handle;
    },
  },
  {
    name: 'approved-by-polling',
    description: 'the webhook is lost; the poll finds the approval',
    ends: 'approved',
    async run(r) {
      const handle = await r.start(r.newEvent('approved-by-polling', { options: { pollInterval: '1 hour' } }));
      const { agentVerificationId } = await r.waitForStage(handle, 'awaiting_decision');
      await r.sim.percent.setStatus(agentVerificationId as string, 'approved');
      return handle;
    },
  },
  {
    name: 'expired-without-async-request',
    description: 'no async request id arrives before asyncRequestTimeout',
    ends: 'expired',
    async run(r) {
      const event = r.newEvent('expired-without-async-request', {
        asyncRequestId: undefined,
        options: { asyncRequestTimeout: '1 day' },
      });
      const handle = await r.start(event);
      return handle;
    },
  },
  {
    name: 'expired-without-decision',
    description: 'no decision before decisionTimeout, polling all along',
    ends: 'expired',
    async run(r) {
      const event = r.newEvent('expired-without-decision', {
        options: { decisionTimeout: '2 days', pollInterval: '12 hours' },
      });
      const handle = await r.start(event);
      return handle;
    },
  },
  {
    name: 'blocked-then-resumed',
    description: 'low Attestr credits block the association; `resume` retries it at once',
    ends: 'approved',
    async run(r) {
      r.sim.injectFault('attestr.associate', { kind: 'lowCredits' }, { times: 1 });
      const handle = await r.start(r.newEvent('blocked-then-resumed'));
      await r.waitForStage(handle, 'blocked');
      await handle.signal(resumeSignal, {});
      await r.decide(handle, 'approved');
      return handle;
    },
  },
  {
    name: 'failed-archived-profile',
    description: 'the Attestr profile is archived: the check fails with its typed failure',
    ends: 'failed',
    async run(r) {
      const event = r.newEvent('failed-archived-profile');
      r.sim.attestr.archiveProfile(event.profileId);
      const handle = await r.start(event);
      return handle;
    },
  },
  {
    name: 'cancelled',
    description: 'cancelled while waiting for the decision',
    ends: 'cancelled',
    async run(r) {
      const handle = await r.start(r.newEvent('cancelled'));
      await r.waitForStage(handle, 'awaiting_decision');
      await handle.cancel();
      return handle;
    },
  },
];

export interface RecordingSetup {
  recorder: Recorder;
  /** Stops workers, simulators and the vendor pools (not the environment, which the caller owns). */
  stop(): Promise<void>;
}

/** Starts simulators and the production workers on `env`, with a task queue set of its own. */
export async function startRecording(
  env: TestWorkflowEnvironment,
  options: { name: string; workflowBundle: WorkflowBundleOption; dataConverter?: DataConverter },
): Promise<RecordingSetup> {
  const sim = await startVendorSimulators();
  const vendors = createActivitiesFromEnv({
    PERCENT_BASE_URL: sim.url,
    PERCENT_API_KEY: sim.percentApiKey,
    ATTESTR_BASE_URL: sim.url,
    ATTESTR_AUTH_TOKEN: sim.attestrAuthToken,
  });
  const namespace = env.namespace ?? 'default';
  const config = testWorkersConfig(options.name, namespace);
  let workers: BackgroundCheckWorkers | undefined;
  let running: Promise<void> | undefined;
  try {
    workers = await createWorkers({
      connection: env.nativeConnection,
      config,
      activities: vendors.activities,
      workflowBundle: options.workflowBundle,
      dataConverter: options.dataConverter,
      shutdownGraceTime: '1 second',
    });
    running = workers.run();
  } catch (error) {
    await Promise.allSettled([sim.close(), vendors.close()]);
    throw error;
  }

  const client = new TimeSkippingWorkflowClient({
    connection: env.connection,
    namespace,
    dataConverter: options.dataConverter,
  });
  let count = 0;
  let webhookEvents = 0;

  const recorder: Recorder = {
    env,
    sim,
    client,
    dataConverter: options.dataConverter,
    newEvent(name, overrides = {}) {
      count += 1;
      const profileId = sim.attestr.addProfile(`golden-${name}-${count}`);
      return {
        eventId: `golden-event-${name}-${count}`,
        profileId,
        agent: {
          ...SYNTHETIC_AGENT,
          email: `w.quarrington.${count}@example.org`,
          organisationId: `org-golden-${count}`,
          language: 'en-GB',
        },
        asyncRequestId: sim.attestr.addAsyncRequest('education'),
        ...overrides,
      };
    },
    start(event) {
      return client.start(WORKFLOW_TYPE, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: workflowIdForProfile(event.profileId),
        args: [event],
      });
    },
    async waitForStage(handle, stage) {
      let last: CheckStatus | undefined;
      for (let tries = 0; tries < 300; tries++) {
        // A workflow that has not run its first task yet has no query handlers: try again.
        const status = await handle.query(statusQuery).catch((error: unknown) => {
          if (handlerNotRegisteredYet(error)) return undefined;
          throw error;
        });
        if (status?.stage === stage) return status;
        last = status ?? last;
        // Virtual time on the time-skipping service: lets timers and retries move on.
        await env.sleep('1 second');
      }
      throw new Error(`${handle.workflowId} never reached ${stage}; last status: ${JSON.stringify(last)}`);
    },
    async decide(handle, status, rejectionReasonCode) {
      const { agentVerificationId } = await recorder.waitForStage(handle, 'awaiting_decision');
      const id = agentVerificationId as string;
      await sim.percent.setStatus(id, status, rejectionReasonCode ? { rejectionReasonCode } : {});
      webhookEvents += 1;
      await handle.signal(verificationStatusChangedSignal, {
        eventId: `golden-webhook-${webhookEvents}`,
        agentVerificationId: id,
        status,
        rejectionReasonCode: rejectionReasonCode ?? null,
      });
    },
  };

  return {
    recorder,
    async stop() {
      workers?.shutdown();
      await running;
      await Promise.allSettled([sim.close(), vendors.close()]);
    },
  };
}

/** Runs a scenario and returns its history as Temporal stores it, once it ended as expected. */
export async function recordScenario(recorder: Recorder, scenario: Scenario): Promise<History> {
  const handle = await scenario.run(recorder);
  // Waits for the end whatever it is: a failed or cancelled check is checked below.
  await handle.result().catch(() => undefined);
  const history = (await recorder.client.getHandle(handle.workflowId).fetchHistory()) as History;
  const ended = await endOf(history, recorder.dataConverter);
  if (ended !== scenario.ends) {
    throw new Error(`scenario ${scenario.name} should end ${scenario.ends}, but ${handle.workflowId} ended ${ended}`);
  }
  return history;
}

async function endOf(history: History, dataConverter?: DataConverter): Promise<string> {
  const last = history.events?.at(-1);
  if (last?.workflowExecutionFailedEventAttributes) return 'failed';
  if (last?.workflowExecutionCanceledEventAttributes) return 'cancelled';
  const stored = last?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  if (!stored) return `with event ${String(last?.eventType)}`;
  let result: Payload = stored;
  // Codecs decode in the reverse order of encoding.
  for (const codec of [...(dataConverter?.payloadCodecs ?? [])].reverse()) [result] = await codec.decode([result]);
  return (defaultPayloadConverter.fromPayload(result) as CheckResult).outcome;
}
