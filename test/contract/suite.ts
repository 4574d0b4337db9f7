/**
 * The contract suite: every promise of CONTRACT.md (and every negative, edge and security case of
 * the seed article), written once, run against each runtime.
 *
 * How a runner provides a target
 * ------------------------------
 * A runner builds a `ContractTarget` (see ./target.ts) and hands each case its own `expect`:
 *
 *   import { contractCases } from './suite';
 *   import { fetchTarget } from './target';
 *   const target = fetchTarget({ issuer, api, audience });   // or any object of that shape
 *   for (const c of contractCases) {
 *     test(c.name, async () => { await target.adminReset(); await c.run(target, expect); });
 *   }
 *
 * - `target.fetch(url, init)` must reach the runtime under test and answer `{status, headers
 *   (lowercase names), text, json?}`; `fetchTarget` does that with any WHATWG `fetch` (the global
 *   one patched by msw's `setupServer`, Node's over real HTTP, or the page's under the worker).
 * - `target.adminReset()` must bring the server back to its seeded state; the runner calls it before
 *   every case. Cases may change state (clock, clients, keys, revocations) freely.
 * - `expect` is the runner's own (vitest's or Playwright's): cases only use matchers both share.
 *
 * This file and ./target.ts import only jose and Web APIs (fetch, crypto, btoa, TextEncoder), never
 * `node:*`, so the Playwright runner can bundle them (or evaluate them) inside the page.
 */

import {
  base64url,
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { ContractResponse, ContractTarget } from './target';

export type { ContractResponse, ContractTarget } from './target';

/** The matchers vitest's and Playwright's `expect` have in common, as far as the cases use them. */
export interface ContractMatchers {
  toBe(expected: unknown): unknown;
  toEqual(expected: unknown): unknown;
  toMatch(expected: RegExp | string): unknown;
  toContain(expected: unknown): unknown;
  toBeGreaterThan(expected: number): unknown;
  toBeGreaterThanOrEqual(expected: number): unknown;
  toBeLessThan(expected: number): unknown;
  toBeLessThanOrEqual(expected: number): unknown;
  toBeDefined(): unknown;
  toBeUndefined(): unknown;
  toHaveLength(expected: number): unknown;
}

export type ContractExpect = (
  actual: unknown,
  message?: string,
) => ContractMatchers & { not: ContractMatchers };

export interface ContractCase {
  name: string;
  run(t: ContractTarget, expect: ContractExpect): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Fixtures from CONTRACT.md
// ---------------------------------------------------------------------------------------------

const DEMO = { id: 'demo-client', secret: 'demo-secret' } as const;
const ORDERS = { id: 'orders-service', secret: 'orders-secret' } as const;
const REPORTING = { id: 'reporting-job', secret: 'reporting-secret' } as const;
const CRON = { id: 'cron-sync', secret: 'cron-secret' } as const;
const SIGNING_ID = 'signing-client';
const DPOP = { id: 'dpop-client', secret: 'dpop-secret' } as const;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const WAREHOUSE_ID = 'warehouse-sync';
const WAREHOUSE_SUBJECT = 'repo:acme/warehouse-sync:ref:refs/heads/main';
const SEEDED_IDS = [DEMO.id, ORDERS.id, REPORTING.id, CRON.id, SIGNING_ID, WAREHOUSE_ID];
const TYPED_ASSERTION = 'client-authentication+jwt';

// ---------------------------------------------------------------------------------------------
// Helpers (Web APIs + jose only)
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** `client_secret_basic`: id and secret form-urlencoded before base64 (RFC 6749 §2.3.1). */
function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${formEncode(id)}:${formEncode(secret)}`)}`;
}

/** Standard base64 of a string's UTF-8 bytes (what a client that skips form-encoding sends). */
function base64Utf8(value: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(value)));
}

function formBody(params: Record<string, string> | [string, string][]): string {
  return new URLSearchParams(params).toString();
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

function obj(value: unknown): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Json;
}

function show(res: ContractResponse): string {
  return `${res.status} ${JSON.stringify(res.headers)} ${res.text.slice(0, 500)}`;
}

function postForm(
  t: ContractTarget,
  url: string,
  params: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
): Promise<ContractResponse> {
  return t.fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: formBody(params) });
}

function postJson(
  t: ContractTarget,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ContractResponse> {
  return t.fetch(url, {
    method: 'POST',
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify(body),
  });
}

const tokenUrl = (t: ContractTarget) => `${t.issuer}/oauth/token`;
const introspectUrl = (t: ContractTarget) => `${t.issuer}/oauth/introspect`;
const revokeUrl = (t: ContractTarget) => `${t.issuer}/oauth/revoke`;

/** A token for a secret-based client via client_secret_basic; asserts success. */
async function getToken(
  t: ContractTarget,
  expect: ContractExpect,
  client: { id: string; secret: string },
  params: Record<string, string> = {},
): Promise<{ access_token: string; scope: string; expires_in: number; body: Json }> {
  const res = await postForm(
    t,
    tokenUrl(t),
    { grant_type: 'client_credentials', ...params },
    { authorization: basic(client.id, client.secret) },
  );
  expect(res.status, show(res)).toBe(200);
  const body = obj(res.json);
  return {
    access_token: String(body.access_token),
    scope: String(body.scope),
    expires_in: Number(body.expires_in),
    body,
  };
}

function callApi(
  t: ContractTarget,
  path: string,
  token?: string,
  init: RequestInit & { scheme?: string } = {},
): Promise<ContractResponse> {
  const { scheme = 'Bearer', ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== undefined) headers.set('authorization', `${scheme} ${token}`);
  return t.fetch(`${t.api}${path}`, { ...rest, headers });
}

/** Asserts an RFC 6749 §5.2-shaped JSON error. */
function expectError(
  expect: ContractExpect,
  res: ContractResponse,
  status: number,
  error: string,
): Json {
  expect(res.status, show(res)).toBe(status);
  expect(res.headers['content-type'] ?? '', show(res)).toMatch(/^application\/json/);
  const body = obj(res.json);
  expect(body.error, show(res)).toBe(error);
  expect(typeof body.error_description, show(res)).toBe('string');
  expect(String(body.error_description).length, show(res)).toBeGreaterThan(0);
  return body;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one `WWW-Authenticate` challenge strictly: `Scheme k="v", k2="v2"` and nothing else. */
function parseChallenge(header: string | undefined): Challenge {
  if (header === undefined) throw new Error('no WWW-Authenticate header');
  const match = /^([A-Za-z]+)(?: (.*))?$/.exec(header);
  if (!match) throw new Error(`malformed challenge: ${header}`);
  const params: Record<string, string> = {};
  const rest = match[2] ?? '';
  if (rest !== '') {
    const param = /^([a-z_]+)="((?:[^"\\]|\\.)*)"(?:, |$)/;
    let remaining = rest;
    while (remaining !== '') {
      const m = param.exec(remaining);
      if (!m?.[1] || m[2] === undefined) throw new Error(`malformed challenge params: ${header}`);
      if (m[1] in params) throw new Error(`duplicate challenge param ${m[1]}: ${header}`);
      params[m[1]] = m[2];
      remaining = remaining.slice(m[0].length);
    }
  }
  return { scheme: match[1] ?? '', params };
}

const BEARER_PARAMS = ['realm', 'error', 'error_description', 'error_uri', 'scope'];

/** Asserts `WWW-Authenticate: Bearer error="<code>", error_description="..."` (RFC 6750 §3). */
function expectBearerError(
  expect: ContractExpect,
  res: ContractResponse,
  status: number,
  error: string,
): Challenge {
  expect(res.status, show(res)).toBe(status);
  const challenge = parseChallenge(res.headers['www-authenticate']);
  expect(challenge.scheme, show(res)).toBe('Bearer');
  expect(challenge.params.error, show(res)).toBe(error);
  for (const name of Object.keys(challenge.params)) {
    expect(BEARER_PARAMS, `unexpected challenge param ${name}`).toContain(name);
  }
  const description = challenge.params.error_description;
  if (error === 'invalid_token') expect(description, show(res)).toBeDefined();
  if (description !== undefined) {
    expect(description.length).toBeGreaterThan(0);
    // RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash).
    expect(description, 'error_description charset').toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]*$/);
  }
  if (res.json !== undefined) expect(obj(res.json).error, show(res)).toBe(error);
  return challenge;
}

/** Asserts an invalid_token answer whose description names the failed check. */
function expectInvalidToken(expect: ContractExpect, res: ContractResponse, names: RegExp): void {
  const challenge = expectBearerError(expect, res, 401, 'invalid_token');
  expect(challenge.params.error_description ?? '', show(res)).toMatch(names);
}

function expectBasicChallenge(expect: ContractExpect, res: ContractResponse): void {
  const challenge = parseChallenge(res.headers['www-authenticate']);
  expect(challenge.scheme, show(res)).toBe('Basic');
  expect(typeof challenge.params.realm, show(res)).toBe('string');
  for (const name of Object.keys(challenge.params)) {
    expect(['realm', 'charset'], `unexpected Basic param ${name}`).toContain(name);
  }
}

function expectNoStore(expect: ContractExpect, res: ContractResponse): void {
  expect(res.headers['cache-control'] ?? '', show(res)).toMatch(/(^|,)\s*no-store\s*(,|$)/);
}

function scopeSet(scope: unknown): string[] {
  return String(scope).split(' ').filter(Boolean).sort();
}

async function serverNow(t: ContractTarget, expect: ContractExpect): Promise<number> {
  const res = await t.fetch(`${t.issuer}/__admin/clock`);
  expect(res.status, show(res)).toBe(200);
  const now = obj(res.json).now;
  expect(typeof now).toBe('number');
  return now as number;
}

async function advanceClock(t: ContractTarget, expect: ContractExpect, seconds: number) {
  const res = await postJson(t, `${t.issuer}/__admin/clock`, { advance: seconds });
  expect(res.status, show(res)).toBe(200);
}

async function jwks(t: ContractTarget, expect: ContractExpect): Promise<JSONWebKeySet> {
  const res = await t.fetch(`${t.issuer}/.well-known/jwks.json`);
  expect(res.status, show(res)).toBe(200);
  return obj(res.json) as unknown as JSONWebKeySet;
}

async function putClient(
  t: ContractTarget,
  expect: ContractExpect,
  id: string,
  body: Json,
): Promise<void> {
  const res = await t.fetch(`${t.issuer}/__admin/clients/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: JSON_TYPE,
    body: JSON.stringify(body),
  });
  expect(res.status, show(res)).toBeGreaterThanOrEqual(200);
  expect(res.status, show(res)).toBeLessThan(300);
}

/** Claims that pass every API check; cases override one at a time. */
async function goodClaims(t: ContractTarget, expect: ContractExpect): Promise<JWTPayload> {
  const now = await serverNow(t, expect);
  return {
    iss: t.issuer,
    sub: DEMO.id,
    aud: t.audience,
    client_id: DEMO.id,
    scope: 'read:users',
    iat: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
  };
}

async function mint(
  t: ContractTarget,
  expect: ContractExpect,
  claims: JWTPayload,
  sign_with: 'server' | 'rogue' | 'none' = 'server',
  header?: Json,
): Promise<string> {
  const res = await postJson(t, `${t.issuer}/__admin/mint`, {
    claims,
    sign_with,
    ...(header ? { header } : {}),
  });
  expect(res.status, show(res)).toBe(200);
  const token = obj(res.json).token;
  expect(typeof token).toBe('string');
  return token as string;
}

interface SigningKey {
  privateKey: CryptoKey;
  kid: string;
}

/** Registers a fresh ES256 public key for a private_key_jwt client (`signing-client` by default). */
async function registerSigningKey(
  t: ContractTarget,
  expect: ContractExpect,
  id = SIGNING_ID,
): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = `contract-${crypto.randomUUID()}`;
  await putClient(t, expect, id, {
    jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] },
    scopes: ['read:users', 'read:orders'],
  });
  return { privateKey, kid };
}

/** A client assertion (RFC 7523 §3) with good defaults and overridable claims. */
async function clientAssertion(
  t: ContractTarget,
  expect: ContractExpect,
  key: SigningKey,
  overrides: JWTPayload = {},
  clientId = SIGNING_ID,
): Promise<string> {
  const now = await serverNow(t, expect);
  const claims: JWTPayload = {
    iss: clientId,
    sub: clientId,
    aud: tokenUrl(t),
    iat: now,
    exp: now + 60,
    jti: crypto.randomUUID(),
    ...overrides,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

function assertionParams(assertion: string, extra: Record<string, string> = {}) {
  return {
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...extra,
  };
}

async function introspect(
  t: ContractTarget,
  expect: ContractExpect,
  token: string,
  client: { id: string; secret: string } = DEMO,
): Promise<Json> {
  const res = await postForm(
    t,
    introspectUrl(t),
    { token },
    { authorization: basic(client.id, client.secret) },
  );
  expect(res.status, show(res)).toBe(200);
  expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
  return obj(res.json);
}

function signatureOf(jwt: string): string {
  return jwt.split('.')[2] ?? jwt;
}

// ---------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------

const cases: ContractCase[] = [];
function contract(name: string, run: ContractCase['run']): void {
  cases.push({ name, run });
}

// --- Discovery and JWKS ----------------------------------------------------------------------

contract(
  'discovery: RFC 8414 metadata names issuer, endpoints, grants, auth methods, algs, scopes',
  async (t, expect) => {
    const res = await t.fetch(`${t.issuer}/.well-known/oauth-authorization-server`);
    expect(res.status, show(res)).toBe(200);
    expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
    const m = obj(res.json);
    expect(m.issuer).toBe(t.issuer);
    expect(m.token_endpoint).toBe(`${t.issuer}/oauth/token`);
    expect(m.introspection_endpoint).toBe(`${t.issuer}/oauth/introspect`);
    expect(m.revocation_endpoint).toBe(`${t.issuer}/oauth/revoke`);
    expect(m.jwks_uri).toBe(`${t.issuer}/.well-known/jwks.json`);
    expect(m.grant_types_supported).toEqual(['client_credentials']);
    const methods = m.token_endpoint_auth_methods_supported as string[];
    for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt']) {
      expect(methods).toContain(method);
    }
    expect(m.token_endpoint_auth_signing_alg_values_supported as string[]).toContain('ES256');
    expect(m.token_endpoint_auth_signing_alg_values_supported as string[]).not.toContain('none');
    for (const scope of ['read:users', 'read:orders', 'write:orders']) {
      expect(m.scopes_supported as string[]).toContain(scope);
    }
    // RFC 8414 §2 lists response_types_supported as REQUIRED (empty here: no authorization endpoint).
    expect(Array.isArray(m.response_types_supported), 'response_types_supported').toBe(true);
  },
);

contract(
  'discovery: the JWKS holds public signing keys only, each with kid, alg and use "sig"',
  async (t, expect) => {
    const set = await jwks(t, expect);
    expect(Array.isArray(set.keys)).toBe(true);
    expect(set.keys.length).toBeGreaterThan(0);
    const kids = new Set<string>();
    for (const key of set.keys) {
      expect(typeof key.kid).toBe('string');
      kids.add(String(key.kid));
      expect(['ES256', 'RS256']).toContain(key.alg);
      expect(key.use).toBe('sig');
      expect(['EC', 'RSA']).toContain(key.kty);
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        expect((key as Json)[privateMember], `private member ${privateMember}`).toBeUndefined();
      }
    }
    expect(kids.size, 'kids are unique').toBe(set.keys.length);
  },
);

// --- Token endpoint: happy paths -------------------------------------------------------------

contract(
  "token: the seed lesson's JSON request with client_secret_post answers 200 no-store with a Bearer JWT",
  async (t, expect) => {
    const res = await postJson(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: DEMO.id,
      client_secret: DEMO.secret,
      scope: 'read:users',
    });
    expect(res.status, show(res)).toBe(200);
    expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
    expectNoStore(expect, res);
    const body = obj(res.json);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(body.scope).toBe('read:users');
    expect(String(body.access_token).split('.')).toHaveLength(3);
    expect(body.refresh_token).toBeUndefined();
  },
);

contract(
  'token: a form body with client_secret_post (and a charset parameter) is accepted',
  async (t, expect) => {
    const res = await t.fetch(tokenUrl(t), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: formBody({
        grant_type: 'client_credentials',
        client_id: DEMO.id,
        client_secret: DEMO.secret,
      }),
    });
    expect(res.status, show(res)).toBe(200);
    expectNoStore(expect, res);
    expect(obj(res.json).scope).toBe('read:users');
  },
);

contract(
  'token: a JSON body with "application/json; charset=utf-8" is accepted',
  async (t, expect) => {
    const res = await t.fetch(tokenUrl(t), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: DEMO.id,
        client_secret: DEMO.secret,
      }),
    });
    expect(res.status, show(res)).toBe(200);
  },
);

contract(
  'token: client_secret_basic is accepted and the token works on its API route',
  async (t, expect) => {
    const { access_token, scope } = await getToken(t, expect, ORDERS, { scope: 'read:orders' });
    expect(scope).toBe('read:orders');
    const res = await callApi(t, '/api/v1/orders', access_token);
    expect(res.status, show(res)).toBe(200);
    expect(res.json).toBeDefined();
  },
);

contract(
  'token: client_secret_basic form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)',
  async (t, expect) => {
    // client-secret is VSCHAR (RFC 6749 Appendix A.2): printable ASCII, but ':', ' ', '+', '%', '&', '='
    // all change meaning unless form-encoded.
    const client = { id: 'partner:eu', secret: 's3cr3t: +/%&=~' };
    await putClient(t, expect, client.id, { client_secret: client.secret, scopes: ['read:users'] });
    const ok = await getToken(t, expect, client);
    expect(decodeJwt(ok.access_token).client_id).toBe(client.id);
    // The same pair base64'd raw (not form-encoded) must not authenticate: '+' decodes to a space.
    const raw = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${base64Utf8(`${client.id}:${client.secret}`)}` },
    );
    expect(raw.status, show(raw)).toBeGreaterThanOrEqual(400);
    expect(raw.status, show(raw)).toBeLessThan(500);
    // client_secret_post carries the same values through the form encoding itself.
    const post = await postForm(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    });
    expect(post.status, show(post)).toBe(200);
  },
);

contract(
  "token: omitting scope grants all the client's allowed scopes and names them",
  async (t, expect) => {
    const { scope } = await getToken(t, expect, ORDERS);
    expect(scopeSet(scope)).toEqual(['read:orders', 'write:orders']);
  },
);

contract(
  'token: an empty parameter counts as absent (scope= grants the default scopes)',
  async (t, expect) => {
    const { scope } = await getToken(t, expect, DEMO, { scope: '', audience: '', resource: '' });
    expect(scope).toBe('read:users');
    const res = await postForm(
      t,
      tokenUrl(t),
      { grant_type: '' },
      { authorization: basic(DEMO.id, DEMO.secret) },
    );
    expectError(expect, res, 400, 'invalid_request');
  },
);

contract('token: unknown parameters are ignored (RFC 6749 §3.2)', async (t, expect) => {
  const { scope } = await getToken(t, expect, DEMO, {
    foo: 'bar',
    response_type: 'token',
    state: 'x',
  });
  expect(scope).toBe('read:users');
});

contract(
  'token: a body just under 64 KiB is accepted (unknown padding ignored)',
  async (t, expect) => {
    const { scope } = await getToken(t, expect, DEMO, { padding: 'a'.repeat(60 * 1024) });
    expect(scope).toBe('read:users');
  },
);

contract(
  'token: two requests in the same second get two different tokens (new jti)',
  async (t, expect) => {
    const [a, b] = await Promise.all([getToken(t, expect, DEMO), getToken(t, expect, DEMO)]);
    const c = await getToken(t, expect, DEMO);
    const tokens = new Set([a.access_token, b.access_token, c.access_token]);
    expect(tokens.size).toBe(3);
    const jtis = new Set([a, b, c].map((x) => decodeJwt(x.access_token).jti));
    expect(jtis.size).toBe(3);
  },
);

contract(
  'token: audience or resource naming the API is accepted; an unknown one is invalid_target',
  async (t, expect) => {
    expect(
      decodeJwt((await getToken(t, expect, DEMO, { audience: t.audience })).access_token).aud,
    ).toBe(t.audience);
    expect(
      decodeJwt((await getToken(t, expect, DEMO, { resource: t.audience })).access_token).aud,
    ).toBe(t.audience);
    for (const param of ['audience', 'resource']) {
      const res = await postForm(
        t,
        tokenUrl(t),
        { grant_type: 'client_credentials', [param]: 'https://evil.example.net' },
        { authorization: basic(DEMO.id, DEMO.secret) },
      );
      expectError(expect, res, 400, 'invalid_target');
    }
  },
);

contract('token: a 50-scope request works for a client allowed all 50', async (t, expect) => {
  const scopes = Array.from({ length: 50 }, (_, i) => `scope:${i}`);
  const client = { id: 'wide-client', secret: 'wide-secret' };
  await putClient(t, expect, client.id, { client_secret: client.secret, scopes });
  const { scope } = await getToken(t, expect, client, { scope: scopes.join(' ') });
  expect(scopeSet(scope)).toEqual([...scopes].sort());
});

contract(
  'token: a 50-scope request from a client allowed one scope is invalid_scope, not down-scoped',
  async (t, expect) => {
    const scopes = ['read:users', ...Array.from({ length: 49 }, (_, i) => `extra:${i}`)];
    const res = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials', scope: scopes.join(' ') },
      { authorization: basic(DEMO.id, DEMO.secret) },
    );
    expectError(expect, res, 400, 'invalid_scope');
  },
);

// --- Token endpoint: private_key_jwt (RFC 7523) -----------------------------------------------

contract(
  'token: private_key_jwt with aud = token endpoint is accepted and the token works',
  async (t, expect) => {
    const key = await registerSigningKey(t, expect);
    const res = await postForm(
      t,
      tokenUrl(t),
      assertionParams(await clientAssertion(t, expect, key)),
    );
    expect(res.status, show(res)).toBe(200);
    expectNoStore(expect, res);
    const body = obj(res.json);
    expect(scopeSet(body.scope)).toEqual(['read:orders', 'read:users']);
    const claims = decodeJwt(String(body.access_token));
    expect(claims.sub).toBe(SIGNING_ID);
    expect(claims.client_id).toBe(SIGNING_ID);
    const api = await callApi(t, '/api/v1/orders', String(body.access_token));
    expect(api.status, show(api)).toBe(200);
  },
);

contract(
  'token: private_key_jwt with aud = issuer (and a matching client_id) is accepted',
  async (t, expect) => {
    const key = await registerSigningKey(t, expect);
    const assertion = await clientAssertion(t, expect, key, { aud: t.issuer });
    const res = await postForm(
      t,
      tokenUrl(t),
      assertionParams(assertion, { client_id: SIGNING_ID, scope: 'read:users' }),
    );
    expect(res.status, show(res)).toBe(200);
    expect(obj(res.json).scope).toBe('read:users');
  },
);

contract('token: private_key_jwt in a JSON body is accepted', async (t, expect) => {
  const key = await registerSigningKey(t, expect);
  const res = await postJson(
    t,
    tokenUrl(t),
    assertionParams(await clientAssertion(t, expect, key)),
  );
  expect(res.status, show(res)).toBe(200);
});

contract('token: a replayed client assertion (same jti) is invalid_client', async (t, expect) => {
  const key = await registerSigningKey(t, expect);
  const assertion = await clientAssertion(t, expect, key);
  const first = await postForm(t, tokenUrl(t), assertionParams(assertion));
  expect(first.status, show(first)).toBe(200);
  const replay = await postForm(t, tokenUrl(t), assertionParams(assertion));
  expectError(expect, replay, 401, 'invalid_client');
  expect(
    replay.headers['www-authenticate'],
    'no Basic challenge without the header',
  ).toBeUndefined();
});

contract(
  'token: bad client assertions (stranger key, expired, iss != sub, wrong aud, unknown client) are invalid_client',
  async (t, expect) => {
    const key = await registerSigningKey(t, expect);
    const now = await serverNow(t, expect);
    const stranger = await generateKeyPair('ES256');
    const bad: [string, string][] = [
      [
        'stranger key',
        await clientAssertion(t, expect, { privateKey: stranger.privateKey, kid: key.kid }),
      ],
      ['expired', await clientAssertion(t, expect, key, { iat: now - 600, exp: now - 300 })],
      ['iss != sub', await clientAssertion(t, expect, key, { sub: DEMO.id })],
      [
        'wrong aud',
        await clientAssertion(t, expect, key, { aud: 'https://evil.example.net/oauth/token' }),
      ],
      ['unknown client', await clientAssertion(t, expect, key, {}, 'nobody')],
    ];
    for (const [label, assertion] of bad) {
      const res = await postForm(t, tokenUrl(t), assertionParams(assertion));
      expect(res.status, `${label}: ${show(res)}`).toBe(401);
      expect(obj(res.json).error, label).toBe('invalid_client');
    }
  },
);

contract('token: an unsigned (alg none) client assertion is invalid_client', async (t, expect) => {
  await registerSigningKey(t, expect);
  const now = await serverNow(t, expect);
  const enc = (v: unknown) =>
    btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const unsigned = `${enc({ alg: 'none' })}.${enc({ iss: SIGNING_ID, sub: SIGNING_ID, aud: tokenUrl(t), iat: now, exp: now + 60, jti: crypto.randomUUID() })}.`;
  const res = await postForm(t, tokenUrl(t), assertionParams(unsigned));
  expectError(expect, res, 401, 'invalid_client');
});

// --- Token endpoint: negatives ---------------------------------------------------------------

contract('token: missing grant_type is invalid_request', async (t, expect) => {
  const res = await postForm(
    t,
    tokenUrl(t),
    { scope: 'read:users' },
    { authorization: basic(DEMO.id, DEMO.secret) },
  );
  expectError(expect, res, 400, 'invalid_request');
});

contract(
  'token: grant_type password or authorization_code is unsupported_grant_type',
  async (t, expect) => {
    for (const grant_type of ['password', 'authorization_code', 'CLIENT_CREDENTIALS']) {
      const res = await postForm(
        t,
        tokenUrl(t),
        { grant_type },
        { authorization: basic(DEMO.id, DEMO.secret) },
      );
      expectError(expect, res, 400, 'unsupported_grant_type');
    }
  },
);

contract(
  'token: a wrong secret is invalid_client, with a Basic challenge only when Basic was used',
  async (t, expect) => {
    const viaBasic = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic(DEMO.id, 'wrong') },
    );
    expectError(expect, viaBasic, 401, 'invalid_client');
    expectBasicChallenge(expect, viaBasic);
    const viaPost = await postForm(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: DEMO.id,
      client_secret: 'wrong',
    });
    expectError(expect, viaPost, 401, 'invalid_client');
    expect(viaPost.headers['www-authenticate']).toBeUndefined();
  },
);

contract(
  'token: an unknown client is invalid_client, with a Basic challenge only when Basic was used',
  async (t, expect) => {
    const viaBasic = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic('nobody', 'nothing') },
    );
    expectError(expect, viaBasic, 401, 'invalid_client');
    expectBasicChallenge(expect, viaBasic);
    const viaJson = await postJson(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'nothing',
    });
    expectError(expect, viaJson, 401, 'invalid_client');
    expect(viaJson.headers['www-authenticate']).toBeUndefined();
  },
);

contract('token: no client authentication at all is invalid_client', async (t, expect) => {
  const res = await postForm(t, tokenUrl(t), {
    grant_type: 'client_credentials',
    client_id: DEMO.id,
  });
  expectError(expect, res, 401, 'invalid_client');
});

contract('token: the secret of another client does not authenticate', async (t, expect) => {
  const res = await postForm(
    t,
    tokenUrl(t),
    { grant_type: 'client_credentials' },
    { authorization: basic(DEMO.id, ORDERS.secret) },
  );
  expectError(expect, res, 401, 'invalid_client');
});

contract('token: two authentication methods at once are invalid_request', async (t, expect) => {
  const basicAndPost = await postForm(
    t,
    tokenUrl(t),
    { grant_type: 'client_credentials', client_id: DEMO.id, client_secret: DEMO.secret },
    { authorization: basic(DEMO.id, DEMO.secret) },
  );
  expectError(expect, basicAndPost, 400, 'invalid_request');
  const key = await registerSigningKey(t, expect);
  const postAndAssertion = await postForm(
    t,
    tokenUrl(t),
    assertionParams(await clientAssertion(t, expect, key), {
      client_id: DEMO.id,
      client_secret: DEMO.secret,
    }),
  );
  expectError(expect, postAndAssertion, 400, 'invalid_request');
  const basicAndAssertion = await postForm(
    t,
    tokenUrl(t),
    assertionParams(await clientAssertion(t, expect, key)),
    { authorization: basic(DEMO.id, DEMO.secret) },
  );
  expectError(expect, basicAndAssertion, 400, 'invalid_request');
});

contract('token: a parameter sent twice is invalid_request', async (t, expect) => {
  const twice: [string, string][][] = [
    [
      ['grant_type', 'client_credentials'],
      ['grant_type', 'client_credentials'],
    ],
    [
      ['grant_type', 'client_credentials'],
      ['scope', 'read:users'],
      ['scope', 'read:users'],
    ],
    [
      ['grant_type', 'client_credentials'],
      ['client_id', DEMO.id],
      ['client_secret', DEMO.secret],
      ['client_secret', DEMO.secret],
    ],
  ];
  for (const params of twice) {
    const hasPost = params.some(([k]) => k === 'client_id');
    const res = await postForm(
      t,
      tokenUrl(t),
      params,
      hasPost ? {} : { authorization: basic(DEMO.id, DEMO.secret) },
    );
    expectError(expect, res, 400, 'invalid_request');
  }
});

contract(
  'token: a scope the client may not have is invalid_scope (case-sensitive, never down-scoped)',
  async (t, expect) => {
    for (const scope of ['write:orders', 'read:users write:orders', 'READ:USERS', 'read:user']) {
      const res = await postForm(
        t,
        tokenUrl(t),
        { grant_type: 'client_credentials', scope },
        { authorization: basic(DEMO.id, DEMO.secret) },
      );
      expectError(expect, res, 400, 'invalid_scope');
    }
  },
);

contract('token: a content type other than form or JSON is invalid_request', async (t, expect) => {
  const body = formBody({
    grant_type: 'client_credentials',
    client_id: DEMO.id,
    client_secret: DEMO.secret,
  });
  for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
    const res = await t.fetch(tokenUrl(t), {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
    expectError(expect, res, 400, 'invalid_request');
  }
});

contract(
  'token: malformed JSON (or JSON that is not an object) is invalid_request',
  async (t, expect) => {
    for (const body of [
      '{"grant_type":',
      '{grant_type: client_credentials}',
      '[]',
      '"client_credentials"',
      '',
    ]) {
      const res = await t.fetch(tokenUrl(t), {
        method: 'POST',
        headers: { ...JSON_TYPE, authorization: basic(DEMO.id, DEMO.secret) },
        body,
      });
      expectError(expect, res, 400, 'invalid_request');
    }
  },
);

contract('token: a body over 64 KiB is invalid_request', async (t, expect) => {
  const res = await postForm(
    t,
    tokenUrl(t),
    { grant_type: 'client_credentials', padding: 'a'.repeat(70 * 1024) },
    { authorization: basic(DEMO.id, DEMO.secret) },
  );
  expectError(expect, res, 400, 'invalid_request');
});

// --- Rate limit -----------------------------------------------------------------------------

contract(
  "token: cron-sync's 6th request in a minute is 429 with Retry-After and a JSON error; reset clears it",
  async (t, expect) => {
    for (let i = 1; i <= 5; i++) await getToken(t, expect, CRON);
    const limited = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic(CRON.id, CRON.secret) },
    );
    expect(limited.status, show(limited)).toBe(429);
    const retryAfter = limited.headers['retry-after'] ?? '';
    expect(retryAfter, show(limited)).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const body = obj(limited.json);
    expect(typeof body.error).toBe('string');
    expect(typeof body.error_description).toBe('string');
    // Other clients are not throttled by cron-sync's budget.
    await getToken(t, expect, DEMO);
    await t.adminReset();
    await getToken(t, expect, CRON);
  },
);

contract(
  'token: a per-client rate_limit_per_minute set through the admin API applies',
  async (t, expect) => {
    const client = { id: 'throttled', secret: 'throttled-secret' };
    await putClient(t, expect, client.id, {
      client_secret: client.secret,
      scopes: ['read:users'],
      rate_limit_per_minute: 2,
    });
    await getToken(t, expect, client);
    await getToken(t, expect, client);
    const res = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic(client.id, client.secret) },
    );
    expect(res.status, show(res)).toBe(429);
    expect(res.headers['retry-after'] ?? '').toMatch(/^\d+$/);
  },
);

// --- Access tokens --------------------------------------------------------------------------

contract(
  'jwt: header is typ at+jwt, ES256, a kid from the JWKS; claims follow RFC 9068 and verify',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    const header = decodeProtectedHeader(access_token);
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe('ES256');
    expect(typeof header.kid).toBe('string');
    const set = await jwks(t, expect);
    expect(set.keys.map((k) => k.kid)).toContain(header.kid);
    const claims = decodeJwt(access_token);
    expect(claims.iss).toBe(t.issuer);
    expect(claims.sub).toBe(DEMO.id);
    expect(claims.aud).toBe(t.audience);
    expect(claims.client_id).toBe(DEMO.id);
    expect(claims.scope).toBe('read:users');
    expect(typeof claims.iat).toBe('number');
    expect(claims.exp).toBe((claims.iat ?? 0) + 3600);
    expect(typeof claims.jti).toBe('string');
    expect(String(claims.jti).length).toBeGreaterThan(0);
    const now = await serverNow(t, expect);
    expect(Math.abs((claims.iat ?? 0) - now)).toBeLessThanOrEqual(5);
    // No user-shaped claims: it is a client, not a user.
    for (const claim of ['email', 'name', 'preferred_username'])
      expect(claims[claim]).toBeUndefined();
    const verified = await jwtVerify(access_token, createLocalJWKSet(set), {
      issuer: t.issuer,
      audience: t.audience,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(now * 1000),
    });
    expect(verified.payload.jti).toBe(claims.jti);
  },
);

contract('jwt: a per-client access_token_ttl sets expires_in and exp - iat', async (t, expect) => {
  const client = { id: 'short-lived', secret: 'short-secret' };
  await putClient(t, expect, client.id, {
    client_secret: client.secret,
    scopes: ['read:users'],
    access_token_ttl: 120,
  });
  const { access_token, expires_in } = await getToken(t, expect, client);
  expect(expires_in).toBe(120);
  const claims = decodeJwt(access_token);
  expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
});

contract(
  'opaque: reporting-job gets an opaque token that introspection resolves and the API accepts',
  async (t, expect) => {
    const { access_token, body } = await getToken(t, expect, REPORTING);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(scopeSet(body.scope)).toEqual(['read:orders', 'read:users']);
    let isJwt = true;
    try {
      decodeJwt(access_token);
    } catch {
      isJwt = false;
    }
    expect(isJwt, 'an opaque token is not a JWT').toBe(false);
    expect(access_token.length).toBeGreaterThanOrEqual(20);
    const info = await introspect(t, expect, access_token, REPORTING);
    expect(info.active).toBe(true);
    expect(info.client_id).toBe(REPORTING.id);
    expect(info.sub).toBe(REPORTING.id);
    expect(info.iss).toBe(t.issuer);
    expect([info.aud].flat()).toContain(t.audience);
    expect(scopeSet(info.scope)).toEqual(['read:orders', 'read:users']);
    expect(String(info.token_type)).toMatch(/^bearer$/i);
    expect(typeof info.jti).toBe('string');
    expect((info.exp as number) - (info.iat as number)).toBe(3600);
    for (const path of ['/api/v1/users', '/api/v1/orders']) {
      const res = await callApi(t, path, access_token);
      expect(res.status, show(res)).toBe(200);
    }
    const post = await callApi(t, '/api/v1/orders', access_token, {
      method: 'POST',
      headers: JSON_TYPE,
      body: '{}',
    });
    expectBearerError(expect, post, 403, 'insufficient_scope');
  },
);

contract('opaque: token_format "opaque" set through the admin API applies', async (t, expect) => {
  const client = { id: 'opaque-client', secret: 'opaque-secret' };
  await putClient(t, expect, client.id, {
    client_secret: client.secret,
    scopes: ['read:users'],
    token_format: 'opaque',
  });
  const { access_token } = await getToken(t, expect, client);
  expect(access_token.split('.').length === 3, 'not a JWT').toBe(false);
  expect((await introspect(t, expect, access_token, client)).active).toBe(true);
});

// --- Introspection --------------------------------------------------------------------------

contract('introspect: a live JWT answers active with its claims', async (t, expect) => {
  const { access_token } = await getToken(t, expect, DEMO);
  const claims = decodeJwt(access_token);
  const info = await introspect(t, expect, access_token, DEMO);
  expect(info.active).toBe(true);
  expect(info.scope).toBe('read:users');
  expect(info.client_id).toBe(DEMO.id);
  expect(info.sub).toBe(DEMO.id);
  expect(info.iss).toBe(t.issuer);
  expect([info.aud].flat()).toContain(t.audience);
  expect(info.exp).toBe(claims.exp);
  expect(info.iat).toBe(claims.iat);
  expect(info.jti).toBe(claims.jti);
  expect(String(info.token_type)).toMatch(/^bearer$/i);
});

contract(
  'introspect: garbage, minted-by-a-stranger and expired tokens answer exactly {"active": false}',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    const rogue = await mint(t, expect, await goodClaims(t, expect), 'rogue');
    expect(await introspect(t, expect, 'not-a-token', DEMO)).toEqual({ active: false });
    expect(await introspect(t, expect, rogue, DEMO)).toEqual({ active: false });
    await advanceClock(t, expect, 3600 + 600);
    expect(await introspect(t, expect, access_token, DEMO)).toEqual({ active: false });
  },
);

contract(
  'introspect: client authentication is required (none or wrong: 401 invalid_client)',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    const none = await postForm(t, introspectUrl(t), { token: access_token });
    expectError(expect, none, 401, 'invalid_client');
    const wrong = await postForm(
      t,
      introspectUrl(t),
      { token: access_token },
      { authorization: basic(DEMO.id, 'nope') },
    );
    expectError(expect, wrong, 401, 'invalid_client');
    expectBasicChallenge(expect, wrong);
    const post = await postForm(t, introspectUrl(t), {
      token: access_token,
      client_id: DEMO.id,
      client_secret: DEMO.secret,
    });
    expect(post.status, show(post)).toBe(200);
    expect(obj(post.json).active).toBe(true);
  },
);

contract('introspect: a request without token is invalid_request', async (t, expect) => {
  const res = await postForm(
    t,
    introspectUrl(t),
    {},
    { authorization: basic(DEMO.id, DEMO.secret) },
  );
  expectError(expect, res, 400, 'invalid_request');
});

// --- Revocation -----------------------------------------------------------------------------

contract(
  'revoke: own token answers 200 empty; then the API says invalid_token and introspection inactive',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
    const res = await postForm(
      t,
      revokeUrl(t),
      { token: access_token, token_type_hint: 'access_token' },
      { authorization: basic(DEMO.id, DEMO.secret) },
    );
    expect(res.status, show(res)).toBe(200);
    expect(res.text).toBe('');
    expectInvalidToken(expect, await callApi(t, '/api/v1/users', access_token), /revoked/i);
    expect(await introspect(t, expect, access_token, DEMO)).toEqual({ active: false });
    const again = await postForm(
      t,
      revokeUrl(t),
      { token: access_token },
      { authorization: basic(DEMO.id, DEMO.secret) },
    );
    expect(again.status, show(again)).toBe(200);
    expect(again.text).toBe('');
  },
);

contract('revoke: an opaque token revoked by its client fails on the API', async (t, expect) => {
  const { access_token } = await getToken(t, expect, REPORTING);
  const res = await postForm(
    t,
    revokeUrl(t),
    { token: access_token },
    { authorization: basic(REPORTING.id, REPORTING.secret) },
  );
  expect(res.status, show(res)).toBe(200);
  expect(res.text).toBe('');
  expectBearerError(expect, await callApi(t, '/api/v1/users', access_token), 401, 'invalid_token');
  expect(await introspect(t, expect, access_token, REPORTING)).toEqual({ active: false });
});

contract("revoke: another client's token stays live", async (t, expect) => {
  const { access_token } = await getToken(t, expect, DEMO);
  const res = await postForm(
    t,
    revokeUrl(t),
    { token: access_token },
    { authorization: basic(ORDERS.id, ORDERS.secret) },
  );
  expect(res.status, show(res)).toBeLessThan(500);
  expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
  expect((await introspect(t, expect, access_token, DEMO)).active).toBe(true);
});

contract('revoke: an unknown token answers 200 with an empty body', async (t, expect) => {
  const res = await postForm(
    t,
    revokeUrl(t),
    { token: 'never-issued' },
    { authorization: basic(DEMO.id, DEMO.secret) },
  );
  expect(res.status, show(res)).toBe(200);
  expect(res.text).toBe('');
});

contract('revoke: client authentication is required (401 invalid_client)', async (t, expect) => {
  const { access_token } = await getToken(t, expect, DEMO);
  const res = await postForm(t, revokeUrl(t), { token: access_token });
  expectError(expect, res, 401, 'invalid_client');
  const wrong = await postForm(
    t,
    revokeUrl(t),
    { token: access_token },
    { authorization: basic(DEMO.id, 'bad') },
  );
  expectError(expect, wrong, 401, 'invalid_client');
  expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
});

contract('revoke: a request without token is invalid_request', async (t, expect) => {
  const res = await postForm(t, revokeUrl(t), {}, { authorization: basic(DEMO.id, DEMO.secret) });
  expectError(expect, res, 400, 'invalid_request');
});

// --- Resource API ---------------------------------------------------------------------------

contract(
  "api: a valid token with the route's scope gets 200 JSON on GET /api/v1/users",
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    const res = await callApi(t, '/api/v1/users', access_token);
    expect(res.status, show(res)).toBe(200);
    expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
    expect(res.json).toBeDefined();
  },
);

contract(
  'api: no credentials is 401 with a Bearer realm challenge and no error code',
  async (t, expect) => {
    const res = await callApi(t, '/api/v1/users');
    expect(res.status, show(res)).toBe(401);
    const challenge = parseChallenge(res.headers['www-authenticate']);
    expect(challenge.scheme).toBe('Bearer');
    expect(Object.keys(challenge.params)).toEqual(['realm']);
    expect((challenge.params.realm ?? '').length).toBeGreaterThan(0);
  },
);

contract('api: the Bearer scheme is case-insensitive', async (t, expect) => {
  const { access_token } = await getToken(t, expect, DEMO);
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    const res = await callApi(t, '/api/v1/users', access_token, { scheme });
    expect(res.status, `${scheme}: ${show(res)}`).toBe(200);
  }
});

contract(
  'api: a token in the query string is refused (400 invalid_request), even beside a valid header',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    const both = await callApi(
      t,
      `/api/v1/users?access_token=${encodeURIComponent(access_token)}`,
      access_token,
    );
    expect(both.status, show(both)).toBe(400);
    expect(obj(both.json).error).toBe('invalid_request');
    const queryOnly = await callApi(
      t,
      `/api/v1/users?access_token=${encodeURIComponent(access_token)}`,
    );
    expect(queryOnly.status, show(queryOnly)).toBe(400);
    expect(obj(queryOnly.json).error).toBe('invalid_request');
  },
);

contract(
  'api: an expired token is 401 invalid_token naming exp; within the 60 s leeway it still works',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    await advanceClock(t, expect, 3600 + 30);
    const within = await callApi(t, '/api/v1/users', access_token);
    expect(within.status, show(within)).toBe(200);
    await advanceClock(t, expect, 60);
    expectInvalidToken(expect, await callApi(t, '/api/v1/users', access_token), /\bexp\b|expire/i);
  },
);

contract('api: a token from another issuer is invalid_token naming iss', async (t, expect) => {
  const token = await mint(t, expect, {
    ...(await goodClaims(t, expect)),
    iss: 'https://evil.example.net',
  });
  expectInvalidToken(expect, await callApi(t, '/api/v1/users', token), /\biss\b|issuer/i);
});

contract('api: a token for another audience is invalid_token naming aud', async (t, expect) => {
  const token = await mint(t, expect, {
    ...(await goodClaims(t, expect)),
    aud: 'https://other-api.example.net',
  });
  expectInvalidToken(expect, await callApi(t, '/api/v1/users', token), /\baud\b|audience/i);
});

contract('api: a token whose typ is not at+jwt is invalid_token naming typ', async (t, expect) => {
  const token = await mint(t, expect, await goodClaims(t, expect), 'server', { typ: 'JWT' });
  expectInvalidToken(expect, await callApi(t, '/api/v1/users', token), /\btyp\b|type/i);
});

contract('api: an unsigned token (alg none) is invalid_token naming alg', async (t, expect) => {
  const token = await mint(t, expect, await goodClaims(t, expect), 'none');
  expect(decodeProtectedHeader(token).alg).toBe('none');
  expectInvalidToken(
    expect,
    await callApi(t, '/api/v1/users', token),
    /\balg\b|algorithm|none|unsigned/i,
  );
});

contract("api: a token signed by a stranger's key is invalid_token", async (t, expect) => {
  const token = await mint(t, expect, await goodClaims(t, expect), 'rogue');
  expectInvalidToken(expect, await callApi(t, '/api/v1/users', token), /signature|\bkid\b|key/i);
});

contract('api: a token with an unknown kid is invalid_token naming kid', async (t, expect) => {
  const token = await mint(t, expect, await goodClaims(t, expect), 'server', {
    kid: 'no-such-kid',
  });
  expectInvalidToken(expect, await callApi(t, '/api/v1/users', token), /\bkid\b|key/i);
});

contract(
  'api: a server-minted token with good claims works (the bad-token cases differ by one thing)',
  async (t, expect) => {
    const token = await mint(t, expect, await goodClaims(t, expect));
    const res = await callApi(t, '/api/v1/users', token);
    expect(res.status, show(res)).toBe(200);
  },
);

contract(
  'api: nbf or iat beyond the leeway in the future is invalid_token; within it, accepted',
  async (t, expect) => {
    const claims = await goodClaims(t, expect);
    const now = claims.iat ?? 0;
    expectInvalidToken(
      expect,
      await callApi(t, '/api/v1/users', await mint(t, expect, { ...claims, nbf: now + 600 })),
      /\bnbf\b|not before|not yet/i,
    );
    expectInvalidToken(
      expect,
      await callApi(
        t,
        '/api/v1/users',
        await mint(t, expect, { ...claims, iat: now + 600, jti: crypto.randomUUID() }),
      ),
      /\biat\b|issued|future/i,
    );
    const skewed = await mint(t, expect, {
      ...claims,
      iat: now + 30,
      nbf: now + 30,
      jti: crypto.randomUUID(),
    });
    expect((await callApi(t, '/api/v1/users', skewed)).status).toBe(200);
  },
);

contract(
  'api: checks run in the documented order (alg before iss, iss before aud, aud before exp)',
  async (t, expect) => {
    const claims = await goodClaims(t, expect);
    const noneAndIss = await mint(
      t,
      expect,
      { ...claims, iss: 'https://evil.example.net' },
      'none',
    );
    const c1 = expectBearerError(
      expect,
      await callApi(t, '/api/v1/users', noneAndIss),
      401,
      'invalid_token',
    );
    expect(c1.params.error_description ?? '').toMatch(/\balg\b|algorithm|none|unsigned/i);
    const issAndAud = await mint(t, expect, {
      ...claims,
      iss: 'https://evil.example.net',
      aud: 'https://x.example.net',
    });
    const c2 = expectBearerError(
      expect,
      await callApi(t, '/api/v1/users', issAndAud),
      401,
      'invalid_token',
    );
    expect(c2.params.error_description ?? '').toMatch(/\biss\b|issuer/i);
    const audAndExp = await mint(t, expect, {
      ...claims,
      aud: 'https://x.example.net',
      exp: (claims.iat ?? 0) - 3600,
    });
    const c3 = expectBearerError(
      expect,
      await callApi(t, '/api/v1/users', audAndExp),
      401,
      'invalid_token',
    );
    expect(c3.params.error_description ?? '').toMatch(/\baud\b|audience/i);
  },
);

contract('api: malformed bearer values are invalid_token', async (t, expect) => {
  for (const value of ['abc', 'a.b.c', 'eyJ.eyJ.sig', '....']) {
    expectBearerError(expect, await callApi(t, '/api/v1/users', value), 401, 'invalid_token');
  }
});

contract(
  "api: a valid token without the route's scope is 403 insufficient_scope naming the scope",
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    const res = await callApi(t, '/api/v1/orders', access_token);
    const challenge = expectBearerError(expect, res, 403, 'insufficient_scope');
    expect(challenge.params.scope).toBe('read:orders');
    const { access_token: readOrders } = await getToken(t, expect, ORDERS, {
      scope: 'read:orders',
    });
    const post = await callApi(t, '/api/v1/orders', readOrders, {
      method: 'POST',
      headers: JSON_TYPE,
      body: '{"item":"coffee","quantity":1}',
    });
    expect(expectBearerError(expect, post, 403, 'insufficient_scope').params.scope).toBe(
      'write:orders',
    );
  },
);

contract(
  'api: scopes match exactly: read:user does not open a read:users route',
  async (t, expect) => {
    const client = { id: 'almost', secret: 'almost-secret' };
    await putClient(t, expect, client.id, {
      client_secret: client.secret,
      scopes: ['read:user', 'read:users:all', 'read:usersx'],
    });
    const { access_token } = await getToken(t, expect, client);
    const res = await callApi(t, '/api/v1/users', access_token);
    expect(expectBearerError(expect, res, 403, 'insufficient_scope').params.scope).toBe(
      'read:users',
    );
    const minted = await mint(t, expect, {
      ...(await goodClaims(t, expect)),
      scope: 'read:users-admin READ:USERS',
    });
    expectBearerError(expect, await callApi(t, '/api/v1/users', minted), 403, 'insufficient_scope');
  },
);

contract(
  'api: POST /api/v1/orders with write:orders answers 201 with the created order',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, ORDERS);
    const res = await callApi(t, '/api/v1/orders', access_token, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ item: 'coffee beans', quantity: 2 }),
    });
    expect(res.status, show(res)).toBe(201);
    expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
    const order = obj(res.json);
    expect(order.id).toBeDefined();
    const list = await callApi(t, '/api/v1/orders', access_token);
    expect(list.status, show(list)).toBe(200);
  },
);

// --- Routing --------------------------------------------------------------------------------

contract(
  'routing: a known path with the wrong method is 405 with an Allow header and a JSON error',
  async (t, expect) => {
    const checks: [string, string, string[]][] = [
      ['GET', `${t.issuer}/oauth/token`, ['POST']],
      ['PUT', `${t.issuer}/oauth/introspect`, ['POST']],
      ['GET', `${t.issuer}/oauth/revoke`, ['POST']],
      ['POST', `${t.issuer}/.well-known/jwks.json`, ['GET']],
      ['DELETE', `${t.issuer}/.well-known/oauth-authorization-server`, ['GET']],
      ['DELETE', `${t.api}/api/v1/users`, ['GET']],
      ['PUT', `${t.api}/api/v1/orders`, ['GET', 'POST']],
    ];
    for (const [method, url, allowed] of checks) {
      const res = await t.fetch(url, { method });
      expect(res.status, `${method} ${url}: ${show(res)}`).toBe(405);
      const allow = (res.headers.allow ?? '').split(',').map((m) => m.trim());
      for (const m of allowed) expect(allow, `${method} ${url}`).toContain(m);
      expect(allow, `${method} ${url}`).not.toContain(method);
      expect(typeof obj(res.json).error).toBe('string');
    }
  },
);

contract('routing: unknown paths on our hosts answer a JSON 404', async (t, expect) => {
  for (const url of [
    `${t.issuer}/nope`,
    `${t.issuer}/oauth/token/extra`,
    `${t.api}/api/v1/nope`,
    `${t.api}/api/v2/users`,
    `${t.issuer}/__admin/nope`,
  ]) {
    const res = await t.fetch(url);
    expect(res.status, `${url}: ${show(res)}`).toBe(404);
    expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
    expect(typeof obj(res.json).error).toBe('string');
  }
});

// --- Control API ----------------------------------------------------------------------------

contract('admin: the clock reads, advances, sets, and reset brings it back', async (t, expect) => {
  const first = await t.fetch(`${t.issuer}/__admin/clock`);
  expect(first.status, show(first)).toBe(200);
  const c0 = obj(first.json);
  expect(c0.offset).toBe(0);
  expect(Math.abs((c0.now as number) - Date.now() / 1000)).toBeLessThan(10);
  await advanceClock(t, expect, 120);
  const c1 = obj((await t.fetch(`${t.issuer}/__admin/clock`)).json);
  expect(c1.offset).toBe(120);
  expect((c1.now as number) - (c0.now as number)).toBeGreaterThanOrEqual(119);
  const target = (c0.now as number) + 86_400;
  const set = await postJson(t, `${t.issuer}/__admin/clock`, { set: target });
  expect(set.status, show(set)).toBe(200);
  expect(Math.abs((await serverNow(t, expect)) - target)).toBeLessThanOrEqual(2);
  await t.adminReset();
  expect(obj((await t.fetch(`${t.issuer}/__admin/clock`)).json).offset).toBe(0);
});

contract(
  'admin: the clock drives token times (iat follows the shifted clock)',
  async (t, expect) => {
    await advanceClock(t, expect, 10_000);
    const now = await serverNow(t, expect);
    const { access_token } = await getToken(t, expect, DEMO);
    expect(Math.abs((decodeJwt(access_token).iat ?? 0) - now)).toBeLessThanOrEqual(5);
    expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
  },
);

contract(
  'admin: the client registry lists, adds and deletes clients; reset restores the seed',
  async (t, expect) => {
    const listIds = async () => {
      const res = await t.fetch(`${t.issuer}/__admin/clients`);
      expect(res.status, show(res)).toBe(200);
      const json = res.json as unknown;
      const list = (Array.isArray(json) ? json : obj(json).clients) as Json[];
      return list.map((c) => String(c.client_id ?? c.id));
    };
    const seeded = await listIds();
    for (const id of SEEDED_IDS) expect(seeded).toContain(id);
    const client = { id: 'new-client', secret: 'new-secret' };
    await putClient(t, expect, client.id, {
      client_secret: client.secret,
      scopes: ['read:orders'],
    });
    expect(await listIds()).toContain(client.id);
    expect((await getToken(t, expect, client)).scope).toBe('read:orders');
    const del = await t.fetch(`${t.issuer}/__admin/clients/${DEMO.id}`, { method: 'DELETE' });
    expect(del.status, show(del)).toBeLessThan(300);
    expect(await listIds()).not.toContain(DEMO.id);
    const gone = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic(DEMO.id, DEMO.secret) },
    );
    expectError(expect, gone, 401, 'invalid_client');
    await t.adminReset();
    const after = await listIds();
    expect(after).toContain(DEMO.id);
    expect(after).not.toContain(client.id);
    await getToken(t, expect, DEMO);
  },
);

contract('admin: an invalid client body is a 400 JSON error', async (t, expect) => {
  for (const body of [
    { client_secret: 'x', scopes: 'read:users' },
    { scopes: ['read:users'] },
    { client_secret: 'x', scopes: ['a'], token_format: 'paseto' },
  ]) {
    const res = await t.fetch(`${t.issuer}/__admin/clients/bad-client`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify(body),
    });
    expect(res.status, `${JSON.stringify(body)}: ${show(res)}`).toBe(400);
    expect(typeof obj(res.json).error).toBe('string');
  }
});

contract(
  'admin: key rotation adds a key; tokens signed by the old one keep verifying until it is retired',
  async (t, expect) => {
    const { access_token: old } = await getToken(t, expect, DEMO);
    const oldKid = decodeProtectedHeader(old).kid;
    const rotate = await postJson(t, `${t.issuer}/__admin/keys/rotate`, {});
    expect(rotate.status, show(rotate)).toBe(200);
    const kids = (await jwks(t, expect)).keys.map((k) => k.kid);
    expect(kids).toContain(oldKid);
    const { access_token: fresh } = await getToken(t, expect, DEMO);
    const freshKid = decodeProtectedHeader(fresh).kid;
    expect(freshKid).not.toBe(oldKid);
    expect(kids).toContain(freshKid);
    expect((await callApi(t, '/api/v1/users', old)).status).toBe(200);
    expect((await callApi(t, '/api/v1/users', fresh)).status).toBe(200);
    const retire = await postJson(t, `${t.issuer}/__admin/keys/rotate`, { retire_previous: true });
    expect(retire.status, show(retire)).toBe(200);
    const after = (await jwks(t, expect)).keys.map((k) => k.kid);
    expect(after).not.toContain(freshKid);
    const newest = await getToken(t, expect, DEMO);
    expect(after).toContain(decodeProtectedHeader(newest.access_token).kid);
    expectInvalidToken(expect, await callApi(t, '/api/v1/users', fresh), /\bkid\b|key/i);
    expect((await callApi(t, '/api/v1/users', newest.access_token)).status).toBe(200);
  },
);

contract(
  'admin: the log records requests with no secret, assertion or token in it',
  async (t, expect) => {
    const viaJson = await postJson(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: DEMO.id,
      client_secret: DEMO.secret,
    });
    const jsonToken = String(obj(viaJson.json).access_token);
    const { access_token: ordersToken } = await getToken(t, expect, ORDERS);
    const { access_token: opaque } = await getToken(t, expect, REPORTING);
    const key = await registerSigningKey(t, expect);
    const assertion = await clientAssertion(t, expect, key);
    const viaJwt = await postForm(t, tokenUrl(t), assertionParams(assertion));
    const jwtToken = String(obj(viaJwt.json).access_token);
    await putClient(t, expect, 'logged-client', {
      client_secret: 'put-secret-6d1f',
      scopes: ['read:users'],
    });
    const minted = await mint(t, expect, await goodClaims(t, expect));
    await callApi(t, '/api/v1/users', jsonToken);
    await callApi(t, '/api/v1/orders', ordersToken);
    await callApi(t, `/api/v1/users?access_token=${encodeURIComponent(minted)}`);
    await introspect(t, expect, opaque, REPORTING);
    await postForm(
      t,
      revokeUrl(t),
      { token: ordersToken },
      { authorization: basic(ORDERS.id, ORDERS.secret) },
    );
    await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic(DEMO.id, 'wrong-secret-93a') },
    );

    const res = await t.fetch(`${t.issuer}/__admin/log`);
    expect(res.status, show(res)).toBe(200);
    const log = res.text;
    expect(log).toContain('/oauth/token');
    expect(log).toContain('/api/v1/users');
    const secrets: [string, string][] = [
      ['demo secret', DEMO.secret],
      ['orders secret', ORDERS.secret],
      ['reporting secret', REPORTING.secret],
      ['wrong secret', 'wrong-secret-93a'],
      ['admin PUT secret', 'put-secret-6d1f'],
      ['Basic credentials', btoa(`${DEMO.id}:${DEMO.secret}`)],
      ['orders Basic credentials', btoa(`${ORDERS.id}:${ORDERS.secret}`)],
      ['client assertion', assertion],
      ['client assertion signature', signatureOf(assertion)],
      ['JSON-issued token', jsonToken],
      ['JSON-issued token signature', signatureOf(jsonToken)],
      ['orders token signature', signatureOf(ordersToken)],
      ['private_key_jwt token signature', signatureOf(jwtToken)],
      ['minted token signature', signatureOf(minted)],
      ['opaque token', opaque],
    ];
    for (const [label, secret] of secrets) {
      expect(log.includes(secret), `${label} appears in the log`).toBe(false);
    }
  },
);

contract(
  'admin: reset clears the log and revocations, and keeps the signing keys',
  async (t, expect) => {
    const { access_token } = await getToken(t, expect, DEMO);
    expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
    const revoke = await t.fetch(`${t.issuer}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: access_token,
        client_id: 'demo-client',
        client_secret: 'demo-secret',
      }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(401);
    const jwksBefore = (await t.fetch(`${t.issuer}/.well-known/jwks.json`)).text;
    await t.adminReset();
    const log = await t.fetch(`${t.issuer}/__admin/log`);
    expect(log.status).toBe(200);
    expect(log.text.includes('/api/v1/users'), 'log cleared by reset').toBe(false);
    expect((await t.fetch(`${t.issuer}/.well-known/jwks.json`)).text).toBe(jwksBefore);
    // Keys change only on rotation (docs/decisions/reset-keeps-keys.md), so the old token is live
    // again once its revocation is reset away.
    expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
    const fresh = await getToken(t, expect, DEMO);
    expect((await callApi(t, '/api/v1/users', fresh.access_token)).status).toBe(200);
  },
);

contract(
  'errors: what a client sent is never quoted back or logged (malformed JSON, a bare Authorization value)',
  async (t, expect) => {
    const secret = 'leaked-secret-4c1f';
    const malformed = await t.fetch(tokenUrl(t), {
      method: 'POST',
      headers: JSON_TYPE,
      body: `{"grant_type":"client_credentials","client_id":"${DEMO.id}","client_secret":${secret}}`,
    });
    expect(malformed.status, show(malformed)).toBe(400);
    expect(obj(malformed.json).error).toBe('invalid_request');
    const bare = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: 'leaked-token-7a2e' },
    );
    expect(bare.status, show(bare)).toBe(400);
    expect(obj(bare.json).error_description).toMatch(/no scheme/);
    const log = (await t.fetch(`${t.issuer}/__admin/log`)).text;
    const leaks: [string, string][] = [
      ['secret in malformed JSON', secret.slice(0, 10)],
      ['bare Authorization value', 'leaked-token-7a2e'],
    ];
    for (const [label, value] of leaks) {
      expect(`${malformed.text}${bare.text}`.includes(value), `${label} in a response`).toBe(false);
      expect(log.includes(value), `${label} in the log`).toBe(false);
    }
  },
);

contract('errors: JSON nested thousands deep is a 400, never a 500', async (t, expect) => {
  const deep = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
  for (const url of [tokenUrl(t), `${t.issuer}/__admin/clock`, `${t.issuer}/__admin/mint`]) {
    const res = await t.fetch(url, { method: 'POST', headers: JSON_TYPE, body: deep });
    expect(res.status, `${url}: ${show(res)}`).toBe(400);
    expect(obj(res.json).error_description).toMatch(/deeper than 32 levels/);
  }
});

contract(
  'private_key_jwt: an assertion living over an hour is refused; a replay stays refused after the clock moves forward and back',
  async (t, expect) => {
    const key = await registerSigningKey(t, expect);
    const now = await serverNow(t, expect);
    const long = await postForm(
      t,
      tokenUrl(t),
      // A minute over, so a second passing between the two requests cannot decide it.
      assertionParams(await clientAssertion(t, expect, key, { exp: now + 3660 })),
    );
    expect(long.status, show(long)).toBe(401);
    expect(obj(long.json).error).toBe('invalid_client');
    expect(obj(long.json).error_description).toMatch(/too long-lived/);

    const assertion = await clientAssertion(t, expect, key);
    const first = await postForm(t, tokenUrl(t), assertionParams(assertion));
    expect(first.status, show(first)).toBe(200);
    await advanceClock(t, expect, 7200);
    // Another request while the assertion is dead on the server clock: the server prunes then.
    await getToken(t, expect, DEMO);
    await advanceClock(t, expect, -7200);
    const replay = await postForm(t, tokenUrl(t), assertionParams(assertion));
    expect(replay.status, show(replay)).toBe(401);
    expect(obj(replay.json).error_description).toMatch(/already used/);
  },
);

// --- Additions: two secrets, revoke a client's tokens -------------------------------------------

/** The newest token-endpoint log entry, through the admin API. */
async function lastTokenLog(t: ContractTarget, expect: ContractExpect): Promise<Json> {
  const res = await t.fetch(`${t.issuer}/__admin/log?endpoint=token&order=newest&limit=1`);
  expect(res.status, show(res)).toBe(200);
  const [entry] = obj(res.json).entries as Json[];
  return obj(entry);
}

function stepNote(entry: Json, name: string): unknown {
  return (entry.steps as Json[]).find((step) => step.name === name)?.note;
}

contract(
  'additions: a client with client_secrets [old, new] authenticates with either; the log says which, never the secret',
  async (t, expect) => {
    const old = { id: 'rotating-job', secret: 'old-secret-1' };
    const next = { id: 'rotating-job', secret: 'new-secret-2' };
    await putClient(t, expect, old.id, {
      client_secrets: [old.secret, next.secret],
      scopes: ['read:users'],
    });
    const view = await t.fetch(`${t.issuer}/__admin/clients/${old.id}`);
    expect(obj(view.json).client_secrets).toEqual([old.secret, next.secret]);
    await getToken(t, expect, old);
    expect(stepNote(await lastTokenLog(t, expect), 'checkClientSecret')).toBe('secret 1 of 2');
    const viaBody = await postForm(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: next.id,
      client_secret: next.secret,
    });
    expect(viaBody.status, show(viaBody)).toBe(200);
    const entry = await lastTokenLog(t, expect);
    expect(stepNote(entry, 'checkClientSecret')).toBe('secret 2 of 2');
    const log = await t.fetch(`${t.issuer}/__admin/log`);
    expect(log.text).not.toContain(old.secret);
    expect(log.text).not.toContain(next.secret);

    // Drop the old one: it stops working at once, the new one goes on.
    await putClient(t, expect, old.id, { client_secrets: [next.secret], scopes: ['read:users'] });
    const refused = await postForm(
      t,
      tokenUrl(t),
      { grant_type: 'client_credentials' },
      { authorization: basic(old.id, old.secret) },
    );
    expectError(expect, refused, 401, 'invalid_client');
    await getToken(t, expect, next);
    const bad = await t.fetch(`${t.issuer}/__admin/clients/${old.id}`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify({ client_secrets: ['a', 'b', 'c'], scopes: [] }),
    });
    expectError(expect, bad, 400, 'invalid_request');
  },
);

contract(
  'additions: POST /__admin/clients/:id/revoke-tokens answers {revoked: n}; each token then fails on the API and introspects inactive',
  async (t, expect) => {
    const a = await getToken(t, expect, DEMO);
    const b = await getToken(t, expect, DEMO);
    const other = await getToken(t, expect, ORDERS);
    const res = await postJson(t, `${t.issuer}/__admin/clients/${DEMO.id}/revoke-tokens`, {});
    expect(res.status, show(res)).toBe(200);
    expect(res.json).toEqual({ revoked: 2 });
    for (const token of [a.access_token, b.access_token]) {
      const api = await callApi(t, '/api/v1/users', token);
      expectBearerError(expect, api, 401, 'invalid_token');
      expect(await introspect(t, expect, token)).toEqual({ active: false });
    }
    expect((await callApi(t, '/api/v1/orders', other.access_token)).status).toBe(200);
    const fresh = await getToken(t, expect, DEMO);
    expect((await callApi(t, '/api/v1/users', fresh.access_token)).status).toBe(200);
    const unknown = await postJson(t, `${t.issuer}/__admin/clients/nobody/revoke-tokens`, {});
    expect(unknown.status, show(unknown)).toBe(404);
  },
);

// --- Additions: the client-assertion audience (draft-ietf-oauth-rfc7523bis) -------------------

async function typedAssertion(
  t: ContractTarget,
  expect: ContractExpect,
  key: SigningKey,
  overrides: JWTPayload = {},
  /** `null`: no typ at all, as RFC 7523 was published. */
  typ: string | null = TYPED_ASSERTION,
): Promise<string> {
  const now = await serverNow(t, expect);
  return new SignJWT({
    iss: SIGNING_ID,
    sub: SIGNING_ID,
    aud: t.issuer,
    iat: now,
    exp: now + 60,
    jti: crypto.randomUUID(),
    ...overrides,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...(typ === null ? {} : { typ }) })
    .sign(key.privateKey);
}

contract(
  'additions: a typed client-authentication+jwt assertion needs aud = the issuer as one string; an array or an endpoint URL is invalid_client naming the rule',
  async (t, expect) => {
    const key = await registerSigningKey(t, expect);
    const good = await postForm(
      t,
      tokenUrl(t),
      assertionParams(await typedAssertion(t, expect, key)),
    );
    expect(good.status, show(good)).toBe(200);
    for (const aud of [
      tokenUrl(t),
      [t.issuer],
      [t.issuer, tokenUrl(t)],
      `${t.issuer}/oauth/introspect`,
    ]) {
      const res = await postForm(
        t,
        tokenUrl(t),
        assertionParams(await typedAssertion(t, expect, key, { aud })),
      );
      const body = expectError(expect, res, 401, 'invalid_client');
      expect(String(body.error_description), JSON.stringify(aud)).toMatch(
        /typed client-authentication\+jwt, so its aud must be this server's issuer identifier/,
      );
    }
    // Untyped, as RFC 7523 was published: the issuer or the token endpoint (legacy, the default).
    for (const aud of [t.issuer, tokenUrl(t)]) {
      const res = await postForm(
        t,
        tokenUrl(t),
        assertionParams(await typedAssertion(t, expect, key, { aud }, null)),
      );
      expect(res.status, show(res)).toBe(200);
    }
  },
);

contract(
  'additions: assertionAudience strict accepts only the typed, issuer-audience assertion; reset puts legacy back',
  async (t, expect) => {
    const key = await registerSigningKey(t, expect);
    const settings = await t.fetch(`${t.issuer}/__admin/settings`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify({ assertionAudience: 'strict' }),
    });
    expect(obj(settings.json).assertionAudience).toBe('strict');
    for (const aud of [t.issuer, tokenUrl(t)]) {
      const res = await postForm(
        t,
        tokenUrl(t),
        assertionParams(await typedAssertion(t, expect, key, { aud }, null)),
      );
      const body = expectError(expect, res, 401, 'invalid_client');
      expect(String(body.error_description)).toMatch(/assertionAudience: strict/);
    }
    const typed = await postForm(
      t,
      tokenUrl(t),
      assertionParams(await typedAssertion(t, expect, key)),
    );
    expect(typed.status, show(typed)).toBe(200);
    await t.adminReset();
    const after = await t.fetch(`${t.issuer}/__admin/settings`);
    expect(obj(after.json).assertionAudience).toBe('legacy');
  },
);

// --- Additions: the workload platform and federated credentials --------------------------------

async function workloadToken(
  t: ContractTarget,
  expect: ContractExpect,
  body: Json,
): Promise<string> {
  const res = await postJson(t, `${t.ci}/workload-token`, body);
  expect(res.status, show(res)).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const token = obj(res.json).token;
  expect(typeof token).toBe('string');
  return token as string;
}

function federatedParams(token: string, clientId = WAREHOUSE_ID): Record<string, string> {
  return { ...assertionParams(token), client_id: clientId };
}

contract(
  'additions: the workload platform publishes metadata and its own JWKS, and issues typ JWT tokens with iss, sub, aud, iat, exp, jti',
  async (t, expect) => {
    const meta = await t.fetch(`${t.ci}/.well-known/openid-configuration`);
    expect(meta.status, show(meta)).toBe(200);
    expect(obj(meta.json).issuer).toBe(t.ci);
    expect(obj(meta.json).jwks_uri).toBe(`${t.ci}/.well-known/jwks.json`);
    const keys = await t.fetch(`${t.ci}/.well-known/jwks.json`);
    const set = obj(keys.json) as unknown as JSONWebKeySet;
    expect(set.keys.length).toBeGreaterThan(0);
    const serverKids = (await jwks(t, expect)).keys.map((k) => k.kid);
    for (const k of set.keys) {
      expect(serverKids).not.toContain(k.kid);
      expect((k as Json).d).toBeUndefined();
    }
    const now = await serverNow(t, expect);
    const token = await workloadToken(t, expect, {
      subject: WAREHOUSE_SUBJECT,
      audience: t.issuer,
    });
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    const { payload } = await jwtVerify(token, createLocalJWKSet(set), { issuer: t.ci });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
    expect(payload.sub).toBe(WAREHOUSE_SUBJECT);
    expect(payload.aud).toBe(t.issuer);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(300);
    expect(Math.abs(Number(payload.iat) - now)).toBeLessThanOrEqual(2);
    const long = decodeJwt(
      await workloadToken(t, expect, { subject: 'x', audience: 'y', ttl: 3600 }),
    );
    expect(Number(long.exp) - Number(long.iat)).toBe(3600);
    const tooLong = await postJson(t, `${t.ci}/workload-token`, {
      subject: 'x',
      audience: 'y',
      ttl: 3601,
    });
    expectError(expect, tooLong, 400, 'invalid_request');
  },
);

contract(
  'additions: the platform keys rotate with POST /__admin/ci/keys/rotate; a token of the previous key still verifies',
  async (t, expect) => {
    const before = await workloadToken(t, expect, {
      subject: WAREHOUSE_SUBJECT,
      audience: t.issuer,
    });
    const rotate = await postJson(t, `${t.issuer}/__admin/ci/keys/rotate`, {});
    expect(rotate.status, show(rotate)).toBe(200);
    const kid = obj(rotate.json).kid;
    const after = await workloadToken(t, expect, {
      subject: WAREHOUSE_SUBJECT,
      audience: t.issuer,
    });
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    for (const token of [before, after]) {
      const res = await postForm(t, tokenUrl(t), federatedParams(token));
      expect(res.status, show(res)).toBe(200);
    }
  },
);

contract(
  'additions: the seeded warehouse-sync exchanges a main-branch workload token for an access token, more than once',
  async (t, expect) => {
    const list = await t.fetch(`${t.issuer}/__admin/clients/${WAREHOUSE_ID}`);
    expect(obj(list.json).federated_credentials).toEqual([
      { issuer: t.ci, subject: WAREHOUSE_SUBJECT, audience: t.issuer },
    ]);
    expect(obj(list.json).client_secret).toBeUndefined();
    const token = await workloadToken(t, expect, {
      subject: WAREHOUSE_SUBJECT,
      audience: t.issuer,
    });
    for (let i = 0; i < 2; i++) {
      const res = await postForm(t, tokenUrl(t), federatedParams(token));
      expect(res.status, show(res)).toBe(200);
      const body = obj(res.json);
      expect(body.scope).toBe('read:orders');
      expect(decodeJwt(String(body.access_token)).client_id).toBe(WAREHOUSE_ID);
      expect((await callApi(t, '/api/v1/orders', String(body.access_token))).status).toBe(200);
    }
  },
);

contract(
  'additions: a workload token that does not match is invalid_client naming what did not match (issuer, subject, audience, expired, signature)',
  async (t, expect) => {
    const now = await serverNow(t, expect);
    const stranger = await generateKeyPair('ES256');
    const platformKid = String(
      (obj((await t.fetch(`${t.ci}/.well-known/jwks.json`)).json).keys as Json[])[0]?.kid,
    );
    const forge = (claims: JWTPayload, kid = platformKid) =>
      new SignJWT({ iat: now, exp: now + 300, jti: crypto.randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .sign(stranger.privateKey);
    const cases: [string, string, RegExp][] = [
      [
        'another branch',
        await workloadToken(t, expect, {
          subject: 'repo:acme/warehouse-sync:ref:refs/heads/feature',
          audience: t.issuer,
        }),
        /subject .* matches no federated credential/,
      ],
      [
        'another audience',
        await workloadToken(t, expect, {
          subject: WAREHOUSE_SUBJECT,
          audience: 'https://billing.example.com',
        }),
        /audience .* is not the audience warehouse-sync's federated credential expects/,
      ],
      [
        'forged',
        await forge({ iss: t.ci, sub: WAREHOUSE_SUBJECT, aud: t.issuer }),
        /signature does not verify/,
      ],
      [
        'issuer not trusted',
        await forge({ iss: 'https://ci.evil.example', sub: WAREHOUSE_SUBJECT, aud: t.issuer }),
        /issuer https:\/\/ci\.evil\.example is not trusted/,
      ],
    ];
    const short = await workloadToken(t, expect, {
      subject: WAREHOUSE_SUBJECT,
      audience: t.issuer,
      ttl: 60,
    });
    for (const [label, token, description] of cases) {
      const res = await postForm(t, tokenUrl(t), federatedParams(token));
      const body = expectError(expect, res, 401, 'invalid_client');
      expect(String(body.error_description), label).toMatch(description);
      expect(res.headers['www-authenticate'], label).toBeUndefined();
    }
    await advanceClock(t, expect, 180);
    const expired = await postForm(t, tokenUrl(t), federatedParams(short));
    const body = expectError(expect, expired, 401, 'invalid_client');
    expect(String(body.error_description)).toMatch(/workload token has expired/);
  },
);

contract(
  'additions: federated credentials are set with PUT /__admin/clients/:id; a secret never authenticates such a client',
  async (t, expect) => {
    const tag = 'repo:acme/warehouse-sync:ref:refs/tags/v1.0.0';
    await putClient(t, expect, 'release-job', {
      federated_credentials: [{ issuer: t.ci, subject: tag, audience: t.issuer }],
      scopes: ['read:orders'],
    });
    const token = await workloadToken(t, expect, { subject: tag, audience: t.issuer });
    const res = await postForm(t, tokenUrl(t), federatedParams(token, 'release-job'));
    expect(res.status, show(res)).toBe(200);
    const secret = await postForm(t, tokenUrl(t), {
      grant_type: 'client_credentials',
      client_id: 'release-job',
      client_secret: 'anything',
    });
    expectError(expect, secret, 401, 'invalid_client');
    const foreign = await t.fetch(`${t.issuer}/__admin/clients/other-job`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify({
        federated_credentials: [
          { issuer: 'https://elsewhere.example', subject: tag, audience: t.issuer },
        ],
        scopes: [],
      }),
    });
    expectError(expect, foreign, 400, 'invalid_request');
  },
);

// ---------------------------------------------------------------------------------------------
// Additions: sender-constrained tokens (DPoP, RFC 9449)
// ---------------------------------------------------------------------------------------------

interface DpopKey {
  privateKey: CryptoKey;
  jwk: Json;
  jkt: string;
}

async function dpopKey(): Promise<DpopKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = (await exportJWK(publicKey)) as Json;
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A DPoP proof for `htm htu` at the server's time; claims and header members overridable. */
async function dpopProof(
  t: ContractTarget,
  expect: ContractExpect,
  key: DpopKey,
  htm: string,
  htu: string,
  options: { token?: string; claims?: Json; header?: Json } = {},
): Promise<string> {
  const claims: Json = {
    jti: crypto.randomUUID(),
    htm,
    htu,
    iat: await serverNow(t, expect),
    ...options.claims,
  };
  if (options.token !== undefined) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(options.token));
    claims.ath = base64url.encode(new Uint8Array(digest));
  }
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk, ...options.header })
    .sign(key.privateKey);
}

function dpopTokenRequest(
  t: ContractTarget,
  proof: string | undefined,
  client: { id: string; secret: string } = DEMO,
): Promise<ContractResponse> {
  return postForm(
    t,
    tokenUrl(t),
    { grant_type: 'client_credentials' },
    { authorization: basic(client.id, client.secret), ...(proof !== undefined && { dpop: proof }) },
  );
}

async function boundToken(
  t: ContractTarget,
  expect: ContractExpect,
  key: DpopKey,
  client: { id: string; secret: string } = DEMO,
): Promise<string> {
  const res = await dpopTokenRequest(
    t,
    await dpopProof(t, expect, key, 'POST', tokenUrl(t)),
    client,
  );
  expect(res.status, show(res)).toBe(200);
  expect(obj(res.json).token_type, show(res)).toBe('DPoP');
  return String(obj(res.json).access_token);
}

function dpopApi(
  t: ContractTarget,
  token: string,
  proof: string | undefined,
  scheme = 'DPoP',
  path = '/api/v1/users',
): Promise<ContractResponse> {
  return t.fetch(`${t.api}${path}`, {
    headers: { authorization: `${scheme} ${token}`, ...(proof !== undefined && { dpop: proof }) },
  });
}

/** Asserts `WWW-Authenticate: DPoP error="<code>", ..., algs="..."` (RFC 9449 §7.1). */
function expectDpopChallenge(
  expect: ContractExpect,
  res: ContractResponse,
  status: number,
  error: string,
): Challenge {
  expect(res.status, show(res)).toBe(status);
  const challenge = parseChallenge(res.headers['www-authenticate']);
  expect(challenge.scheme, show(res)).toBe('DPoP');
  expect(challenge.params.error, show(res)).toBe(error);
  expect(challenge.params.algs ?? '', show(res)).toMatch(/(^| )ES256( |$)/);
  expect(challenge.params.algs ?? '', show(res)).toMatch(/(^| )RS256( |$)/);
  return challenge;
}

contract(
  'DPoP: metadata lists dpop_signing_alg_values_supported with ES256 and RS256',
  async (t, expect) => {
    const res = await t.fetch(`${t.issuer}/.well-known/oauth-authorization-server`);
    const algs = obj(res.json).dpop_signing_alg_values_supported;
    expect(algs).toContain('ES256');
    expect(algs).toContain('RS256');
    expect(algs).not.toContain('none');
  },
);

contract(
  'DPoP: a token request with a valid proof gets token_type DPoP and a JWT bound by cnf.jkt to the proof key',
  async (t, expect) => {
    const key = await dpopKey();
    const res = await dpopTokenRequest(t, await dpopProof(t, expect, key, 'POST', tokenUrl(t)));
    expect(res.status, show(res)).toBe(200);
    expectNoStore(expect, res);
    const body = obj(res.json);
    expect(body.token_type).toBe('DPoP');
    expect(decodeJwt(String(body.access_token)).cnf).toEqual({ jkt: key.jkt });
    // Without a proof the same client still gets a plain bearer token.
    const plain = await getToken(t, expect, DEMO);
    expect(plain.body.token_type).toBe('Bearer');
    expect(decodeJwt(plain.access_token).cnf).toBeUndefined();
  },
);

contract(
  'DPoP: a bad proof or two DPoP headers answer 400 invalid_dpop_proof',
  async (t, expect) => {
    const key = await dpopKey();
    const url = tokenUrl(t);
    const now = await serverNow(t, expect);
    const { privateKey } = await generateKeyPair('ES256');
    const privateJwk = (await exportJWK(
      (
        await generateKeyPair('ES256', { extractable: true })
      ).privateKey,
    )) as Json;
    const bad: [string, string][] = [
      ['not a JWT', 'not-a-jwt'],
      ['typ JWT', await dpopProof(t, expect, key, 'POST', url, { header: { typ: 'JWT' } })],
      ['htm GET', await dpopProof(t, expect, key, 'GET', url)],
      ['htu of introspection', await dpopProof(t, expect, key, 'POST', introspectUrl(t))],
      [
        'iat 10 minutes ago',
        await dpopProof(t, expect, key, 'POST', url, { claims: { iat: now - 600 } }),
      ],
      ['no jti', await dpopProof(t, expect, key, 'POST', url, { claims: { jti: undefined } })],
      ['a private jwk', await dpopProof(t, expect, { ...key, jwk: privateJwk }, 'POST', url)],
      ['signed by another key', await dpopProof(t, expect, { ...key, privateKey }, 'POST', url)],
      [
        'two DPoP headers',
        `${await dpopProof(t, expect, key, 'POST', url)}, ${await dpopProof(t, expect, key, 'POST', url)}`,
      ],
      [
        'alg none',
        `${base64url.encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk }))}.${base64url.encode(JSON.stringify({ jti: 'x', htm: 'POST', htu: url, iat: now }))}.`,
      ],
    ];
    for (const [name, proof] of bad) {
      const res = await dpopTokenRequest(t, proof);
      expect(res.status, `${name}: ${show(res)}`).toBe(400);
      expect(obj(res.json).error, `${name}: ${show(res)}`).toBe('invalid_dpop_proof');
      expect(String(obj(res.json).error_description).length).toBeGreaterThan(20);
    }
  },
);

contract(
  'DPoP: a proof used twice at the token endpoint is refused the second time',
  async (t, expect) => {
    const key = await dpopKey();
    const proof = await dpopProof(t, expect, key, 'POST', tokenUrl(t));
    expect((await dpopTokenRequest(t, proof)).status).toBe(200);
    const again = await dpopTokenRequest(t, proof);
    expectError(expect, again, 400, 'invalid_dpop_proof');
    expect(String(obj(again.json).error_description)).toMatch(/already used/);
  },
);

contract(
  'DPoP: the seeded dpop-client (require_dpop) without a proof gets 400, with one a DPoP token',
  async (t, expect) => {
    const res = await dpopTokenRequest(t, undefined, DPOP);
    expectError(expect, res, 400, 'invalid_request');
    expect(String(obj(res.json).error_description)).toMatch(/DPoP proof/);
    const token = await boundToken(t, expect, await dpopKey(), DPOP);
    expect(scopeSet(decodeJwt(token).scope)).toEqual(['read:orders', 'read:users']);
    const clients = obj((await t.fetch(`${t.issuer}/__admin/clients`)).json).clients as Json[];
    expect(clients.find((c) => c.client_id === DPOP.id)?.require_dpop).toBe(true);
  },
);

contract(
  'DPoP: the API serves a bound token with a proof, and refuses it as Bearer with a DPoP invalid_token challenge',
  async (t, expect) => {
    const key = await dpopKey();
    const token = await boundToken(t, expect, key);
    const usersUrl = `${t.api}/api/v1/users`;
    const ok = await dpopApi(t, token, await dpopProof(t, expect, key, 'GET', usersUrl, { token }));
    expect(ok.status, show(ok)).toBe(200);
    const downgraded = await dpopApi(t, token, undefined, 'Bearer');
    expectDpopChallenge(expect, downgraded, 401, 'invalid_token');
    // A plain bearer token keeps working as before.
    const plain = await getToken(t, expect, DEMO);
    expect((await callApi(t, '/api/v1/users', plain.access_token)).status).toBe(200);
  },
);

contract(
  'DPoP: the API refuses a missing proof, another URL or method, a wrong ath, a replayed proof and another key',
  async (t, expect) => {
    const key = await dpopKey();
    const thief = await dpopKey();
    const token = await boundToken(t, expect, key);
    const usersUrl = `${t.api}/api/v1/users`;
    const proofs: [string, string | undefined, string][] = [
      ['no proof', undefined, 'invalid_dpop_proof'],
      [
        'another URL',
        await dpopProof(t, expect, key, 'GET', `${t.api}/api/v1/orders`, { token }),
        'invalid_dpop_proof',
      ],
      [
        'another method',
        await dpopProof(t, expect, key, 'POST', usersUrl, { token }),
        'invalid_dpop_proof',
      ],
      ['no ath', await dpopProof(t, expect, key, 'GET', usersUrl), 'invalid_dpop_proof'],
      [
        'the thief’s own key',
        await dpopProof(t, expect, thief, 'GET', usersUrl, { token }),
        'invalid_token',
      ],
    ];
    for (const [name, proof, error] of proofs) {
      const res = await dpopApi(t, token, proof);
      const challenge = expectDpopChallenge(expect, res, 401, error);
      expect((challenge.params.error_description ?? '').length, name).toBeGreaterThan(20);
    }
    const once = await dpopProof(t, expect, key, 'GET', usersUrl, { token });
    expect((await dpopApi(t, token, once)).status).toBe(200);
    expectDpopChallenge(expect, await dpopApi(t, token, once), 401, 'invalid_dpop_proof');
  },
);

contract(
  'DPoP: with dpopNonce on, the token endpoint answers 400 use_dpop_nonce and the API 401, each with its DPoP-Nonce',
  async (t, expect) => {
    const set = await t.fetch(`${t.issuer}/__admin/settings`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify({ dpopNonce: 'on' }),
    });
    expect(obj(set.json).dpopNonce).toBe('on');
    const key = await dpopKey();
    const first = await dpopTokenRequest(t, await dpopProof(t, expect, key, 'POST', tokenUrl(t)));
    expectError(expect, first, 400, 'use_dpop_nonce');
    const nonce = first.headers['dpop-nonce'];
    expect(nonce ?? '').toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/);
    const ok = await dpopTokenRequest(
      t,
      await dpopProof(t, expect, key, 'POST', tokenUrl(t), { claims: { nonce } }),
    );
    expect(ok.status, show(ok)).toBe(200);
    const token = String(obj(ok.json).access_token);
    const usersUrl = `${t.api}/api/v1/users`;
    const api = await dpopApi(
      t,
      token,
      await dpopProof(t, expect, key, 'GET', usersUrl, { token }),
    );
    expectDpopChallenge(expect, api, 401, 'use_dpop_nonce');
    const apiNonce = api.headers['dpop-nonce'];
    expect(apiNonce).toBeDefined();
    const served = await dpopApi(
      t,
      token,
      await dpopProof(t, expect, key, 'GET', usersUrl, { token, claims: { nonce: apiNonce } }),
    );
    expect(served.status, show(served)).toBe(200);
  },
);

contract(
  'DPoP: introspection shows cnf.jkt and token_type DPoP for a bound JWT and a bound opaque token',
  async (t, expect) => {
    const key = await dpopKey();
    const jwt = await boundToken(t, expect, key);
    const opaque = await boundToken(t, expect, key, REPORTING);
    for (const token of [jwt, opaque]) {
      const body = await introspect(t, expect, token, REPORTING);
      expect(body.active).toBe(true);
      expect(body.token_type).toBe('DPoP');
      expect(body.cnf).toEqual({ jkt: key.jkt });
    }
  },
);

// ---------------------------------------------------------------------------------------------
// Additions: faults
// ---------------------------------------------------------------------------------------------

function putFaults(t: ContractTarget, body: unknown): Promise<ContractResponse> {
  return t.fetch(`${t.issuer}/__admin/faults`, {
    method: 'PUT',
    headers: JSON_TYPE,
    body: JSON.stringify(body),
  });
}

contract(
  'faults: PUT replaces the list, GET reads it, DELETE and reset clear it; bad bodies are 400',
  async (t, expect) => {
    const rule = { target: 'token', kind: 'status', status: 503, retry_after: 1, count: 2 };
    const put = await putFaults(t, { faults: [rule], seed: 3 });
    expect(put.status, show(put)).toBe(200);
    const got = obj((await t.fetch(`${t.issuer}/__admin/faults`)).json);
    expect(got.seed).toBe(3);
    expect((got.faults as Json[])[0]).toEqual({ ...rule, remaining: 2, fired: 0 });
    const cleared = await t.fetch(`${t.issuer}/__admin/faults`, { method: 'DELETE' });
    expect(obj(cleared.json).faults).toEqual([]);
    await putFaults(t, { faults: [rule] });
    await t.adminReset();
    expect(obj((await t.fetch(`${t.issuer}/__admin/faults`)).json).faults).toEqual([]);
    for (const body of [
      {},
      { faults: [{ target: 'db', kind: 'drop' }] },
      { faults: [{ target: 'api', kind: 'status', status: 404 }] },
    ]) {
      expectError(expect, await putFaults(t, body), 400, 'invalid_request');
    }
  },
);

contract(
  'faults: the next n token requests answer 503 with Retry-After, then tokens again; the log marks them',
  async (t, expect) => {
    await putFaults(t, {
      faults: [{ target: 'token', kind: 'status', status: 503, retry_after: 2, count: 2 }],
    });
    for (let i = 0; i < 2; i++) {
      const res = await postForm(
        t,
        tokenUrl(t),
        { grant_type: 'client_credentials' },
        {
          authorization: basic(DEMO.id, DEMO.secret),
        },
      );
      expectError(expect, res, 503, 'temporarily_unavailable');
      expect(res.headers['retry-after']).toBe('2');
    }
    await getToken(t, expect, DEMO);
    // The API is another target: untouched.
    const { access_token } = await getToken(t, expect, DEMO);
    expect((await callApi(t, '/api/v1/users', access_token)).status).toBe(200);
    const log = obj((await t.fetch(`${t.issuer}/__admin/log?endpoint=token`)).json)
      .entries as Json[];
    expect(log.filter((e) => (e.fault as Json | undefined)?.kind === 'status')).toHaveLength(2);
  },
);

contract(
  'faults: a seeded probability faults the same requests again after the same PUT',
  async (t, expect) => {
    const run = async () => {
      await putFaults(t, {
        faults: [{ target: 'api', kind: 'status', status: 500, probability: 0.5 }],
        seed: 11,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await callApi(t, '/api/v1/users', token)).status);
      return statuses;
    };
    const { access_token: token } = await getToken(t, expect, DEMO);
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  },
);

contract('faults: a delay holds the answer, then serves it', async (t, expect) => {
  await putFaults(t, { faults: [{ target: 'token', kind: 'delay', delay_ms: 300, count: 1 }] });
  const started = Date.now();
  await getToken(t, expect, DEMO);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
});

contract(
  'faults: drop ends the connection, so the request fails like a network error',
  async (t, expect) => {
    await putFaults(t, { faults: [{ target: 'token', kind: 'drop', count: 1 }] });
    const outcome = await t
      .fetch(tokenUrl(t), {
        method: 'POST',
        headers: { ...FORM, authorization: basic(DEMO.id, DEMO.secret) },
        body: 'grant_type=client_credentials',
      })
      .then(
        (res) => `answered ${res.status}`,
        () => 'failed',
      );
    expect(outcome).toBe('failed');
    await getToken(t, expect, DEMO);
    const log = obj(
      (await t.fetch(`${t.issuer}/__admin/log?endpoint=token&order=newest&limit=2`)).json,
    ).entries as Json[];
    expect(log[1]?.fault).toEqual({ kind: 'drop' });
  },
);

/** Every contract case, in CONTRACT.md order. */
export const contractCases: readonly ContractCase[] = cases;
