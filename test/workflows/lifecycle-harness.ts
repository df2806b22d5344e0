/**
 * What the lifecycle tests share: one time-skipping Temporal (the embedded service) and one pair
 * of vendor simulators per test file; the run's one workflow bundle (`appWorkflowBundle`); real
 * activities over HTTP; workers built by the production factory; and the Percent webhook relayed
 * as the ingress does it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivitiesFromEnv, type Activities } from '../../src/activities';
import { parsePercentWebhook, verifyPercentSignature } from '../../src/ingress/percent-webhook';
import { workflowIdForProfile, type OnboardingEvent } from '../../src/onboarding-event';
import { startVendorSimulators, type SimulatorOptions, type VendorSimulators } from '../../src/simulators';
import { Secret } from '../../src/secret';
import {
  createWorkers,
  type BackgroundCheckWorkers,
  type CreateWorkersOptions,
  type WorkersConfig,
} from '../../src/worker';
import type { backgroundCheck } from '../../src/workflows/background-check';
import {
  statusQuery,
  verificationStatusChangedSignal,
  WORKFLOW_TYPE,
  type CheckStatus,
  type Stage,
  type VerificationStatusChanged,
} from '../../src/workflows/definitions';
import { createTimeSkippingEnv } from '../helpers/temporal-env';
import { testWorkersConfig } from '../helpers/workers-config';
import { appWorkflowBundle } from '../helpers/workflow-bundle';
import { Worker } from '@temporalio/worker';

export type CheckHandle = WorkflowHandle<typeof backgroundCheck>;
export type StartedCheck = WorkflowHandleWithFirstExecutionRunId<typeof backgroundCheck>;

export interface Lifecycle {
  env: TestWorkflowEnvironment;
  sim: VendorSimulators;
  /** Task queues of this file (one set per file, so files never steal each other's tasks). */
  config: WorkersConfig;
  /** Real activities against the simulators. */
  activities(): { activities: Activities; close(): Promise<void> };
  /** Starts the three workers; `stop()` shuts them down and waits for them. */
  startWorkers(options?: {
    activities?: Activities;
    shutdownGraceTime?: Duration;
    continueAsNewAfterEvents?: number;
    maxCachedWorkflows?: number;
    tracing?: CreateWorkersOptions['tracing'];
  }): Promise<RunningWorkers>;
  /** An onboarding event for a new profile (created at the simulated Attestr). */
  newEvent(overrides?: Partial<OnboardingEvent>): OnboardingEvent;
  /** Starts a check the way the ingress does: an ID that is running returns the running check. */
  start(event: OnboardingEvent): Promise<StartedCheck>;
  /** Queries `status` until `accept` holds, advancing (virtual) time a second between tries. */
  waitForStatus(handle: CheckHandle, accept: (status: CheckStatus) => boolean, what: string): Promise<CheckStatus>;
  /** `waitForStatus` until the check is at `stage`. */
  waitForStage(handle: CheckHandle, stage: Stage): Promise<CheckStatus>;
  /**
   * Once the check awaits the decision: sets its verification's status at the simulated Percent
   * and relays the webhook that sends. Returns the verification id.
   */
  decide(handle: CheckHandle, status: 'approved' | 'rejected', rejectionReasonCode?: string): Promise<string>;
  /** Relays a received Percent webhook (signature checked, mapped as the ingress does) to the check. */
  relayWebhook(handle: CheckHandle, eventId: string): Promise<void>;
  /** Id of the latest webhook received for a verification. */
  latestEventId(agentVerificationId: string): string;
  /**
   * Replays the history of every check this harness started against the current workflow code
   * (the SDK's replayer, as before a deploy); returns the ones that failed, with the reason.
   */
  replayStartedChecks(): Promise<{ replayed: number; failures: { workflowId: string; error: string }[] }>;
  tearDown(): Promise<void>;
}

export interface RunningWorkers {
  workers: BackgroundCheckWorkers;
  stop(): Promise<void>;
}

const WEBHOOK_SECRET = new Secret('whsec_lifecycle_tests');

/**
 * Receives the simulator's Percent webhooks, checks their signature as the ingress does and
 * keeps them; the tests decide which to relay to a check, when, and how often.
 */
async function startWebhookReceiver() {
  const received = new Map<string, VerificationStatusChanged>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['goodstack-signature'];
      if (!verifyPercentSignature(raw, typeof signature === 'string' ? signature : undefined, WEBHOOK_SECRET)) {
        res.writeHead(401).end();
        return;
      }
      const parsed = parsePercentWebhook(JSON.parse(raw.toString('utf8')));
      if (parsed.kind === 'agent_verification') received.set(parsed.change.eventId, parsed.change);
      res.writeHead(parsed.kind === 'invalid' ? 400 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/percent`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function setUpLifecycle(name: string, simOptions: SimulatorOptions = {}): Promise<Lifecycle> {
  const webhooks = await startWebhookReceiver();
  const [env, sim, workflowBundle] = await Promise.all([
    createTimeSkippingEnv(),
    startVendorSimulators({ webhook: { url: webhooks.url, secret: WEBHOOK_SECRET.reveal() }, ...simOptions }),
    appWorkflowBundle(),
  ]);
  const config = testWorkersConfig(name, env.namespace ?? 'default');
  let profiles = 0;
  const started = new Map<string, StartedCheck>();
  // Concurrent waiters share one sleep: the test server's time-skipping lock is a counter that
  // concurrent sleeps (or result() calls) can drive below zero.
  let sleeping: Promise<void> | undefined;
  const tick = () =>
    (sleeping ??= env.sleep('1 second').finally(() => {
      sleeping = undefined;
    }));

  const activities = () =>
    createActivitiesFromEnv({
      PERCENT_BASE_URL: sim.url,
      PERCENT_API_KEY: sim.percentApiKey,
      ATTESTR_BASE_URL: sim.url,
      ATTESTR_AUTH_TOKEN: sim.attestrAuthToken,
    });

  const lifecycle: Lifecycle = {
    env,
    sim,
    config,
    activities,

    async startWorkers(options = {}) {
      const own = options.activities ? undefined : activities();
      const workers = await createWorkers({
        connection: env.nativeConnection,
        config,
        activities: options.activities ?? own?.activities,
        workflowBundle,
        shutdownGraceTime: options.shutdownGraceTime ?? '1 second',
        continueAsNewAfterEvents: options.continueAsNewAfterEvents,
        maxCachedWorkflows: options.maxCachedWorkflows,
        tracing: options.tracing,
      });
      const running = workers.run();
      return {
        workers,
        stop: async () => {
          workers.shutdown();
          await running;
          await own?.close();
        },
      };
    },

    newEvent(overrides = {}) {
      profiles += 1;
      const profileId = sim.attestr.addProfile(`${name}-profile-${profiles}`);
      return {
        eventId: `${name}-event-${profiles}`,
        profileId,
        agent: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: `ada.${profiles}@example.org`,
          organisationId: `org-${profiles}`,
          language: 'en-GB',
        },
        asyncRequestId: sim.attestr.addAsyncRequest('education'),
        ...overrides,
      };
    },

    async start(event) {
      const handle = await env.client.workflow.start<typeof backgroundCheck>(WORKFLOW_TYPE, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: workflowIdForProfile(event.profileId),
        args: [event],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      started.set(`${handle.workflowId}/${handle.firstExecutionRunId}`, handle);
      return handle;
    },

    async replayStartedChecks() {
      const histories = (async function* () {
        for (const handle of started.values()) {
          const history = await env.client.workflow
            .getHandle(handle.workflowId, handle.firstExecutionRunId)
            .fetchHistory();
          yield { workflowId: handle.workflowId, history };
        }
      })();
      const failures: { workflowId: string; error: string }[] = [];
      let replayed = 0;
      for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: name }, histories)) {
        replayed += 1;
        if (result.error) failures.push({ workflowId: result.workflowId, error: String(result.error) });
      }
      return { replayed, failures };
    },

    async waitForStatus(handle, accept, what) {
      let last: CheckStatus | undefined;
      for (let tries = 0; tries < 300; tries++) {
        last = await handle.query(statusQuery);
        if (accept(last)) return last;
        await tick();
      }
      throw new Error(`${handle.workflowId} never reached ${what}; last status: ${JSON.stringify(last)}`);
    },

    waitForStage(handle, stage) {
      return lifecycle.waitForStatus(handle, (s) => s.stage === stage, stage);
    },

    async decide(handle, status, rejectionReasonCode) {
      const { agentVerificationId } = await lifecycle.waitForStage(handle, 'awaiting_decision');
      const id = agentVerificationId as string;
      await sim.percent.setStatus(id, status, rejectionReasonCode ? { rejectionReasonCode } : {});
      await lifecycle.relayWebhook(handle, lifecycle.latestEventId(id));
      return id;
    },

    async relayWebhook(handle, eventId) {
      const change = webhooks.received.get(eventId);
      if (change === undefined) throw new Error(`no webhook event ${eventId} received`);
      await handle.signal(verificationStatusChangedSignal, change);
    },

    latestEventId(agentVerificationId) {
      const events = [...webhooks.received.values()].filter((e) => e.agentVerificationId === agentVerificationId);
      const latest = events.at(-1);
      if (latest === undefined) throw new Error(`no webhook event received for ${agentVerificationId}`);
      return latest.eventId;
    },

    async tearDown() {
      await Promise.allSettled([env.teardown(), sim.close(), webhooks.close()]);
    },
  };
  return lifecycle;
}
