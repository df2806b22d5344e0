/**
 * Verifies the OIDC access tokens the Temporal UI forwards to the codec server
 * (`TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true`): a JWT signed by the identity provider's keys
 * (JWKS, discovered from the issuer), not expired, from the configured issuer, and for the
 * configured audience. So only people signed in to the UI through that provider see decrypted
 * payloads.
 */
import { createPublicKey, verify as verifySignature, constants, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface OidcOptions {
  /** The `iss` the tokens carry, e.g. `https://login.example.org/realms/ops`. */
  issuer: string;
  /** Required in `aud` when set (the UI's client id, or the API audience). */
  audience?: string;
  /** Where the signing keys are; default: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string;
  /** Allowed clock difference for `exp` and `nbf`, in seconds. */
  clockToleranceSeconds?: number;
  /** Injectable for tests. */
  fetch?: typeof fetch;
  now?: () => number;
}

type Jwk = JsonWebKey & { kid?: string; alg?: string; use?: string };

const ALGORITHMS: Record<string, { hash: string; kind: 'rsa' | 'rsa-pss' | 'ec' }> = {
  RS256: { hash: 'sha256', kind: 'rsa' },
  RS384: { hash: 'sha384', kind: 'rsa' },
  RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'rsa-pss' },
  PS384: { hash: 'sha384', kind: 'rsa-pss' },
  ES256: { hash: 'sha256', kind: 'ec' },
  ES384: { hash: 'sha384', kind: 'ec' },
};

/** Keys are fetched again for an unknown `kid` (key rotation), at most this often. */
const JWKS_REFRESH_MS = 60_000;

export class OidcTokenVerifier {
  private keys = new Map<string, KeyObject>();
  private anonymousKeys: KeyObject[] = [];
  private fetchedAt = -Infinity;
  private fetching?: Promise<void>;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: OidcOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** True when the token is valid; never throws on a bad token (only when the JWKS cannot be had). */
  async verify(token: string): Promise<boolean> {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [headerPart, payloadPart, signaturePart] = parts;
    const header = decodeJson(headerPart) as { alg?: string; kid?: string } | undefined;
    const claims = decodeJson(payloadPart) as Record<string, unknown> | undefined;
    const algorithm = header?.alg ? ALGORITHMS[header.alg] : undefined;
    if (!header || !claims || !algorithm) return false;

    const keys = await this.keysFor(header.kid);
    const data = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const signed = keys.some((key) => {
      try {
        if (algorithm.kind === 'ec') {
          return verifySignature(algorithm.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
        }
        if (algorithm.kind === 'rsa-pss') {
          return verifySignature(
            algorithm.hash,
            data,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
            signature,
          );
        }
        return verifySignature(algorithm.hash, data, key, signature);
      } catch {
        return false;
      }
    });
    return signed && this.claimsValid(claims);
  }

  private claimsValid(claims: Record<string, unknown>): boolean {
    const now = this.now() / 1000;
    const tolerance = this.options.clockToleranceSeconds ?? 60;
    if (typeof claims.exp !== 'number' || claims.exp + tolerance < now) return false;
    if (typeof claims.nbf === 'number' && claims.nbf - tolerance > now) return false;
    // Some providers write the issuer with a trailing slash, some without.
    const issuer = (v: unknown) => (typeof v === 'string' ? v.replace(/\/+$/, '') : undefined);
    if (issuer(claims.iss) !== issuer(this.options.issuer)) return false;
    if (this.options.audience !== undefined) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(this.options.audience)) return false;
    }
    return true;
  }

  private async keysFor(kid: string | undefined): Promise<KeyObject[]> {
    const known = () => (kid !== undefined ? [this.keys.get(kid)].filter((k) => k !== undefined) : this.allKeys());
    if (known().length === 0 && this.now() - this.fetchedAt >= JWKS_REFRESH_MS) {
      this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined));
      await this.fetching;
    }
    return known();
  }

  private allKeys(): KeyObject[] {
    return [...this.keys.values(), ...this.anonymousKeys];
  }

  private async fetchKeys(): Promise<void> {
    this.fetchedAt = this.now();
    const jwksUrl = this.options.jwksUrl ?? (await this.discoverJwksUrl());
    const body = (await this.getJson(jwksUrl)) as { keys?: Jwk[] };
    const keys = new Map<string, KeyObject>();
    const anonymous: KeyObject[] = [];
    for (const jwk of body.keys ?? []) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        const key = createPublicKey({ key: jwk, format: 'jwk' });
        if (jwk.kid !== undefined) keys.set(jwk.kid, key);
        else anonymous.push(key);
      } catch {
        // A key type node cannot use: tokens signed with it are refused.
      }
    }
    this.keys = keys;
    this.anonymousKeys = anonymous;
  }

  private async discoverJwksUrl(): Promise<string> {
    const url = `${this.options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const config = (await this.getJson(url)) as { jwks_uri?: unknown };
    if (typeof config.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return config.jwks_uri;
  }

  private async getJson(url: string): Promise<unknown> {
    const res = await this.fetchFn(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res.json();
  }
}

function decodeJson(part: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
