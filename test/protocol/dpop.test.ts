/**
 * DPoP (RFC 9449) in the core: proofs at the token endpoint, bound tokens, the API's DPoP scheme
 * and its challenges, nonces, introspection's cnf, and `require_dpop`. Proofs are made here with
 * jose directly, not with the page's client, so the two are held to the RFC separately.
 */
import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_CHECKS } from '../../src/protocol/index.ts';
import {
  API,
  basic,
  decodePart,
  form,
  ISSUER,
  lastLog,
  makeServer,
  send,
  T0,
  type TestServer,
} from './helpers.ts';

const TOKEN_URL = `${ISSUER}/oauth/token`;
const USERS = `${API}/api/v1/users`;

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function newKey(alg: 'ES256' | 'RS256' = 'ES256'): Promise<Key> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

let key: Key;
let thief: Key;
beforeAll(async () => {
  key = await newKey();
  thief = await newKey();
});

async function ath(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

/** A DPoP proof; any claim or header member can be overridden (undefined removes it). */
async function proof(
  htm: string,
  htu: string,
  options: {
    key?: Key;
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    token?: string;
  } = {},
): Promise<string> {
  const k = options.key ?? key;
  const claims: Record<string, unknown> = {
    jti: crypto.randomUUID(),
    htm,
    htu,
    iat: T0,
    ...(options.token !== undefined && { ath: await ath(options.token) }),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const header: Record<string, unknown> = {
    typ: 'dpop+jwt',
    alg: 'ES256',
    jwk: k.jwk,
    ...options.header,
  };
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(k.privateKey);
}

const DEMO_AUTH = { authorization: basic('demo-client', 'demo-secret') };

function tokenRequest(dpop?: string | string[], auth = DEMO_AUTH, params = {}): Request {
  const request = form({ grant_type: 'client_credentials', ...params }, auth);
  if (typeof dpop === 'string') request.headers.set('dpop', dpop);
  else for (const value of dpop ?? []) request.headers.append('dpop', value);
  return request;
}

async function boundToken(server: TestServer, client = DEMO_AUTH): Promise<string> {
  const r = await send(server, tokenRequest(await proof('POST', TOKEN_URL), client));
  expect(r.status, r.text).toBe(200);
  return (r.body as { access_token: string }).access_token;
}

function apiCall(
  token: string,
  dpop: string | undefined,
  scheme = 'DPoP',
  url = USERS,
  method = 'GET',
): Request {
  return new Request(url, {
    method,
    headers: { authorization: `${scheme} ${token}`, ...(dpop !== undefined && { dpop }) },
  });
}

/** The challenge of a DPoP refusal, as its parameters. */
function dpopChallenge(headers: Headers): Record<string, string> {
  const value = headers.get('www-authenticate') ?? '';
  expect(value).toMatch(/^DPoP /);
  return Object.fromEntries(
    [...value.slice(5).matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
}

const failedStep = (server: TestServer) => lastLog(server).steps.find((s) => !s.ok)?.name;

describe('DPoP at the token endpoint (RFC 9449 §5)', () => {
  it('binds the token to the proof key: token_type DPoP and cnf.jkt, the thumbprint', async () => {
    const s = await makeServer();
    const r = await send(s, tokenRequest(await proof('POST', TOKEN_URL)));
    expect(r.status, r.text).toBe(200);
    const body = r.body as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    expect(decodePart(body.access_token, 1).cnf).toEqual({ jkt: key.jkt });
    expect(r.headers.get('dpop-nonce')).toBeNull();
    expect(lastLog(s).steps.map((step) => step.name)).toEqual([
      'parseBody',
      'selectClientAuthMethod',
      'identifyClient',
      'checkClientSecret',
      'authenticateClient',
      'checkDpopProof',
      'checkDpopTarget',
      'checkDpopFreshness',
      'checkDpopReplay',
      'validateDpopProof',
      'checkRateLimit',
      'checkGrantType',
      'checkScope',
      'checkAudience',
      'issueAccessToken',
    ]);
    expect(lastLog(s).detail).toContain(`bound to DPoP key ${key.jkt}`);
  });

  it('accepts an RS256 proof and a proof with htu normalized differently', async () => {
    const s = await makeServer();
    const rsa = await newKey('RS256');
    const r = await send(
      s,
      tokenRequest(
        await proof('POST', 'HTTPS://AUTH.EXAMPLE.COM:443/oauth/token', {
          key: rsa,
          header: { alg: 'RS256' },
        }),
      ),
    );
    expect(r.status, r.text).toBe(200);
  });

  const refusals: [string, () => Promise<string | string[]>, string, RegExp][] = [
    ['a proof that is not a JWT', async () => 'not-a-jwt', 'checkDpopProof', /not a well-formed/],
    [
      'two DPoP headers',
      async () => [await proof('POST', TOKEN_URL), await proof('POST', TOKEN_URL)],
      'checkDpopProof',
      /more than one DPoP header/,
    ],
    [
      'typ JWT',
      () => proof('POST', TOKEN_URL, { header: { typ: 'JWT' } }),
      'checkDpopProof',
      /typ dpop\+jwt/,
    ],
    [
      'no jwk',
      () => proof('POST', TOKEN_URL, { header: { jwk: undefined } }),
      'checkDpopProof',
      /has no jwk/,
    ],
    [
      'a private key in jwk',
      async () => {
        const pair = await generateKeyPair('ES256', { extractable: true });
        const priv = await exportJWK(pair.privateKey);
        return proof('POST', TOKEN_URL, {
          key: { privateKey: pair.privateKey, jwk: priv, jkt: '' },
        });
      },
      'checkDpopProof',
      /private key members \(d\)/,
    ],
    [
      'a signature by another key than the jwk',
      () => proof('POST', TOKEN_URL, { key: { ...thief, jwk: key.jwk } }),
      'checkDpopProof',
      /does not verify with the jwk/,
    ],
    [
      'no jti',
      () => proof('POST', TOKEN_URL, { claims: { jti: undefined } }),
      'checkDpopProof',
      /lacks jti/,
    ],
    ['htm GET', () => proof('GET', TOKEN_URL), 'checkDpopTarget', /for GET requests/],
    [
      'htu of another endpoint',
      () => proof('POST', `${ISSUER}/oauth/introspect`),
      'checkDpopTarget',
      /this request goes to https:\/\/auth\.example\.com\/oauth\/token/,
    ],
    ['htu with a query', () => proof('POST', `${TOKEN_URL}?x=1`), 'checkDpopTarget', /no query/],
    [
      'iat 61 s old',
      () => proof('POST', TOKEN_URL, { claims: { iat: T0 - 61 } }),
      'checkDpopFreshness',
      /61 seconds ago/,
    ],
    [
      'iat 61 s ahead',
      () => proof('POST', TOKEN_URL, { claims: { iat: T0 + 61 } }),
      'checkDpopFreshness',
      /in the future/,
    ],
  ];
  for (const [name, make, step, description] of refusals) {
    it(`refuses ${name} with 400 invalid_dpop_proof at ${step}`, async () => {
      const s = await makeServer();
      const r = await send(s, tokenRequest(await make()));
      expect(r.status, r.text).toBe(400);
      expect((r.body as { error: string }).error).toBe('invalid_dpop_proof');
      expect((r.body as { error_description: string }).error_description).toMatch(description);
      expect(failedStep(s)).toBe(step);
    });
  }

  it('refuses alg none and HMAC proofs', async () => {
    const s = await makeServer();
    const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
    const none = `${enc({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk })}.${enc({ jti: 'x', htm: 'POST', htu: TOKEN_URL, iat: T0 })}.`;
    const r = await send(s, tokenRequest(none));
    expect(r.status).toBe(400);
    expect((r.body as { error_description: string }).error_description).toMatch(/alg none/);
    const hmac = await new SignJWT({ jti: 'y', htm: 'POST', htu: TOKEN_URL, iat: T0 })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.jwk })
      .sign(new Uint8Array(32));
    expect((await send(s, tokenRequest(hmac))).status).toBe(400);
  });

  it('refuses a proof used twice (checkDpopReplay), and the window follows the leeway', async () => {
    const s = await makeServer();
    const once = await proof('POST', TOKEN_URL);
    expect((await send(s, tokenRequest(once))).status).toBe(200);
    const again = await send(s, tokenRequest(once));
    expect(again.status).toBe(400);
    expect(failedStep(s)).toBe('checkDpopReplay');
    expect((again.body as { error_description: string }).error_description).toMatch(/already used/);
    await s.admin.updateSettings({ leewaySeconds: 300 });
    expect(
      (await send(s, tokenRequest(await proof('POST', TOKEN_URL, { claims: { iat: T0 - 200 } }))))
        .status,
    ).toBe(200);
  });

  it('refuses a require_dpop client without a proof (400 invalid_request at requireDpop)', async () => {
    const s = await makeServer();
    const auth = { authorization: basic('dpop-client', 'dpop-secret') };
    const r = await send(s, tokenRequest(undefined, auth));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request' });
    expect((r.body as { error_description: string }).error_description).toMatch(
      /must send a DPoP proof/,
    );
    expect(failedStep(s)).toBe('requireDpop');
    const ok = await send(s, tokenRequest(await proof('POST', TOKEN_URL), auth));
    expect(ok.status, ok.text).toBe(200);
    expect((ok.body as { token_type: string }).token_type).toBe('DPoP');
  });

  it('with dpopNonce on: 400 use_dpop_nonce with a DPoP-Nonce, then the token with a new one', async () => {
    const s = await makeServer();
    await s.admin.updateSettings({ dpopNonce: 'on' });
    const first = await send(s, tokenRequest(await proof('POST', TOKEN_URL)));
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ error: 'use_dpop_nonce' });
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(failedStep(s)).toBe('checkDpopNonce');
    const wrong = await send(
      s,
      tokenRequest(await proof('POST', TOKEN_URL, { claims: { nonce: 'guessed' } })),
    );
    expect(wrong.body).toMatchObject({ error: 'use_dpop_nonce' });
    const ok = await send(s, tokenRequest(await proof('POST', TOKEN_URL, { claims: { nonce } })));
    expect(ok.status, ok.text).toBe(200);
    expect(ok.headers.get('dpop-nonce')).toBe(nonce);
    // A nonce lives five minutes; the one before stays good while the next is handed out.
    s.wall.ms += 301_000;
    const later = await send(
      s,
      tokenRequest(await proof('POST', TOKEN_URL, { claims: { nonce, iat: T0 + 301 } })),
    );
    expect(later.status, later.text).toBe(200);
    expect(later.headers.get('dpop-nonce')).not.toBe(nonce);
  });

  it('never hands a bearer request a bound token from the same-second cache, nor the reverse', async () => {
    const s = await makeServer();
    await s.admin.updateSettings({ tokenReuse: 'same-second' });
    const bound = await boundToken(s);
    const plain = await send(s, tokenRequest());
    expect((plain.body as { access_token: string }).access_token).not.toBe(bound);
    expect((plain.body as { token_type: string }).token_type).toBe('Bearer');
  });

  it('shows cnf and token_type DPoP in introspection, for JWT and opaque tokens', async () => {
    const s = await makeServer();
    const jwt = await boundToken(s);
    const reporting = { authorization: basic('reporting-job', 'reporting-secret') };
    const opaque = await boundToken(s, reporting);
    expect(opaque).not.toContain('.');
    for (const token of [jwt, opaque]) {
      const r = await send(s, form({ token }, reporting, '/oauth/introspect'));
      expect(r.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
    }
    const plain = await send(s, tokenRequest());
    const info = await send(
      s,
      form(
        { token: (plain.body as { access_token: string }).access_token },
        DEMO_AUTH,
        '/oauth/introspect',
      ),
    );
    expect(info.body).toMatchObject({ active: true, token_type: 'Bearer' });
    expect(info.body).not.toHaveProperty('cnf');
  });
});

describe('DPoP at the API (RFC 9449 §7)', () => {
  it('serves a bound token with a fresh proof; the log lists every check in RESOURCE_CHECKS order', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    const r = await send(s, apiCall(token, await proof('GET', USERS, { token })));
    expect(r.status, r.text).toBe(200);
    const names: string[] = RESOURCE_CHECKS.map((c) => c.name).filter(
      (name) => name !== 'checkDpopNonce', // nonces are off
    );
    const logged = lastLog(s).steps.map((step) => step.name);
    expect(logged.filter((name) => names.includes(name))).toEqual(names);
  });

  it('refuses a bound token sent as Bearer: a DPoP challenge, invalid_token, at checkDpopBinding', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    const r = await send(s, apiCall(token, undefined, 'Bearer'));
    expect(r.status).toBe(401);
    const challenge = dpopChallenge(r.headers);
    expect(challenge.error).toBe('invalid_token');
    expect(challenge.algs).toBe('ES256 RS256 PS256 EdDSA');
    expect(challenge.error_description).toMatch(/never as a Bearer token/);
    expect(failedStep(s)).toBe('checkDpopBinding');
  });

  it('refuses the stolen token with a thief’s own proof: the key does not match (checkDpopBinding)', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    const r = await send(s, apiCall(token, await proof('GET', USERS, { token, key: thief })));
    expect(r.status).toBe(401);
    expect(dpopChallenge(r.headers).error).toBe('invalid_token');
    expect(failedStep(s)).toBe('checkDpopBinding');
    expect(lastLog(s).error?.detail).toBe(`cnf.jkt ${key.jkt}, proof key ${thief.jkt}`);
  });

  const refusals: [string, (token: string) => Promise<string | undefined>, string][] = [
    ['no proof', async () => undefined, 'checkDpopProof'],
    [
      'a proof for another URL',
      (token) => proof('GET', `${API}/api/v1/orders`, { token }),
      'checkDpopTarget',
    ],
    ['a proof for another method', (token) => proof('POST', USERS, { token }), 'checkDpopTarget'],
    [
      'a stale proof',
      (token) => proof('GET', USERS, { token, claims: { iat: T0 - 120 } }),
      'checkDpopFreshness',
    ],
    ['a proof without ath', () => proof('GET', USERS), 'checkDpopAth'],
    [
      'a proof for another token',
      () => proof('GET', USERS, { token: 'another.token.value' }),
      'checkDpopAth',
    ],
  ];
  for (const [name, make, step] of refusals) {
    it(`refuses ${name}: 401 DPoP error="invalid_dpop_proof" at ${step}`, async () => {
      const s = await makeServer();
      const token = await boundToken(s);
      const r = await send(s, apiCall(token, await make(token)));
      expect(r.status, r.text).toBe(401);
      const challenge = dpopChallenge(r.headers);
      expect(challenge.error).toBe('invalid_dpop_proof');
      expect(challenge.error_description?.length).toBeGreaterThan(20);
      expect(failedStep(s)).toBe(step);
    });
  }

  it('refuses a replayed proof at checkDpopReplay', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    const once = await proof('GET', USERS, { token });
    expect((await send(s, apiCall(token, once))).status).toBe(200);
    const again = await send(s, apiCall(token, once));
    expect(again.status).toBe(401);
    expect(dpopChallenge(again.headers).error).toBe('invalid_dpop_proof');
    expect(failedStep(s)).toBe('checkDpopReplay');
  });

  it('refuses an unbound token under the DPoP scheme, and still serves it as Bearer', async () => {
    const s = await makeServer();
    const plain = (await send(s, tokenRequest())).body as { access_token: string };
    const token = plain.access_token;
    const r = await send(s, apiCall(token, await proof('GET', USERS, { token })));
    expect(r.status).toBe(401);
    expect(dpopChallenge(r.headers).error_description).toMatch(/not DPoP-bound/);
    expect(failedStep(s)).toBe('checkDpopBinding');
    const bearer = await send(s, apiCall(token, undefined, 'Bearer'));
    expect(bearer.status).toBe(200);
    expect(lastLog(s).steps.some((step) => step.name.startsWith('checkDpop'))).toBe(false);
  });

  it('answers an expired bound token with a DPoP invalid_token challenge at checkTimes', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    s.wall.ms += 3700_000;
    const r = await send(
      s,
      apiCall(token, await proof('GET', USERS, { token, claims: { iat: T0 + 3700 } })),
    );
    expect(r.status).toBe(401);
    expect(dpopChallenge(r.headers).error).toBe('invalid_token');
    expect(failedStep(s)).toBe('checkTimes');
  });

  it('answers a missing scope with 403 and a DPoP insufficient_scope challenge naming it', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    const url = `${API}/api/v1/orders`;
    const r = await send(s, apiCall(token, await proof('GET', url, { token }), 'DPoP', url));
    expect(r.status).toBe(403);
    expect(dpopChallenge(r.headers)).toMatchObject({
      error: 'insufficient_scope',
      scope: 'read:orders',
    });
  });

  it('with dpopNonce on: 401 use_dpop_nonce with the API’s own DPoP-Nonce, then 200', async () => {
    const s = await makeServer();
    const token = await boundToken(s);
    await s.admin.updateSettings({ dpopNonce: 'on' });
    const first = await send(s, apiCall(token, await proof('GET', USERS, { token })));
    expect(first.status).toBe(401);
    expect(dpopChallenge(first.headers).error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce') ?? '';
    expect(failedStep(s)).toBe('checkDpopNonce');
    const ok = await send(
      s,
      apiCall(token, await proof('GET', USERS, { token, claims: { nonce } })),
    );
    expect(ok.status, ok.text).toBe(200);
    expect(ok.headers.get('dpop-nonce')).toBe(nonce);
    // The token endpoint's nonce is another one (RFC 9449 §9).
    const atToken = await send(
      s,
      tokenRequest(await proof('POST', TOKEN_URL, { claims: { nonce } })),
    );
    expect(atToken.body).toMatchObject({ error: 'use_dpop_nonce' });
  });

  it('answers a malformed DPoP Authorization header with 400 and a DPoP challenge', async () => {
    const s = await makeServer();
    const r = await send(s, new Request(USERS, { headers: { authorization: 'DPoP a b' } }));
    expect(r.status).toBe(400);
    expect(dpopChallenge(r.headers).error).toBe('invalid_request');
  });
});

describe('require_dpop through the admin API', () => {
  it('takes require_dpop true or false, refuses anything else, and lists it', async () => {
    const s = await makeServer();
    const view = await s.admin.putClient('edge-job', {
      client_secret: 's',
      scopes: ['read:users'],
      require_dpop: true,
    });
    expect(view.require_dpop).toBe(true);
    await expect(
      s.admin.putClient('edge-job', { client_secret: 's', scopes: [], require_dpop: 'yes' }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(s.admin.updateSettings({ dpopNonce: 'sometimes' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});
