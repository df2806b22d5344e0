/**
 * The ingress against a real Temporal service (the embedded one, dev-server mode) with a
 * stand-in workflow: starts, duplicates, restarts after close, and signals reaching the
 * right check.
 */
import { Client, WorkflowContinuedAsNewError, type WorkflowExecutionInfo } from '@temporalio/client';
import { decodeUserMetadata } from '@temporalio/common/lib/internal-non-workflow';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { createDataConverter } from '../../src/codec';
import { createLocalEnv } from '../helpers/temporal-env';
import { searchAttributes } from '../../src/workflows/definitions';
import { continueAsNewSignal, finishSignal, recordedQuery, verificationIdFor, type Received } from './fixture-workflow';
import { onboardingEvent, percentEvent, startTestIngress } from './helpers';

// Keep test output readable: the SDK would log every worker state change.
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
});

const TASK_QUEUE = 'ingress-test';

describe('ingress on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let client: Client;
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;

  beforeAll(async () => {
    env = await createLocalEnv();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixture-workflow'),
      logger: new DefaultLogger('WARN'),
    });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowBundle });
    running = worker.run();
    client = env.client;
    ingress = await startTestIngress({ client, config: { TEMPORAL_TASK_QUEUE: TASK_QUEUE } });
  });

  afterAll(async () => {
    await ingress?.close();
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const resultOf = (workflowId: string) => client.workflow.getHandle(workflowId).result() as Promise<Received>;

  it('starts a check, returns the running one for a duplicate event, and starts anew after it closed', async () => {
    const first = await ingress.post('/onboarding-events', onboardingEvent({ eventId: 'e1', profileId: 'dup' }));
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ workflowId: 'bgcheck-dup', runId: expect.any(String), started: true });

    const duplicate = await ingress.post('/onboarding-events', onboardingEvent({ eventId: 'e2', profileId: 'dup' }));
    expect(duplicate.status).toBe(202);
    expect(duplicate.body).toEqual({ ...first.body, started: false });

    await client.workflow.getHandle('bgcheck-dup').signal(finishSignal);
    const closed = await resultOf('bgcheck-dup');
    expect(closed).toMatchObject({ eventId: 'e1', runId: first.body.runId });

    const again = await ingress.post('/onboarding-events', onboardingEvent({ eventId: 'e3', profileId: 'dup' }));
    expect(again.status).toBe(202);
    expect(again.body.started).toBe(true);
    expect(again.body.runId).not.toBe(first.body.runId);
    await client.workflow.getHandle('bgcheck-dup').signal(finishSignal);
    expect(await resultOf('bgcheck-dup')).toMatchObject({ eventId: 'e3' });
  });

  it('delivers the async request id to the profile check, and 404s without a running check', async () => {
    await ingress.post('/onboarding-events', onboardingEvent({ profileId: 'async' }));
    const sent = await ingress.post('/profiles/async/async-request', { asyncRequestId: 'AR-1' });
    expect(sent.status).toBe(202);
    await client.workflow.getHandle('bgcheck-async').signal(finishSignal);
    expect((await resultOf('bgcheck-async')).asyncRequests).toEqual([{ asyncRequestId: 'AR-1' }]);

    const closed = await ingress.post('/profiles/async/async-request', { asyncRequestId: 'AR-2' });
    expect(closed.status).toBe(404);
    const never = await ingress.post('/profiles/never-started/async-request', { asyncRequestId: 'AR-3' });
    expect(never.status).toBe(404);
  });

  it('maps a Percent webhook to verificationStatusChanged on the check that owns the verification', async () => {
    await ingress.post('/onboarding-events', onboardingEvent({ profileId: 'hook-a' }));
    await ingress.post('/onboarding-events', onboardingEvent({ profileId: 'hook-b' }));
    // The webhook can beat the check's record of its verification id (the ingress then answers
    // 404 and Percent resends); here the test waits for the record, as a resend would.
    await client.workflow.getHandle('bgcheck-hook-b').query(recordedQuery);

    const event = percentEvent({
      id: 'event_b1',
      eventType: 'agent_verification.rejected',
      createdAt: '2026-05-06T07:08:09.000Z',
      eventData: { id: verificationIdFor('hook-b'), status: 'rejected', rejectionReasonCode: 'fake_email_used' },
    });
    const res = await ingress.postWebhook(event);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, applied: true, workflowId: 'bgcheck-hook-b' });
    expect((await resultOf('bgcheck-hook-b')).statuses).toEqual([
      {
        eventId: 'event_b1',
        agentVerificationId: verificationIdFor('hook-b'),
        status: 'rejected',
        rejectionReasonCode: 'fake_email_used',
        occurredAt: '2026-05-06T07:08:09.000Z',
      },
    ]);

    // The other check got nothing; a late webhook for the closed check is acknowledged, not applied.
    await client.workflow.getHandle('bgcheck-hook-a').signal(finishSignal);
    expect((await resultOf('bgcheck-hook-a')).statuses).toEqual([]);
    const late = await ingress.postWebhook({ ...event, data: { ...event.data, id: 'event_b2' } });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ applied: false, reason: 'check closed' });
  });

  it('signals the current run of a check that continued as new after the ingress found it', async () => {
    await ingress.post('/onboarding-events', onboardingEvent({ profileId: 'hook-can' }));
    const first = client.workflow.getHandle('bgcheck-hook-can');
    await first.query(recordedQuery);
    const firstRunId = (await first.describe()).runId;

    // What the ingress's search sees if it runs just before the check continues as new.
    const query = `${searchAttributes.agentVerificationId.name} = '${verificationIdFor('hook-can')}'`;
    const beforeContinue: WorkflowExecutionInfo[] = [];
    for await (const info of client.workflow.list({ query })) beforeContinue.push(info);
    expect(beforeContinue.map((info) => info.runId)).toEqual([firstRunId]);

    await first.signal(continueAsNewSignal);
    const firstRun = client.workflow.getHandle('bgcheck-hook-can', firstRunId, { followRuns: false });
    await expect(firstRun.result()).rejects.toBeInstanceOf(WorkflowContinuedAsNewError);

    const list = jest.spyOn(client.workflow, 'list').mockImplementationOnce(() => {
      async function* stale() {
        yield* beforeContinue;
      }
      return stale() as unknown as ReturnType<Client['workflow']['list']>;
    });
    try {
      const event = percentEvent({ id: 'event_can1', eventData: { id: verificationIdFor('hook-can') } });
      const res = await ingress.postWebhook(event);
      expect(list).toHaveBeenCalledTimes(1);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, applied: true, workflowId: 'bgcheck-hook-can' });
    } finally {
      list.mockRestore();
    }
    const result = await resultOf('bgcheck-hook-can');
    expect(result.runId).not.toBe(firstRunId);
    expect(result.statuses.map((s) => s.eventId)).toEqual(['event_can1']);
  });

  it('gives the Temporal UI a summary and details with ids only, through the data converter', async () => {
    const keys = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    const encrypting = new Client({
      connection: env.connection,
      dataConverter: createDataConverter({ PAYLOAD_CODEC_KEYS: keys }),
    });
    // Called through: the request is only looked at.
    const spy = jest.spyOn(encrypting.workflowService, 'startWorkflowExecution');
    const sealed = await startTestIngress({ client: encrypting, config: { TEMPORAL_TASK_QUEUE: 'nobody-polls' } });
    try {
      const event = onboardingEvent({ eventId: 'evt-summary', profileId: 'summary' });
      expect((await sealed.post('/onboarding-events', event)).status).toBe(202);
      expect(spy).toHaveBeenCalledTimes(1);
      const [[{ userMetadata }]] = spy.mock.calls;
      // Encrypted like the input: the UI reads it through the codec server.
      expect(Buffer.from(userMetadata!.summary!.metadata!.encoding!).toString()).toBe('binary/encrypted');
      const decoded = await decodeUserMetadata(encrypting.options.loadedDataConverter, userMetadata, {
        type: 'workflow',
        namespace: encrypting.options.namespace,
        workflowId: 'bgcheck-summary',
      });
      expect(decoded).toEqual({
        staticSummary: 'Background check, profile summary',
        staticDetails: 'Onboarding event evt-summary, organisation org_1',
      });
      const shown = `${decoded.staticSummary} ${decoded.staticDetails}`;
      for (const personal of [event.agent.firstName, event.agent.lastName, event.agent.email]) {
        expect(shown).not.toContain(personal);
      }
    } finally {
      spy.mockRestore();
      await sealed.close();
      await client.workflow.getHandle('bgcheck-summary').terminate('test done');
    }
  });

  it('encrypts the onboarding event with the payload codec when keys are configured', async () => {
    const keys = `k1:${Buffer.alloc(32, 9).toString('base64')}`;
    const encrypting = new Client({
      connection: env.connection,
      dataConverter: createDataConverter({ PAYLOAD_CODEC_KEYS: keys }),
    });
    // No worker polls this queue: only what the ingress wrote is looked at.
    const sealed = await startTestIngress({ client: encrypting, config: { TEMPORAL_TASK_QUEUE: 'nobody-polls' } });
    try {
      const res = await sealed.post('/onboarding-events', onboardingEvent({ profileId: 'sealed' }));
      expect(res.status).toBe(202);
      const history = await client.workflow.getHandle('bgcheck-sealed').fetchHistory();
      const [input] = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
      expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(input.data!).toString('latin1')).not.toContain('ada@example.org');
      const [plain] = await createDataConverter({ PAYLOAD_CODEC_KEYS: keys }).payloadCodecs![0].decode([input]);
      expect(JSON.parse(Buffer.from(plain.data!).toString())).toEqual(onboardingEvent({ profileId: 'sealed' }));
    } finally {
      await sealed.close();
      await client.workflow.getHandle('bgcheck-sealed').terminate('test done');
    }
  });

  it('answers 404 to a webhook for a verification no check has', async () => {
    const res = await ingress.postWebhook(percentEvent({ eventData: { id: 'agentVerification_nobody' } }));
    expect(res.status).toBe(404);
  });
});
