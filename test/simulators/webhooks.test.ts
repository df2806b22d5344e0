import { createHmac } from 'node:crypto';
import {
  startVendorSimulators,
  type AgentVerification,
  type PercentWebhookEvent,
  type VendorSimulators,
} from '../../src/simulators';
import { percent, validAgent } from './client';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from './webhook-receiver';

const secret = 'whsec_test_simulator';
const expectedSignature = (rawBody: string) => createHmac('sha256', secret).update(rawBody).digest('hex');
const eventOf = (delivery: Delivery) => JSON.parse(delivery.rawBody) as PercentWebhookEvent;

describe('Percent simulator: webhooks', () => {
  let receiver: WebhookReceiver;
  let sim: VendorSimulators;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const createVerification = async () => {
    const created = await percent(sim).create({ ...validAgent, title: 'Treasurer' }, `key-${Math.random()}`);
    return (created.json() as { data: AgentVerification }).data;
  };

  it('sends a status change signed with Goodstack-Signature (HMAC-SHA256 of the raw body)', async () => {
    sim = await startVendorSimulators({ webhook: { url: receiver.url, secret } });
    const verification = await createVerification();
    await sim.percent.setStatus(verification.id, 'rejected', { rejectionReasonCode: 'no_online_presence' });

    const [delivery] = await receiver.waitFor(1);
    expect(delivery.headers['goodstack-signature']).toBe(expectedSignature(delivery.rawBody));
    expect(delivery.headers['content-type']).toBe('application/json');
    const event = eventOf(delivery);
    expect(event).toMatchObject({
      object: 'event',
      data: {
        eventType: 'agent_verification.rejected',
        eventData: {
          id: verification.id,
          email: validAgent.email,
          organisationId: validAgent.organisationId,
          title: 'Treasurer',
          rejectionReasonCode: 'no_online_presence',
          status: 'rejected',
          createdAt: verification.createdAt,
        },
      },
    });
    expect(event.data.id).toMatch(/^event_/);
    expect(sim.percent.webhooksSent()).toBe(1);

    // The status is visible through the API as well.
    const read = await percent(sim).get(verification.id);
    expect((read.json() as { data: AgentVerification }).data).toMatchObject({
      status: 'rejected',
      rejectionReasonCode: 'no_online_presence',
    });
  });

  it('a signature made with another secret does not match', async () => {
    sim = await startVendorSimulators({ webhook: { url: receiver.url, secret: 'another-secret' } });
    await sim.percent.setStatus((await createVerification()).id, 'pending_review');
    const [delivery] = await receiver.waitFor(1);
    expect(delivery.headers['goodstack-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(delivery.headers['goodstack-signature']).not.toBe(expectedSignature(delivery.rawBody));
  });

  it('gives every event a unique data.id, and redelivers one unchanged', async () => {
    sim = await startVendorSimulators({ webhook: { url: receiver.url, secret } });
    const { id } = await createVerification();
    await sim.percent.setStatus(id, 'pending_review');
    await sim.percent.setStatus(id, 'approved');
    const events = sim.percent.webhookEvents();
    expect(events.map((e) => e.data.eventType)).toEqual([
      'agent_verification.pending_review',
      'agent_verification.approved',
    ]);
    expect(new Set(events.map((e) => e.data.id)).size).toBe(2);

    expect(await sim.percent.redeliverWebhook(events[0].data.id)).toBe(200);
    const deliveries = await receiver.waitFor(3);
    expect(deliveries[2].rawBody).toBe(deliveries[0].rawBody);
    expect(sim.percent.webhooksSent()).toBe(3);
  });

  it('does not send when told not to', async () => {
    sim = await startVendorSimulators({ webhook: { url: receiver.url, secret } });
    await sim.percent.setStatus((await createVerification()).id, 'approved', { sendWebhook: false });
    expect(sim.percent.webhooksSent()).toBe(0);
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('advances verifications on a schedule and sends each step', async () => {
    sim = await startVendorSimulators({
      webhook: { url: receiver.url, secret },
      autoAdvance: {
        toPendingReviewAfterMs: 5,
        decideAfterMs: 5,
        decision: 'rejected',
        rejectionReasonCode: 'fake_email_used',
      },
    });
    const { id } = await createVerification();
    const deliveries = await receiver.waitFor(2);
    expect(deliveries.map((d) => eventOf(d).data.eventType)).toEqual([
      'agent_verification.pending_review',
      'agent_verification.rejected',
    ]);
    expect(eventOf(deliveries[1]).data.eventData).toMatchObject({ id, rejectionReasonCode: 'fake_email_used' });
    expect(sim.percent.verifications()[0]).toMatchObject({
      status: 'rejected',
      rejectionReasonCode: 'fake_email_used',
    });
  });

  it('decides straight from creation when there is no review step', async () => {
    sim = await startVendorSimulators({ webhook: { url: receiver.url, secret }, autoAdvance: { decideAfterMs: 1 } });
    const { id } = await createVerification();
    const [delivery] = await receiver.waitFor(1);
    expect(eventOf(delivery).data).toMatchObject({
      eventType: 'agent_verification.approved',
      eventData: { id, rejectionReasonCode: null },
    });
  });

  it('counts a failed delivery and resolves setStatus anyway', async () => {
    receiver.answer = 500;
    sim = await startVendorSimulators({ webhook: { url: receiver.url, secret } });
    await sim.percent.setStatus((await createVerification()).id, 'approved');
    expect(sim.percent.webhooksSent()).toBe(1);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('refuses setStatus on an unknown verification', async () => {
    sim = await startVendorSimulators();
    await expect(sim.percent.setStatus('agentverification_missing', 'approved')).rejects.toThrow(
      /unknown agent verification/,
    );
  });
});
