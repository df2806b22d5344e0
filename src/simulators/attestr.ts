/** Attestr factx background-check profiles and the async requests associated to them. */
import { attestrError } from './attestr-errors';
import type { RequestContext } from './context';
import type { Outcome } from './faults';
import { empty, isObject, json, parseJson } from './http-io';
import { idFactory } from './random';
import type { AsyncRequestType } from './types';

interface Profile {
  readonly _id: string;
  readonly number: string;
  tag: string;
  name: string;
  email: string | null;
  mobile: string | null;
  archived: boolean;
  /** asyncRequest id -> item; a Map keeps insertion order and makes re-association O(1). */
  readonly items: Map<string, AsyncRequest>;
}

interface AsyncRequest {
  readonly _id: string;
  readonly number: string;
  readonly type: AsyncRequestType;
  readonly createdAt: string;
}

export interface AttestrOptions {
  authToken: string;
  autoCreateProfiles: boolean;
  autoCreateAsyncRequests: boolean;
}

// Types the factx profile accepts as items; others (kyc) answer 40039.
const associable: ReadonlySet<string> = new Set(['education', 'work', 'document']);

export class AttestrSimulator {
  private readonly profiles = new Map<string, Profile>();
  private readonly asyncRequests = new Map<string, AsyncRequest>();
  private readonly nextProfileId = idFactory('PR', 12);
  private readonly nextAsyncId = idFactory('AR', 12);
  private number = 100000;
  private readonly expectedAuthorization: string;

  constructor(private readonly options: AttestrOptions) {
    this.expectedAuthorization = `Basic ${options.authToken}`;
  }

  authorized(ctx: RequestContext): boolean {
    return ctx.req.headers.authorization === this.expectedAuthorization;
  }

  async createProfile(ctx: RequestContext): Promise<Outcome> {
    if (!this.authorized(ctx)) return attestrError(4016);
    const body = parseJson(ctx.rawBody);
    if (!isObject(body)) return attestrError(4001, { details: 'body must be a JSON object' });
    const problem =
      requiredText(body, 'tag') ??
      requiredText(body, 'name') ??
      optionalText(body, 'email') ??
      optionalText(body, 'mobile');
    if (problem) return attestrError(4001, { details: problem });
    return ctx.runWithFaults(() => {
      const profile = this.newProfile(undefined, body);
      return json(200, { _id: profile._id, number: profile.number });
    });
  }

  async getProfile(ctx: RequestContext, profileId: string): Promise<Outcome> {
    if (!this.authorized(ctx)) return attestrError(4016);
    return ctx.runWithFaults(() => {
      const profile = this.profiles.get(profileId);
      if (!profile) return attestrError(40018);
      return json(200, {
        _id: profile._id,
        number: profile.number,
        tag: profile.tag,
        name: profile.name,
        email: profile.email,
        mobile: profile.mobile,
        archived: profile.archived,
        items: [...profile.items.values()].map((item) => ({
          _id: item._id,
          asyncRequest: item._id,
          number: item.number,
          type: item.type,
          createdAt: item.createdAt,
        })),
      });
    });
  }

  async archive(ctx: RequestContext, profileId: string): Promise<Outcome> {
    if (!this.authorized(ctx)) return attestrError(4016);
    return ctx.runWithFaults(() => {
      const profile = this.profiles.get(profileId);
      if (!profile) return attestrError(40018);
      if (profile.archived) return attestrError(40038);
      this.archiveProfile(profileId);
      return empty(200);
    });
  }

  async associate(ctx: RequestContext, profileId: string): Promise<Outcome> {
    if (!this.authorized(ctx)) return attestrError(4016);
    const body = parseJson(ctx.rawBody);
    if (!isObject(body)) return attestrError(4001, { details: 'body must be a JSON object' });
    const problem = requiredText(body, 'asyncRequest');
    if (problem) return attestrError(4001, { details: problem });
    const asyncRequestId = body.asyncRequest as string;
    return ctx.runWithFaults(() => {
      let profile = this.profiles.get(profileId);
      if (!profile && this.options.autoCreateProfiles) profile = this.newProfile(profileId);
      if (!profile) return attestrError(40018);
      if (profile.archived) return attestrError(40038);
      let asyncRequest = this.asyncRequests.get(asyncRequestId);
      if (!asyncRequest && this.options.autoCreateAsyncRequests) {
        asyncRequest = this.newAsyncRequest('education', asyncRequestId);
      }
      if (!asyncRequest) return attestrError(4003);
      if (!associable.has(asyncRequest.type)) return attestrError(40039, { type: asyncRequest.type });
      // Associating again is a no-op (the docs are silent; one item per asyncRequest is the safe reading).
      profile.items.set(asyncRequest._id, asyncRequest);
      return empty(200);
    });
  }

  async createAsyncRequest(ctx: RequestContext, type: AsyncRequestType): Promise<Outcome> {
    if (!this.authorized(ctx)) return attestrError(4016);
    const body = parseJson(ctx.rawBody);
    if (!isObject(body)) return attestrError(4001, { details: 'body must be a JSON object' });
    return ctx.runWithFaults(() => {
      const asyncRequest = this.newAsyncRequest(type);
      return json(200, { _id: asyncRequest._id, number: asyncRequest.number });
    });
  }

  addProfile(profileId?: string): string {
    return this.newProfile(profileId)._id;
  }

  archiveProfile(profileId: string): void {
    const profile = this.profiles.get(profileId);
    if (!profile) throw new Error(`archiveProfile: unknown profile "${profileId}"`);
    profile.archived = true;
    // Archiving purges the profile's items.
    profile.items.clear();
  }

  addAsyncRequest(type: AsyncRequestType = 'education'): string {
    return this.newAsyncRequest(type)._id;
  }

  profileItems(profileId: string): string[] {
    const profile = this.profiles.get(profileId);
    if (!profile) throw new Error(`profileItems: unknown profile "${profileId}"`);
    return [...profile.items.keys()];
  }

  private newProfile(profileId: string | undefined, body: Record<string, unknown> = {}): Profile {
    const id = profileId ?? this.nextProfileId();
    if (this.profiles.has(id)) throw new Error(`addProfile: profile "${id}" exists`);
    const profile: Profile = {
      _id: id,
      number: String(++this.number),
      tag: typeof body.tag === 'string' ? body.tag : 'simulator',
      name: typeof body.name === 'string' ? body.name : 'Simulated profile',
      email: typeof body.email === 'string' ? body.email : null,
      mobile: typeof body.mobile === 'string' ? body.mobile : null,
      archived: false,
      items: new Map(),
    };
    this.profiles.set(id, profile);
    return profile;
  }

  private newAsyncRequest(type: AsyncRequestType, id?: string): AsyncRequest {
    const asyncRequest: AsyncRequest = {
      _id: id ?? this.nextAsyncId(),
      number: String(++this.number),
      type,
      createdAt: new Date().toISOString(),
    };
    this.asyncRequests.set(asyncRequest._id, asyncRequest);
    return asyncRequest;
  }
}

function requiredText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return `${field} is required`;
  if (typeof value !== 'string' || value.trim() === '') return `${field} must be a non-empty string`;
  return undefined;
}

function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || typeof value === 'string') return undefined;
  return `${field} must be a string`;
}
