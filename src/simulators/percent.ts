/** Percent (Goodstack) agent verifications: create (idempotent), get, list, status changes. */
import type { RequestContext, Timers } from './context';
import type { Outcome } from './faults';
import { isObject, json, parseJson, type SimResponse } from './http-io';
import { percentError } from './percent-errors';
import { idFactory } from './random';
import type { AgentVerification, SetStatusExtra, SimulatorOptions } from './types';
import type { WebhookSender } from './webhooks';

interface StoredVerification {
  /** Creation order, used by list cursors. */
  readonly seq: number;
  readonly view: AgentVerification;
  readonly title: string | null;
}

interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly createdAt: number;
  /** Undefined while the original call is in progress. */
  response?: SimResponse;
}

const maxLength = 255;
// Keys expire after 21 days (Percent's documented retention).
const idempotencyKeyTtlMs = 21 * 24 * 60 * 60 * 1000;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// RFC 5646 in its common shape: language, then script/region/variant subtags.
const languagePattern = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

export interface PercentOptions {
  apiKey: string;
  initialStatus: string;
  autoAdvance: SimulatorOptions['autoAdvance'];
  webhooks: WebhookSender;
  timers: Timers;
  /** The simulator's URL, for `_links` (known once listening). */
  baseUrl: () => string;
}

export class PercentSimulator {
  private readonly byId = new Map<string, StoredVerification>();
  private readonly ordered: StoredVerification[] = [];
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly nextId = idFactory('agentverification_', 12);

  constructor(private readonly options: PercentOptions) {}

  authorized(ctx: RequestContext): boolean {
    return ctx.req.headers.authorization === this.options.apiKey;
  }

  async create(ctx: RequestContext): Promise<Outcome> {
    if (!this.authorized(ctx)) return percentError(401, 'unauthorized');
    const body = parseJson(ctx.rawBody);
    if (!isObject(body)) {
      return percentError(400, 'validation_error', { reasons: ['body must be a JSON object'] });
    }
    const keyHeader = ctx.req.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : undefined;
    const fingerprint = key === undefined ? '' : canonicalJson(body);
    if (key !== undefined) {
      const existing = this.idempotency.get(key);
      if (existing && Date.now() - existing.createdAt > idempotencyKeyTtlMs) this.idempotency.delete(key);
      else if (existing) {
        if (existing.fingerprint !== fingerprint) {
          return percentError(400, 'idempotency/same_key_different_data', {
            message: 'This idempotency key was already used with different request data',
          });
        }
        const stored = existing.response;
        if (stored === undefined) {
          return percentError(400, 'idempotency/original_call_in_progress', {
            message: 'The original request with this idempotency key is still in progress',
          });
        }
        return ctx.runWithFaults(() => stored);
      }
    }

    const reasons = validateCreate(body);
    if (reasons.length > 0) return percentError(400, 'validation_error', { message: 'Invalid request', reasons });

    // Only the first successful call for a key is carried out: the record is in flight until
    // the work is done, and is dropped if the call fails before that (a retry may then succeed).
    const record: IdempotencyRecord | undefined =
      key === undefined ? undefined : { fingerprint, createdAt: Date.now() };
    if (key !== undefined && record) this.idempotency.set(key, record);
    try {
      return await ctx.runWithFaults(() => {
        const response = json(200, { data: this.store(body) });
        if (record) record.response = response;
        return response;
      });
    } finally {
      if (key !== undefined && record && record.response === undefined) this.idempotency.delete(key);
    }
  }

  async get(ctx: RequestContext, id: string): Promise<Outcome> {
    if (!this.authorized(ctx)) return percentError(401, 'unauthorized');
    return ctx.runWithFaults(() => {
      const stored = this.byId.get(id);
      return stored
        ? json(200, { data: stored.view })
        : percentError(404, 'not_found', { message: `Agent verification ${id} not found` });
    });
  }

  async list(ctx: RequestContext, query: URLSearchParams): Promise<Outcome> {
    if (!this.authorized(ctx)) return percentError(401, 'unauthorized');
    const parsed = parseListQuery(query);
    if (typeof parsed === 'string') {
      return percentError(400, 'validation_error', { message: 'Invalid query', reasons: [parsed] });
    }
    return ctx.runWithFaults(() => this.page(parsed, query));
  }

  verifications(): AgentVerification[] {
    return this.ordered.map((stored) => structuredClone(stored.view));
  }

  async setStatus(id: string, status: string, extra: SetStatusExtra = {}): Promise<void> {
    const stored = this.byId.get(id);
    if (!stored) throw new Error(`setStatus: unknown agent verification "${id}"`);
    const view = stored.view;
    view.status = status;
    if (extra.rejectionReasonCode !== undefined) view.rejectionReasonCode = extra.rejectionReasonCode;
    else if (status === 'rejected' && view.rejectionReasonCode === null) view.rejectionReasonCode = 'other';
    if (extra.externalActionRequired !== undefined) view.externalActionRequired = extra.externalActionRequired;
    if (extra.sendWebhook !== false) await this.options.webhooks.emit(view, stored.title);
  }

  private store(body: Record<string, unknown>): AgentVerification {
    const organisationId = typeof body.organisationId === 'string' ? body.organisationId : null;
    const view: AgentVerification = {
      id: this.nextId(),
      firstName: body.firstName as string,
      lastName: body.lastName as string,
      organisationId,
      organisation: { id: organisationId, email: null, name: null },
      email: body.email as string,
      language: typeof body.language === 'string' ? body.language : 'en',
      validationRequestId: typeof body.validationRequestId === 'string' ? body.validationRequestId : null,
      validationRequest: { name: null, title: null },
      rejectionReason: null,
      rejectionReasonCode: null,
      createdAt: new Date().toISOString(),
      status: this.options.initialStatus,
      externalActionRequired: false,
      object: 'agent_verification',
    };
    const stored: StoredVerification = {
      seq: this.ordered.length,
      view,
      title: typeof body.title === 'string' ? body.title : null,
    };
    this.byId.set(view.id, stored);
    this.ordered.push(stored);
    this.scheduleAdvance(view.id);
    return view;
  }

  private scheduleAdvance(id: string): void {
    const plan = this.options.autoAdvance;
    if (!plan) return;
    const decide = () => {
      const decision = plan.decision ?? 'approved';
      const code = decision === 'rejected' ? (plan.rejectionReasonCode ?? 'other') : null;
      this.setStatus(id, decision, { rejectionReasonCode: code }).catch(() => undefined);
    };
    const afterReview = () => {
      if (plan.decideAfterMs !== undefined) this.options.timers.schedule(plan.decideAfterMs, decide);
    };
    if (plan.toPendingReviewAfterMs !== undefined) {
      this.options.timers.schedule(plan.toPendingReviewAfterMs, () => {
        this.setStatus(id, 'pending_review').catch(() => undefined);
        afterReview();
      });
    } else afterReview();
  }

  private page(query: ListQuery, raw: URLSearchParams): SimResponse {
    const matches = this.ordered.filter((stored) => matchesFilter(stored.view, query));
    if (query.direction === 'desc') matches.reverse();
    // "after s" / "before s" in the listing's order, by creation sequence.
    const isAfter = (seq: number, s: number) => (query.direction === 'asc' ? seq > s : seq < s);
    let start = 0;
    let end = Math.min(matches.length, query.pageSize);
    if (query.cursor?.d === 'n') {
      const cursor = query.cursor;
      start = indexOrLength(matches, (stored) => isAfter(stored.seq, cursor.s));
      end = Math.min(matches.length, start + query.pageSize);
    } else if (query.cursor?.d === 'p') {
      const cursor = query.cursor;
      end = indexOrLength(matches, (stored) => !isAfter(cursor.s, stored.seq));
      start = Math.max(0, end - query.pageSize);
    }
    const pageItems = matches.slice(start, end);
    const link = (cursor: Cursor | undefined) => {
      const params = new URLSearchParams(raw);
      params.delete('cursor');
      if (cursor) params.set('cursor', encodeCursor(cursor));
      const search = params.toString();
      return `${this.options.baseUrl()}/v1/agent-verifications${search === '' ? '' : `?${search}`}`;
    };
    return json(200, {
      data: pageItems.map((stored) => stored.view),
      object: 'list',
      totalResults: matches.length,
      pageSize: query.pageSize,
      _links: {
        current: link(query.cursor),
        next:
          end < matches.length && pageItems.length > 0
            ? link({ s: pageItems[pageItems.length - 1].seq, d: 'n' })
            : null,
        prev: start > 0 && pageItems.length > 0 ? link({ s: pageItems[0].seq, d: 'p' }) : null,
      },
    });
  }
}

function indexOrLength<T>(items: T[], predicate: (item: T) => boolean): number {
  const index = items.findIndex(predicate);
  return index === -1 ? items.length : index;
}

function validateCreate(body: Record<string, unknown>): string[] {
  const reasons: string[] = [];
  const text = (field: string, required: boolean, nullable = false) => {
    const value = body[field];
    if (value === undefined || (nullable && value === null)) {
      if (required) reasons.push(`${field} is required`);
      return;
    }
    if (typeof value !== 'string') reasons.push(`${field} must be a string`);
    else if (required && value.trim() === '') reasons.push(`${field} must not be empty`);
    else if (value.length > maxLength) reasons.push(`${field} must be at most ${maxLength} characters`);
  };
  text('firstName', true);
  text('lastName', true);
  text('email', true);
  text('title', false);
  text('organisationWebsite', false, true);
  text('language', false);
  if (typeof body.email === 'string' && !emailPattern.test(body.email)) reasons.push('email must be an email address');
  if (typeof body.language === 'string' && !languagePattern.test(body.language)) {
    reasons.push('language must be an RFC 5646 language code');
  }
  const hasOrganisation = body.organisationId !== undefined;
  const hasValidationRequest = body.validationRequestId !== undefined;
  if (hasOrganisation === hasValidationRequest) {
    reasons.push('exactly one of organisationId and validationRequestId is required');
  } else {
    text(hasOrganisation ? 'organisationId' : 'validationRequestId', true);
  }
  return reasons;
}

/** JSON with sorted keys: the same data in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface Cursor {
  /** Sequence number of the boundary item. */
  s: number;
  /** 'n': the page after it; 'p': the page before it. */
  d: 'n' | 'p';
}

interface ListQuery {
  status?: string;
  email?: string;
  startDate?: number;
  endDate?: number;
  direction: 'asc' | 'desc';
  pageSize: number;
  cursor?: Cursor;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(text: string): Cursor | undefined {
  const value = parseJson(Buffer.from(text, 'base64url').toString('utf8'));
  if (isObject(value) && Number.isInteger(value.s) && (value.d === 'n' || value.d === 'p')) {
    return { s: value.s as number, d: value.d };
  }
  return undefined;
}

/** The query, or a reason naming the bad parameter. */
function parseListQuery(query: URLSearchParams): ListQuery | string {
  const result: ListQuery = { direction: 'desc', pageSize: 25 };
  const pageSize = query.get('pageSize');
  if (pageSize !== null) {
    const n = Number(pageSize);
    if (!Number.isInteger(n) || n < 1 || n > 100) return 'pageSize must be an integer from 1 to 100';
    result.pageSize = n;
  }
  const direction = query.get('direction');
  if (direction !== null) {
    const lower = direction.toLowerCase();
    if (lower !== 'asc' && lower !== 'desc') return 'direction must be ASC or DESC';
    result.direction = lower;
  }
  for (const field of ['startDate', 'endDate'] as const) {
    const value = query.get(field);
    if (value === null) continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) return `${field} must be a date`;
    result[field] = time;
  }
  const cursor = query.get('cursor');
  if (cursor !== null) {
    const decoded = decodeCursor(cursor);
    if (!decoded) return 'cursor is not valid';
    result.cursor = decoded;
  }
  result.status = query.get('status') ?? undefined;
  result.email = query.get('email')?.toLowerCase();
  return result;
}

function matchesFilter(view: AgentVerification, query: ListQuery): boolean {
  if (query.status !== undefined && view.status !== query.status) return false;
  if (query.email !== undefined && view.email.toLowerCase() !== query.email) return false;
  if (query.startDate !== undefined || query.endDate !== undefined) {
    const created = Date.parse(view.createdAt);
    if (query.startDate !== undefined && created < query.startDate) return false;
    if (query.endDate !== undefined && created > query.endDate) return false;
  }
  return true;
}
