/**
 * Attestr background-check profiles (factx): associate an async verification request with a
 * profile, and read a profile's items. Throws `VendorError` for every failure.
 */
import type { AttestrConfig, HttpConfig } from '../../config';
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
import { attestrErrorRow } from './errors';
import {
  associateRequestSchema,
  attestrErrorBodySchema,
  itemAsyncRequestIds,
  profileIdSchema,
  profileSchema,
  type Profile,
} from './schemas';

const ASSOCIATE = 'PUT /factx/{profileId}/associate';
const GET_PROFILE = 'GET /factx/{profileId}';

export class AttestrClient {
  readonly #http: VendorHttp;
  readonly #version: string;
  readonly #authToken: Secret;

  constructor(http: VendorHttp | VendorHttpOptions, apiVersion: string, authToken: Secret) {
    this.#http = http instanceof VendorHttp ? http : new VendorHttp(http);
    this.#version = apiVersion;
    this.#authToken = authToken;
  }

  static fromConfig(attestr: AttestrConfig, http: HttpConfig): AttestrClient {
    return new AttestrClient(
      httpOptionsFromConfig('attestr', attestr.ATTESTR_BASE_URL, http),
      attestr.ATTESTR_API_VERSION,
      attestr.ATTESTR_AUTH_TOKEN,
    );
  }

  /** Links the item to the profile; without it Attestr never processes the item. 200, no body. */
  async associate(profileId: string, asyncRequest: string, options: CallOptions = {}): Promise<void> {
    const id = checkRequest('attestr', ASSOCIATE, profileIdSchema, profileId);
    const body = checkRequest('attestr', ASSOCIATE, associateRequestSchema, { asyncRequest });
    await this.#call({
      method: 'PUT',
      path: `${this.#factx()}/${id}/associate`,
      operation: ASSOCIATE,
      json: body,
      signal: options.signal,
    });
  }

  async getProfile(profileId: string, options: CallOptions = {}): Promise<Profile> {
    const id = checkRequest('attestr', GET_PROFILE, profileIdSchema, profileId);
    const res = await this.#call({
      method: 'GET',
      path: `${this.#factx()}/${id}`,
      operation: GET_PROFILE,
      signal: options.signal,
    });
    return readBody('attestr', GET_PROFILE, profileSchema, res);
  }

  /** The asyncRequest ids already associated with the profile. */
  async profileItemIds(profileId: string, options: CallOptions = {}): Promise<string[]> {
    return itemAsyncRequestIds((await this.getProfile(profileId, options)).items ?? []);
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  #factx(): string {
    return `/api/${this.#version}/public/factx`;
  }

  async #call(req: Parameters<VendorHttp['request']>[0]): Promise<VendorResponse> {
    const res = await this.#http.request({
      ...req,
      headers: { ...req.headers, authorization: `Basic ${this.#authToken.reveal()}` },
    });
    if (isSuccess(res.status)) return res;
    throw attestrError(req.operation, res);
  }
}

/**
 * Maps an error answer through the table in `errors.ts`, by the body's code (HTTP status as the
 * fallback). The body's `message`/`details` are not kept: `details` may quote request data.
 */
export function attestrError(operation: string, res: VendorResponse): VendorError {
  const body = attestrErrorBodySchema.safeParse(parseJson(res.text));
  const code = body.success ? body.data.code : undefined;
  return errorAnswer('attestr', operation, attestrErrorRow(code, res.status), res, code);
}
