/**
 * Percent (Goodstack) agent verifications: create (with `Idempotency-Key`), get by id, list
 * (cursor pagination as an async iterator). Throws `VendorError` for every failure.
 */
import type { HttpConfig, PercentConfig } from '../../config';
import type { Secret } from '../../secret';
import {
  httpOptionsFromConfig,
  parseJson,
  VendorHttp,
  type CallOptions,
  type VendorHttpOptions,
  type VendorResponse,
} from '../http';
import { checkRequest, errorAnswer, isSuccess, readBody } from '../responses';
import type { VendorError } from '../vendor-error';
import { percentErrorRow } from './errors';
import {
  agentVerificationEnvelopeSchema,
  agentVerificationIdSchema,
  agentVerificationPageSchema,
  createAgentVerificationRequestSchema,
  idempotencyKeySchema,
  listFilterSchema,
  percentErrorEnvelopeSchema,
  type AgentVerification,
  type CreateAgentVerificationRequest,
  type ListAgentVerificationsFilter,
} from './schemas';

const CREATE = 'POST /v1/agent-verifications';
const GET = 'GET /v1/agent-verifications/{id}';
const LIST = 'GET /v1/agent-verifications';

export class PercentClient {
  readonly #http: VendorHttp;
  readonly #apiKey: Secret;

  constructor(http: VendorHttp | VendorHttpOptions, apiKey: Secret) {
    this.#http = http instanceof VendorHttp ? http : new VendorHttp(http);
    this.#apiKey = apiKey;
  }

  static fromConfig(percent: PercentConfig, http: HttpConfig): PercentClient {
    return new PercentClient(httpOptionsFromConfig('percent', percent.PERCENT_BASE_URL, http), percent.PERCENT_API_KEY);
  }

  /**
   * Only the first successful call for a key is carried out; a repeat answers the first result.
   * The key must be stable for the check, never per attempt.
   */
  async createAgentVerification(
    request: CreateAgentVerificationRequest,
    idempotencyKey: string,
    options: CallOptions = {},
  ): Promise<AgentVerification> {
    const key = checkRequest('percent', CREATE, idempotencyKeySchema, idempotencyKey);
    const body = checkRequest('percent', CREATE, createAgentVerificationRequestSchema, request);
    const res = await this.#call({
      method: 'POST',
      path: '/v1/agent-verifications',
      operation: CREATE,
      headers: { 'idempotency-key': key },
      json: body,
      signal: options.signal,
    });
    return readBody('percent', CREATE, agentVerificationEnvelopeSchema, res).data;
  }

  async getAgentVerification(id: string, options: CallOptions = {}): Promise<AgentVerification> {
    const checkedId = checkRequest('percent', GET, agentVerificationIdSchema, id);
    const res = await this.#call({
      method: 'GET',
      path: `/v1/agent-verifications/${encodeURIComponent(checkedId)}`,
      operation: GET,
      signal: options.signal,
    });
    return readBody('percent', GET, agentVerificationEnvelopeSchema, res).data;
  }

  /** Every verification matching the filter, page by page (following the `next` cursor). */
  async *listAgentVerifications(
    filter: ListAgentVerificationsFilter = {},
    options: CallOptions = {},
  ): AsyncGenerator<AgentVerification, void, undefined> {
    const checked = checkRequest('percent', LIST, listFilterSchema, filter);
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(checked)) {
      if (value !== undefined) query.set(name, String(value));
    }
    const seen = new Set<string>();
    for (;;) {
      const res = await this.#call({
        method: 'GET',
        path: `/v1/agent-verifications?${query.toString()}`,
        operation: LIST,
        signal: options.signal,
      });
      const page = readBody('percent', LIST, agentVerificationPageSchema, res);
      yield* page.data;
      const cursor = nextCursor(page._links?.next);
      // A cursor seen before would loop for ever: the contract promises forward-only cursors.
      if (cursor === undefined || page.data.length === 0 || seen.has(cursor)) return;
      seen.add(cursor);
      query.set('cursor', cursor);
    }
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #call(req: Parameters<VendorHttp['request']>[0]): Promise<VendorResponse> {
    const res = await this.#http.request({ ...req, headers: { ...req.headers, authorization: this.#apiKey.reveal() } });
    if (isSuccess(res.status)) return res;
    throw percentError(req.operation, res);
  }
}

/** `_links.next` is a URL (absolute or relative) carrying `cursor`; absent or null on the last page. */
function nextCursor(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next, 'http://relative.invalid').searchParams.get('cursor') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Maps an error answer through the table in `errors.ts`. The body's free text is not kept. */
export function percentError(operation: string, res: VendorResponse): VendorError {
  const envelope = percentErrorEnvelopeSchema.safeParse(parseJson(res.text));
  const code = envelope.success ? envelope.data.error.code : undefined;
  return errorAnswer('percent', operation, percentErrorRow(res.status, code), res, code);
}
