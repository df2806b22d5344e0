/**
 * The background-check lifecycle of one nonprofit agent:
 *
 * 1. create the Percent agent verification (idempotent per check);
 * 2. wait for the Attestr async request id (in the event, or by `asyncRequestReady`) until
 *    `asyncRequestTimeout`, else `expired`;
 * 3. associate it with the agent's Attestr profile;
 * 4. wait for Percent's decision: by `verificationStatusChanged` (the webhook), and because
 *    webhooks get lost, by reading the verification every `pollInterval` until
 *    `decisionTimeout`, else `expired`.
 *
 * A decision that arrives early (say, a rejection while waiting for the async request) ends
 * the check at once. Daily limits and low credits park the check in `blocked` until a long
 * delay passes or `resume` arrives; other permanent vendor errors fail it with their typed
 * failure. Workflow code: deterministic, no I/O; changes to it go through `patched()`.
 */
import * as wf from '@temporalio/workflow';
import type { PercentActivities } from '../activities/types';
import { FailureType } from '../failure-types';
import { parseOnboardingEvent, type FieldProblem, type OnboardingEvent } from '../onboarding-event';
import { recordStage, recordStarted } from './check-metrics';
import { enterStage, startProgress, toCheckStatus, type CheckProgress } from './check-progress';
import { checkTimeouts, describeDuration } from './check-timeouts';
import {
  asyncRequestReadySignal,
  resumeSignal,
  searchAttributes,
  statusQuery,
  verificationStatusChangedSignal,
  type CheckResult,
  type Stage,
} from './definitions';
import { idempotencyKeyFor } from './idempotency-key';
import { parseLegacyOnboardingEvent } from './legacy-onboarding-event';
import { vendorActivities } from './vendor-activities';
import { blockingOf, workflowFailureFor } from './vendor-failures';
import {
  applyObservation,
  emptyVerificationState,
  isDecided,
  type VerificationObservation,
  type VerificationState,
} from './verification-state';
import type { WorkerSettings, WorkerSettingsActivities } from './worker-settings';

/** When a blocking failure does not say how long to wait (the vendor layer normally does). */
const BLOCKED_RETRY_DELAY_MS = 60 * 60 * 1000;

const { readWorkerSettings } = wf.proxyLocalActivities<WorkerSettingsActivities>({
  startToCloseTimeout: '10 seconds',
});

const iso = (ms: number) => new Date(ms).toISOString();

/** Where the decision wait stands: enough to carry it on in a new run. */
interface DecisionWait {
  settings: WorkerSettings;
  /** Epoch milliseconds. */
  decisionDeadline: number;
}

/**
 * Internal, not for starters: what a check hands to its next run when it continues as new
 * during the decision wait (same workflow ID, same first run id, hence the same
 * Idempotency-Key; the signals and the `status` query carry on as before).
 */
export interface CarriedCheck extends DecisionWait {
  progress: CheckProgress;
  verification: VerificationState;
  asyncRequestId?: string;
}

/** Temporal suggests continuing as new well before its history limit (~50k events). */
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;

function historyIsLong(settings: WorkerSettings): boolean {
  const info = wf.workflowInfo();
  const limit = settings.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  return info.continueAsNewSuggested || info.historyLength >= limit;
}

/** Marks histories whose onboarding event was validated strictly (see `onboarding-event.ts`). */
export const STRICT_ONBOARDING_EVENT_PATCH = 'strict-onboarding-event';

export async function backgroundCheck(input: OnboardingEvent, carried?: CarriedCheck): Promise<CheckResult> {
  let progress: CheckProgress = carried?.progress ?? startProgress('creating_verification', new Date());
  let verification: VerificationState = carried?.verification ?? emptyVerificationState();
  let asyncRequestId: string | undefined = carried?.asyncRequestId;
  let resumes = 0;
  /** Status signals that came before the check knew its verification id. */
  const early: VerificationObservation[] = [];
  /** What the UI shows in "current details"; rebuilt on every change. */
  let waitingFor = 'Starting';
  const published: Partial<Record<keyof typeof searchAttributes, string>> = {};

  // Handlers first, so signals and queries that arrive with the first task are not missed.
  wf.setHandler(statusQuery, () => toCheckStatus(progress, verification, asyncRequestId));
  wf.setHandler(asyncRequestReadySignal, (signal) => {
    const id = typeof signal?.asyncRequestId === 'string' ? signal.asyncRequestId.trim() : '';
    if (id === '') {
      wf.log.warn('Ignored asyncRequestReady without an asyncRequestId');
    } else if (asyncRequestId === undefined) {
      asyncRequestId = id;
      publish();
    } else if (asyncRequestId !== id) {
      wf.log.warn('Ignored asyncRequestReady: the check already has an async request', { asyncRequestId, ignored: id });
    }
  });
  wf.setHandler(verificationStatusChangedSignal, (signal) => {
    if (typeof signal?.agentVerificationId !== 'string' || typeof signal.status !== 'string') {
      wf.log.warn('Ignored verificationStatusChanged without agentVerificationId or status');
      return;
    }
    observe({
      source: 'signal',
      eventId: typeof signal.eventId === 'string' ? signal.eventId : undefined,
      agentVerificationId: signal.agentVerificationId,
      status: signal.status,
      rejectionReasonCode: signal.rejectionReasonCode,
      occurredAt: signal.occurredAt,
    });
  });
  wf.setHandler(resumeSignal, () => {
    resumes++;
  });

  function observe(obs: VerificationObservation): void {
    const { state, verdict } = applyObservation(verification, obs);
    verification = state;
    if (verdict === 'too_early') early.push(obs);
    else if (verdict === 'applied') publish();
    else if (verdict !== 'unchanged') {
      wf.log.info('Ignored a verification status', {
        verdict,
        source: obs.source,
        eventId: obs.eventId,
        agentVerificationId: obs.agentVerificationId,
        status: obs.status,
      });
    }
  }

  /** `reason`: the blocked reason shown to people, or for metrics a failure type (`failed`). */
  function enter(stage: Stage, details: string, reason?: { shown?: string; type?: string }): void {
    const before = progress.stage;
    const now = new Date();
    progress = enterStage(progress, stage, now, reason?.shown);
    waitingFor = details;
    publish();
    if (stage !== before || stage === 'blocked') {
      recordStage(stage, { firstAt: progress.stages[0]?.at ?? now.toISOString(), now, reason: reason?.type });
    }
  }

  /** Search attributes (ids and states only, no personal data) and the UI's current details. */
  function publish(): void {
    const values: Partial<Record<keyof typeof searchAttributes, string>> = {
      stage: progress.stage,
      verificationStatus: verification.status,
      agentVerificationId: verification.id,
    };
    const updates = (Object.keys(values) as (keyof typeof values)[])
      .filter((name) => values[name] !== undefined && values[name] !== published[name])
      .map((name) => {
        published[name] = values[name];
        return { key: searchAttributes[name], value: values[name] as string };
      });
    if (updates.length > 0) wf.upsertSearchAttributes(updates);
    const facts = [
      verification.id && `verification ${verification.id}: ${verification.status ?? 'unknown'}`,
      asyncRequestId && `async request ${asyncRequestId}`,
    ].filter(Boolean);
    wf.setCurrentDetails(`**${progress.stage}**: ${waitingFor}${facts.length ? `\n\n${facts.join(', ')}` : ''}`);
  }

  if (carried === undefined) recordStarted();
  // Strict input (unknown fields, character rule, the vendors' id formats) for checks started
  // under it; runs started before, and runs continued from them, keep the rules they ran under.
  const parsed =
    carried === undefined && wf.patched(STRICT_ONBOARDING_EVENT_PATCH)
      ? parseOnboardingEvent(input)
      : parseLegacyOnboardingEvent(input);
  if (!parsed.ok) {
    enter('failed', 'Invalid onboarding event', { type: FailureType.InvalidOnboardingEvent });
    throw invalidEventFailure(parsed.problems);
  }
  const event = parsed.event;
  const timeouts = checkTimeouts(event.options);
  wf.upsertSearchAttributes([
    { key: searchAttributes.profileId, value: event.profileId },
    ...(event.agent.organisationId
      ? [{ key: searchAttributes.organisationId, value: event.agent.organisationId }]
      : []),
  ]);

  try {
    const begun = carried ?? (await untilAssociated());
    if ('outcome' in begun) return begun;
    return await untilDecided(begun);
  } catch (err) {
    if (wf.isCancellation(err)) {
      enter('cancelled', 'Cancelled');
      throw err;
    }
    if (err instanceof wf.ApplicationFailure) enter('failed', err.message, { type: err.type ?? 'unknown' });
    throw err;
  }

  /** Steps 1 to 3; the check may end early (decided, or no async request id in time). */
  async function untilAssociated(): Promise<CheckResult | DecisionWait> {
    enter('creating_verification', 'Creating the Percent agent verification');
    const settings = await readWorkerSettings();
    const vendors = vendorActivities(settings);

    const info = wf.workflowInfo();
    const created = await callVendor('Creating the Percent agent verification', () =>
      vendors.createAgentVerification({
        idempotencyKey: idempotencyKeyFor(info.workflowId, info.firstExecutionRunId),
        agent: event.agent,
      }),
    );
    observe({ source: 'created', agentVerificationId: created.id, ...summaryFields(created) });
    for (const obs of early.splice(0)) observe(obs);
    if (isDecided(verification)) return decided();

    // 2. The async request id: the first one known wins (the event's, or the first signal's).
    asyncRequestId ??= event.asyncRequestId;
    if (asyncRequestId === undefined) {
      const asyncDeadline = Date.now() + timeouts.asyncRequestMs;
      enter(
        'awaiting_async_request',
        `Waiting for the Attestr async request id (signal \`asyncRequestReady\`) until ${iso(asyncDeadline)}`,
      );
      await wf.condition(() => asyncRequestId !== undefined || isDecided(verification), timeouts.asyncRequestMs, {
        summary: 'asyncRequestTimeout',
      });
      if (isDecided(verification)) return decided();
      if (asyncRequestId === undefined) return expired('no async request id arrived in time');
    }
    const asyncId: string = asyncRequestId;

    // 3. Associate it with the profile.
    enter('associating', `Associating async request ${asyncId} with Attestr profile ${event.profileId}`);
    await callVendor('Associating the async request with the Attestr profile', () =>
      vendors.associateAsyncRequest({ profileId: event.profileId, asyncRequestId: asyncId }),
    );
    return { settings, decisionDeadline: Date.now() + timeouts.decisionMs };
  }

  /**
   * Step 4, the decision: webhook signals, with polling for the ones that get lost. A long wait
   * with frequent polls continues as new before the history grows too long, carrying its state.
   */
  async function untilDecided({ settings, decisionDeadline }: DecisionWait): Promise<CheckResult> {
    const vendors = vendorActivities(settings);
    const agentVerificationId = verification.id as string;
    const waitingForDecision = `Waiting for Percent's decision (signal \`verificationStatusChanged\`, polling every ${describeDuration(timeouts.pollMs)}) until ${iso(decisionDeadline)}`;
    enter('awaiting_decision', waitingForDecision);
    for (;;) {
      if (isDecided(verification)) return decided();
      if (historyIsLong(settings)) {
        await wf.condition(wf.allHandlersFinished);
        const next: CarriedCheck = { settings, decisionDeadline, progress, verification, asyncRequestId };
        // Search attributes go along explicitly: the ingress finds the check by them at once.
        const continueAsNew = wf.makeContinueAsNewFunc<typeof backgroundCheck>({
          typedSearchAttributes: wf.workflowInfo().typedSearchAttributes,
        });
        return continueAsNew(event, next);
      }
      const untilNextPoll = Math.max(1, Math.min(timeouts.pollMs, decisionDeadline - Date.now()));
      await wf.condition(() => isDecided(verification), untilNextPoll, { summary: 'pollInterval' });
      if (isDecided(verification)) return decided();
      // A last read at the deadline too: a decision whose webhook was lost still counts.
      const current = await callVendor('Reading the Percent agent verification', () =>
        vendors.getAgentVerification({ agentVerificationId }),
      );
      if (progress.stage !== 'awaiting_decision') enter('awaiting_decision', waitingForDecision);
      observe({ source: 'poll', agentVerificationId: current.id, ...summaryFields(current) });
      if (isDecided(verification)) return decided();
      if (Date.now() >= decisionDeadline) return expired('no decision before decisionTimeout');
    }
  }

  /** Runs a vendor activity; on a daily limit or low credits, parks the check and tries again. */
  async function callVendor<T>(doing: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (wf.isCancellation(err)) throw err;
        const blocking = blockingOf(err);
        if (blocking === undefined) throw workflowFailureFor(err, doing) ?? err;
        const { stage, details } = { stage: progress.stage, details: waitingFor };
        const delayMs = blocking.retryDelayMs ?? BLOCKED_RETRY_DELAY_MS;
        enter(
          'blocked',
          `${doing}: ${blocking.reason}. Trying again at ${iso(Date.now() + delayMs)}, or at once on \`resume\``,
          { shown: blocking.reason, type: blocking.type },
        );
        const resumesBefore = resumes;
        await wf.condition(() => resumes > resumesBefore, delayMs, { summary: `blocked: ${blocking.type}` });
        enter(stage, details);
      }
    }
  }

  function decided(): CheckResult {
    const outcome = verification.status === 'approved' ? 'approved' : 'rejected';
    enter(outcome, `Percent ${outcome} the agent verification`);
    return {
      outcome,
      agentVerificationId: verification.id as string,
      ...(asyncRequestId !== undefined ? { asyncRequestId } : {}),
      ...(outcome === 'rejected' ? { rejectionReasonCode: verification.rejectionReasonCode ?? null } : {}),
      decidedAt: new Date().toISOString(),
    };
  }

  function expired(why: string): CheckResult {
    enter('expired', `Expired: ${why}`);
    return {
      outcome: 'expired',
      agentVerificationId: verification.id as string,
      ...(asyncRequestId !== undefined ? { asyncRequestId } : {}),
      decidedAt: new Date().toISOString(),
    };
  }
}

function summaryFields(summary: Awaited<ReturnType<PercentActivities['getAgentVerification']>>) {
  return {
    status: summary.status,
    externalActionRequired: summary.externalActionRequired,
    rejectionReasonCode: summary.rejectionReasonCode,
  };
}

/** Names the fields and what was expected, never their values (they may be personal data). */
function invalidEventFailure(problems: FieldProblem[]): wf.ApplicationFailure {
  return wf.ApplicationFailure.create({
    type: FailureType.InvalidOnboardingEvent,
    message: `Invalid onboarding event: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    details: [{ problems }],
    nonRetryable: true,
  });
}
