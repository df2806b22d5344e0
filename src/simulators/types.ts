/**
 * Public types of the vendor simulators (the contract in coord/SIMULATOR-API.md, plus a few
 * additions marked as such).
 */

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Expected `Authorization` value on Percent routes; default 'sk_test_simulator'. */
  percentApiKey?: string;
  /** Expected `Authorization: Basic <token>` on Attestr routes; default 'attestr-simulator-token'. */
  attestrAuthToken?: string;
  /** Accepted `{version}` path segments; default ['v1', 'v2', 'v3']. */
  attestrVersions?: string[];
  /** Percent webhooks are POSTed here, signed with `Goodstack-Signature`. */
  webhook?: { url: string; secret: string };
  /** Optional wall-clock schedule (demos, benchmarks); tests use `percent.setStatus`. */
  autoAdvance?: {
    /** From creation to `pending_review`. */
    toPendingReviewAfterMs?: number;
    /** From `pending_review` (or creation, without the step above) to the decision. */
    decideAfterMs?: number;
    /** Default 'approved'. */
    decision?: 'approved' | 'rejected';
    /** Default 'other' when the decision is 'rejected'. */
    rejectionReasonCode?: string;
  };
  /** Associate on an unknown profile creates it instead of answering 40018. */
  autoCreateProfiles?: boolean;
  /** Addition: associate with an unknown asyncRequest creates it (type education) instead of 4003. */
  autoCreateAsyncRequests?: boolean;
  /** Addition: status of a new verification; default 'pending_user_verification'. */
  percentInitialStatus?: string;
  /** Addition: seed of the PRNG that seeds faults injected without `seed`; default 1. */
  seed?: number;
}

export type RouteKey =
  | 'percent.createAgentVerification' // POST /v1/agent-verifications
  | 'percent.getAgentVerification' // GET  /v1/agent-verifications/:id
  | 'percent.listAgentVerifications' // GET  /v1/agent-verifications
  | 'attestr.createProfile' // POST /api/:v/public/factx/
  | 'attestr.getProfile' // GET  /api/:v/public/factx/:profileId
  | 'attestr.archiveProfile' // PUT  /api/:v/public/factx/:profileId/archive
  | 'attestr.associate' // PUT  /api/:v/public/factx/:profileId/associate
  | 'attestr.createAsyncRequest'; // POST /api/:v/public/factx/async/{education|work|document}

export const routeKeys: readonly RouteKey[] = [
  'percent.createAgentVerification',
  'percent.getAgentVerification',
  'percent.listAgentVerifications',
  'attestr.createProfile',
  'attestr.getProfile',
  'attestr.archiveProfile',
  'attestr.associate',
  'attestr.createAsyncRequest',
];

/**
 * Addition: `afterProcessing` on the terminal faults makes the vendor carry the request out
 * (a verification is created, an item associated) and only then lose or spoil the answer:
 * the "lost response" case that idempotency exists for.
 */
interface AfterProcessing {
  afterProcessing?: boolean;
}

export type Fault =
  | ({
      kind: 'status';
      status: number;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } & AfterProcessing)
  | { kind: 'attestrError'; code: number; retryAfter?: string }
  | { kind: 'percentError'; status: number; code: string; retryAfter?: string }
  | { kind: 'rateLimit'; perSecond: number; retryAfter?: boolean }
  | { kind: 'dailyLimit'; perDay: number }
  | { kind: 'lowCredits' }
  | { kind: 'latency'; ms: number }
  | ({ kind: 'hang' } & AfterProcessing)
  /**
   * Addition: `variant` 'notJson' (default, a truncated JSON text) or 'wrongSchema' (valid JSON,
   * wrong shape). A garbled 200 is a success: the request is carried out unless `afterProcessing: false`.
   */
  | ({ kind: 'malformedBody'; variant?: 'notJson' | 'wrongSchema' } & AfterProcessing)
  | ({ kind: 'dropConnection' } & AfterProcessing);

export interface FaultOptions {
  /** Apply to the next N matching requests only (default: until cleared). */
  times?: number;
  /** 0..1, default 1. */
  probability?: number;
  /** Seed of this fault's PRNG (determinism); default drawn from the simulator's seeded PRNG. */
  seed?: number;
}

export interface AgentVerification {
  id: string;
  firstName: string;
  lastName: string;
  organisationId: string | null;
  organisation: { id: string | null; email: string | null; name: string | null };
  email: string;
  language: string;
  validationRequestId: string | null;
  validationRequest: { name: string | null; title: string | null };
  rejectionReason: string | null;
  rejectionReasonCode: string | null;
  createdAt: string;
  status: string;
  externalActionRequired: boolean;
  object: 'agent_verification';
}

export interface PercentWebhookEvent {
  object: 'event';
  data: {
    id: string;
    eventType: string;
    createdAt: string;
    eventData: {
      id: string;
      firstName: string;
      lastName: string;
      organisationId: string | null;
      email: string;
      language: string;
      validationRequestId: string | null;
      title: string | null;
      rejectionReasonCode: string | null;
      metadata: Record<string, unknown>;
      createdAt: string;
      status: string;
    };
  };
}

export interface SetStatusExtra {
  rejectionReasonCode?: string | null;
  externalActionRequired?: boolean;
  /** Default true (when a webhook URL is configured). */
  sendWebhook?: boolean;
}

export type AsyncRequestType = 'education' | 'work' | 'document' | 'kyc';

export interface VendorSimulators {
  /** http://host:port, serves both vendors. */
  url: string;
  /** = url (paths start with /v1/). */
  percentBaseUrl: string;
  /** = url (paths start with /api/{version}/public/). */
  attestrBaseUrl: string;
  percentApiKey: string;
  attestrAuthToken: string;
  injectFault(route: RouteKey, fault: Fault, options?: FaultOptions): void;
  clearFaults(route?: RouteKey): void;
  /** Every request received on the route, faulted or not. */
  requestCount(route: RouteKey): number;
  /** Addition: resolves once the route has received `count` requests in all (wait on this, not on sleeps). */
  waitForRequests(route: RouteKey, count: number): Promise<void>;
  /** Addition: resolves once no request on the route is being handled (answered, dropped, or hang released). */
  waitForSettled(route: RouteKey): Promise<void>;
  /** Addition: sets every route's counter back to 0. */
  resetCounts(): void;
  percent: {
    /** What was created (one per idempotency key), oldest first. */
    verifications(): AgentVerification[];
    /** Resolves once the webhook (if any) was answered or failed. */
    setStatus(id: string, status: string, extra?: SetStatusExtra): Promise<void>;
    /** Webhook deliveries attempted (redeliveries included). */
    webhooksSent(): number;
    /** Addition: every event emitted to the webhook URL, oldest first (none without a URL). */
    webhookEvents(): PercentWebhookEvent[];
    /** Addition: POSTs an already-sent event again (Percent duplicates happen); resolves to the HTTP status. */
    redeliverWebhook(eventId: string): Promise<number>;
  };
  attestr: {
    addProfile(profileId?: string): string;
    archiveProfile(profileId: string): void;
    /** `kyc` is not associable (40039). */
    addAsyncRequest(type?: AsyncRequestType): string;
    /** Associated asyncRequest ids. */
    profileItems(profileId: string): string[];
  };
  close(): Promise<void>;
}
