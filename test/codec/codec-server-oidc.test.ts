/**
 * OIDC access tokens, as the Temporal UI forwards them to the codec server: signed by the
 * provider's published keys, unexpired, from the issuer, for the audience.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, parseKeyRing } from '../../src/codec';
import { createCodecServer, listen, OidcTokenVerifier, toJson } from '../../src/codec-server';
import { Secret } from '../../src/secret';
import { codecKeysValue, randomKey } from '../helpers/codec-keys';

const AUDIENCE = 'temporal-ui';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

let idp: Server;
let issuer: string;
let jwksFetches = 0;
const published: Record<string, unknown>[] = [];

function publish(key: KeyObject, kid: string) {
  published.push({ ...key.export({ format: 'jwk' }), kid, use: 'sig' });
}

beforeAll(async () => {
  publish(rsa.publicKey, 'rsa-1');
  publish(ec.publicKey, 'ec-1');
  idp = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    }
    if (req.url === '/keys') {
      jwksFetches += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ keys: published }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
});
afterAll(async () => {
  idp.closeAllConnections();
  await new Promise((resolve) => idp.close(resolve));
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function jwt(
  claims: Record<string, unknown>,
  { alg = 'RS256', kid = 'rsa-1', key = rsa.privateKey }: { alg?: string; kid?: string; key?: KeyObject } = {},
): string {
  const body = `${b64({ alg, kid, typ: 'JWT' })}.${b64(claims)}`;
  const signature =
    alg === 'ES256'
      ? sign('sha256', Buffer.from(body), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(body), key);
  return `${body}.${signature.toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const valid = () => ({ iss: issuer, aud: AUDIENCE, sub: 'user-1', exp: now() + 300, iat: now() });

describe('OidcTokenVerifier', () => {
  const verifier = () => new OidcTokenVerifier({ issuer, audience: AUDIENCE });

  it('accepts RS256 and ES256 tokens from the issuer for the audience', async () => {
    const v = verifier();
    expect(await v.verify(jwt(valid()))).toBe(true);
    expect(await v.verify(jwt(valid(), { alg: 'ES256', kid: 'ec-1', key: ec.privateKey }))).toBe(true);
    expect(await v.verify(jwt({ ...valid(), aud: ['other', AUDIENCE] }))).toBe(true);
    expect(await v.verify(jwt({ ...valid(), iss: `${issuer}/` }))).toBe(true);
  });

  it.each([
    ['expired', () => jwt({ ...valid(), exp: now() - 3600 })],
    ['not yet valid', () => jwt({ ...valid(), nbf: now() + 3600 })],
    ['without exp', () => jwt({ ...valid(), exp: undefined })],
    ['for another audience', () => jwt({ ...valid(), aud: 'someone-else' })],
    ['from another issuer', () => jwt({ ...valid(), iss: 'https://evil.example' })],
    ['signed by another key under a known kid', () => jwt(valid(), { key: other.privateKey })],
    [
      'with an edited payload',
      () => {
        const [h, , s] = jwt(valid()).split('.');
        return `${h}.${b64({ ...valid(), sub: 'admin' })}.${s}`;
      },
    ],
    ['unsigned (alg none)', () => `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64(valid())}.`],
    ['not a JWT', () => 'static-token'],
  ])('refuses a token %s', async (_, token) => {
    expect(await verifier().verify(token())).toBe(false);
  });

  it('caches the keys, and fetches them again for a new kid (rotation), at most once a minute', async () => {
    let clock = Date.now();
    const v = new OidcTokenVerifier({ issuer, audience: AUDIENCE, now: () => clock });
    const before = jwksFetches;
    expect(await v.verify(jwt(valid()))).toBe(true);
    expect(await v.verify(jwt(valid()))).toBe(true);
    expect(jwksFetches - before).toBe(1);

    const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publish(rotated.publicKey, 'rsa-2');
    const token = jwt(valid(), { kid: 'rsa-2', key: rotated.privateKey });
    expect(await v.verify(token)).toBe(false); // fetched less than a minute ago
    clock += 61_000;
    expect(await v.verify(token)).toBe(true);
    expect(jwksFetches - before).toBe(2);
  });
});

describe('codec server with OIDC', () => {
  let server: FastifyInstance;
  let base: string;
  const codec = new EncryptionCodec(parseKeyRing(codecKeysValue(randomKey('k1'))));
  const body = JSON.stringify(toJson([defaultPayloadConverter.toPayload({ email: 'x@example.org' })]));
  const encode = (authorization?: string) =>
    fetch(`${base}/encode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
      body,
    });

  beforeAll(async () => {
    server = createCodecServer({
      codec,
      corsOrigins: [],
      authToken: new Secret('cli-token'),
      oidc: new OidcTokenVerifier({ issuer, audience: AUDIENCE }),
    });
    base = await listen(server, 0);
  });
  afterAll(() => server.close());

  it('serves a signed-in UI user, and the static token still works', async () => {
    expect((await encode(`Bearer ${jwt(valid())}`)).status).toBe(200);
    expect((await encode('Bearer cli-token')).status).toBe(200);
  });

  it('refuses a bad token with 401', async () => {
    expect((await encode(`Bearer ${jwt({ ...valid(), aud: 'nope' })}`)).status).toBe(401);
    expect((await encode()).status).toBe(401);
  });

  it('answers 503 when the identity provider cannot be reached to check a token', async () => {
    const unreachable = createCodecServer({
      codec,
      corsOrigins: [],
      oidc: new OidcTokenVerifier({ issuer: 'http://127.0.0.1:9', audience: AUDIENCE }),
    });
    const url = await listen(unreachable, 0);
    try {
      const res = await fetch(`${url}/decode`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${jwt(valid())}` },
        body: '{"payloads":[]}',
      });
      expect(res.status).toBe(503);
    } finally {
      await unreachable.close();
    }
  });
});
