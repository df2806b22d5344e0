/**
 * Vendor simulators: one local HTTP server playing Percent (Goodstack) agent verifications and
 * Attestr factx profiles by their contracts, with fault injection and request counters.
 */
import { baseUrl } from '../http';
import { AttestrSimulator } from './attestr';
import { FaultInjector } from './faults';
import { SimulatorLifecycle } from './lifecycle';
import { PercentSimulator } from './percent';
import { RouteStats } from './route-stats';
import { createSimulatorServer } from './server';
import type { SimulatorOptions, VendorSimulators } from './types';
import { WebhookSender } from './webhooks';

export * from './types';
export { signWebhookBody } from './webhooks';

export const defaultPercentApiKey = 'sk_test_simulator';
export const defaultAttestrAuthToken = 'attestr-simulator-token';

export async function startVendorSimulators(options: SimulatorOptions = {}): Promise<VendorSimulators> {
  const host = options.host ?? '127.0.0.1';
  const percentApiKey = options.percentApiKey ?? defaultPercentApiKey;
  const attestrAuthToken = options.attestrAuthToken ?? defaultAttestrAuthToken;
  let url = '';

  const lifecycle = new SimulatorLifecycle();
  const faults = new FaultInjector(options.seed ?? 1);
  const stats = new RouteStats();
  const webhooks = new WebhookSender(options.webhook);
  const percent = new PercentSimulator({
    apiKey: percentApiKey,
    initialStatus: options.percentInitialStatus ?? 'pending_user_verification',
    autoAdvance: options.autoAdvance,
    webhooks,
    timers: lifecycle,
    baseUrl: () => url,
  });
  const attestr = new AttestrSimulator({
    authToken: attestrAuthToken,
    autoCreateProfiles: options.autoCreateProfiles ?? false,
    autoCreateAsyncRequests: options.autoCreateAsyncRequests ?? false,
  });
  const server = createSimulatorServer({
    percent,
    attestr,
    faults,
    stats,
    lifecycle,
    attestrVersions: new Set(options.attestrVersions ?? ['v1', 'v2', 'v3']),
  });

  await server.listen({ port: options.port ?? 0, host });
  url = baseUrl(server);

  let closing: Promise<void> | undefined;
  return {
    url,
    percentBaseUrl: url,
    attestrBaseUrl: url,
    percentApiKey,
    attestrAuthToken,
    injectFault: (route, fault, faultOptions) => faults.inject(route, fault, faultOptions),
    clearFaults: (route) => faults.clear(route),
    requestCount: (route) => stats.count(route),
    waitForRequests: (route, count) => stats.waitForRequests(route, count),
    waitForSettled: (route) => stats.waitForSettled(route),
    resetCounts: () => stats.resetCounts(),
    percent: {
      verifications: () => percent.verifications(),
      setStatus: (id, status, extra) => percent.setStatus(id, status, extra),
      webhooksSent: () => webhooks.sent(),
      webhookEvents: () => webhooks.events(),
      redeliverWebhook: (eventId) => webhooks.redeliver(eventId),
    },
    attestr: {
      addProfile: (profileId) => attestr.addProfile(profileId),
      archiveProfile: (profileId) => attestr.archiveProfile(profileId),
      addAsyncRequest: (type) => attestr.addAsyncRequest(type),
      profileItems: (profileId) => attestr.profileItems(profileId),
    },
    close: () => {
      closing ??= (async () => {
        // Hung requests and pending latencies end first; the server then drops every connection.
        lifecycle.close();
        await Promise.all([server.close(), webhooks.close()]);
      })();
      return closing;
    },
  };
}
