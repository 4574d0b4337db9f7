/**
 * The mock workload platform (`ci`) and workload identity federation (CONTRACT.md, Additions):
 * the platform's metadata, keys and tokens; federated credentials on clients; the exchange and
 * each way it is refused, named in the public description with the expectation in the detail.
 */
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { FEDERATED_CHECKS, memoryStore } from '../../src/protocol/index.ts';
import { api, form, ISSUER, lastLog, makeServer, send, T0 } from './helpers.ts';

const CI = 'https://ci.example.com';
const MAIN = 'repo:acme/warehouse-sync:ref:refs/heads/main';
const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const ciServer = (options = {}) => makeServer({ ciIssuer: CI, ...options });

async function workloadToken(
  s: Awaited<ReturnType<typeof ciServer>>,
  body: Record<string, unknown>,
  base = CI,
): Promise<string> {
  const r = await send(
    s,
    new Request(`${base}/workload-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  if (r.status !== 200) throw new Error(r.text);
  return (r.body as { token: string }).token;
}

const exchange = (
  token: string,
  client_id = 'warehouse-sync',
  extra: Record<string, string> = {},
) =>
  form({
    grant_type: 'client_credentials',
    client_id,
    client_assertion_type: TYPE,
    client_assertion: token,
    ...extra,
  });

function payloadOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
}

describe('the workload platform (ci host)', () => {
  it('publishes its metadata and keys, apart from the authorization server', async () => {
    const s = await ciServer();
    const meta = await send(s, new Request(`${CI}/.well-known/openid-configuration`));
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ issuer: CI, jwks_uri: `${CI}/.well-known/jwks.json` });
    const jwks = await send(s, new Request(`${CI}/.well-known/jwks.json`));
    const keys = (jwks.body as { keys: { kid: string; d?: string; use: string }[] }).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ use: 'sig', alg: 'ES256' });
    expect(keys[0]?.d).toBeUndefined();
    const serverKids = s.admin.jwks().keys.map((k) => k.kid);
    expect(serverKids).not.toContain(keys[0]?.kid);
    expect(lastLog(s).endpoint).toBe('platform');
  });

  it('issues a JWT signed by its own key: typ JWT, iss, sub, aud, iat, exp (ttl, default 300), jti', async () => {
    const s = await ciServer();
    const token = await workloadToken(s, { subject: MAIN, audience: ISSUER });
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ typ: 'JWT', alg: 'ES256', kid: s.admin.ciKeys()[0]?.kid });
    const claims = payloadOf(token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
    expect(claims).toMatchObject({ iss: CI, sub: MAIN, aud: ISSUER, iat: T0, exp: T0 + 300 });
    const long = payloadOf(await workloadToken(s, { subject: MAIN, audience: 'x', ttl: 3600 }));
    expect(long.exp).toBe(T0 + 3600);
    // The log keeps the request, never the token.
    expect(lastLog(s).response.body).toBe('{"token":"[redacted]"}');
  });

  it('refuses a bad workload-token request with 400 invalid_request', async () => {
    const s = await ciServer();
    for (const body of [
      {},
      { subject: MAIN },
      { subject: MAIN, audience: ISSUER, ttl: 3601 },
      { subject: MAIN, audience: ISSUER, ttl: 0 },
      { subject: '', audience: ISSUER },
      { subject: MAIN, audience: ISSUER, extra: 1 },
    ]) {
      await expect(workloadToken(s, body), JSON.stringify(body)).rejects.toThrow(/invalid_request/);
    }
    const get = await send(s, new Request(`${CI}/workload-token`));
    expect(get.status).toBe(405);
    expect((await send(s, new Request(`${CI}/nothing`))).status).toBe(404);
  });

  it('serves the platform under /ci of the issuer when no other host is given (Node)', async () => {
    const s = await makeServer({
      issuer: 'http://localhost:8787',
      apiOrigin: 'http://localhost:8787',
      audience: 'http://localhost:8787',
    });
    const base = 'http://localhost:8787/ci';
    const meta = await send(s, new Request(`${base}/.well-known/openid-configuration`));
    expect(meta.body).toMatchObject({ issuer: base, jwks_uri: `${base}/.well-known/jwks.json` });
    const token = await workloadToken(
      s,
      { subject: MAIN, audience: 'http://localhost:8787' },
      base,
    );
    expect(payloadOf(token).iss).toBe(base);
    const r = await send(
      s,
      new Request('http://localhost:8787/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'warehouse-sync',
          client_assertion_type: TYPE,
          client_assertion: token,
        }).toString(),
      }),
    );
    expect(r.status).toBe(200);
    // The server's own metadata stays where it was.
    expect((await send(s, new Request('http://localhost:8787/.well-known/jwks.json'))).status).toBe(
      200,
    );
  });

  it('keeps its keys across a reload and a reset; rotation publishes a new active key', async () => {
    const store = memoryStore();
    const s = await ciServer({ store });
    const before = await workloadToken(s, { subject: MAIN, audience: ISSUER });
    await s.flush();
    const reloaded = await ciServer({ store });
    expect((await send(reloaded, exchange(before))).status).toBe(200);
    await reloaded.admin.reset();
    expect(reloaded.admin.ciKeys()).toEqual(s.admin.ciKeys());

    const rotate = await send(
      reloaded,
      new Request(`${ISSUER}/__admin/ci/keys/rotate`, { method: 'POST' }),
    );
    expect(rotate.status).toBe(200);
    const keys = reloaded.admin.ciKeys();
    expect(keys.map((k) => k.status)).toEqual(['previous', 'active']);
    const after = await workloadToken(reloaded, { subject: MAIN, audience: ISSUER });
    expect(decodeProtectedHeader(after).kid).toBe(keys[1]?.kid);
    // A token signed by the previous key still verifies until it is retired.
    expect((await send(reloaded, exchange(before))).status).toBe(200);
    await reloaded.admin.rotateCiKeys({ retire_previous: true });
    const stale = await send(reloaded, exchange(after));
    expect(stale.status).toBe(401);
    expect(lastLog(reloaded).steps.at(-2)).toEqual({
      name: 'checkFederatedSignature',
      ok: false,
    });
  });

  it('gives a snapshot saved before the platform existed a platform key', async () => {
    const store = memoryStore();
    const s = await ciServer({ store });
    await s.flush();
    const old = structuredClone(store.peek()) as unknown as Record<string, unknown>;
    delete old.ciKeys;
    const reloaded = await ciServer({ store: memoryStore(old as never) });
    expect(reloaded.admin.ciKeys()).toHaveLength(1);
    // It loaded the stored state, not the seed: the same server keys.
    expect(reloaded.admin.keys()).toEqual(s.admin.keys());
  });
});

describe('workload identity federation', () => {
  it('exchanges a workload token for an access token as the seeded warehouse-sync', async () => {
    const s = await ciServer();
    const token = await workloadToken(s, { subject: MAIN, audience: ISSUER });
    const r = await send(s, exchange(token, 'warehouse-sync', { scope: 'read:orders' }));
    expect(r.status).toBe(200);
    const access = (r.body as { access_token: string }).access_token;
    expect(payloadOf(access)).toMatchObject({ sub: 'warehouse-sync', client_id: 'warehouse-sync' });
    const entry = lastLog(s);
    expect((await send(s, api('/api/v1/orders', access))).status).toBe(200);
    expect(entry.steps.slice(2, 11).map((x) => x.name)).toEqual(
      FEDERATED_CHECKS.map((c) => c.name),
    );
    expect(entry.steps.slice(1, 12).map((x) => x.name)).toEqual([
      'selectClientAuthMethod',
      'checkAssertionType',
      'checkAssertionFormat',
      'checkAssertionAlg',
      'identifyClient',
      'checkFederatedIssuer',
      'checkFederatedSignature',
      'checkFederatedSubject',
      'checkFederatedAudience',
      'checkFederatedExpiry',
      'authenticateClient',
    ]);
  });

  it('lets the same workload token in twice: it is not single-use', async () => {
    const s = await ciServer();
    const token = await workloadToken(s, { subject: MAIN, audience: ISSUER });
    expect((await send(s, exchange(token))).status).toBe(200);
    expect((await send(s, exchange(token))).status).toBe(200);
  });

  const refusals: [
    string,
    (s: Awaited<ReturnType<typeof ciServer>>) => Promise<string>,
    string,
    RegExp,
    RegExp,
  ][] = [
    [
      'another branch',
      (s) =>
        workloadToken(s, {
          subject: 'repo:acme/warehouse-sync:ref:refs/heads/feature',
          audience: ISSUER,
        }),
      'checkFederatedSubject',
      /subject repo:acme\/warehouse-sync:ref:refs\/heads\/feature matches no federated credential of warehouse-sync/,
      /expected subject\(s\): repo:acme\/warehouse-sync:ref:refs\/heads\/main/,
    ],
    [
      'another audience',
      (s) => workloadToken(s, { subject: MAIN, audience: 'https://api.example.com' }),
      'checkFederatedAudience',
      /audience https:\/\/api.example.com is not the audience warehouse-sync's federated credential expects/,
      /expected aud: https:\/\/auth.example.com/,
    ],
    [
      'expired',
      async (s) => {
        const token = await workloadToken(s, { subject: MAIN, audience: ISSUER, ttl: 60 });
        await s.admin.setClock({ advance: 121 });
        return token;
      },
      'checkFederatedExpiry',
      /The workload token has expired/,
      /before server time/,
    ],
    [
      'signed by a stranger',
      async (s) => {
        const stranger = await generateKeyPair('ES256');
        return new SignJWT({ iss: CI, sub: MAIN, aud: ISSUER, iat: T0, exp: T0 + 300, jti: 'x' })
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: s.admin.ciKeys()[0]?.kid ?? '' })
          .sign(stranger.privateKey);
      },
      'checkFederatedSignature',
      /signature does not verify with the keys https:\/\/ci.example.com publishes/,
      /signature failed against platform key/,
    ],
    [
      'an unknown kid',
      async () => {
        const stranger = await generateKeyPair('ES256');
        return new SignJWT({ iss: CI, sub: MAIN, aud: ISSUER, iat: T0, exp: T0 + 300, jti: 'x' })
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'not-the-platform' })
          .sign(stranger.privateKey);
      },
      'checkFederatedSignature',
      /its kid not-the-platform is not among the keys https:\/\/ci.example.com publishes/,
      /token kid not-the-platform/,
    ],
    [
      'an issuer not trusted',
      async () => {
        const stranger = await generateKeyPair('ES256');
        return new SignJWT({
          iss: 'https://ci.evil.example',
          sub: MAIN,
          aud: ISSUER,
          iat: T0,
          exp: T0 + 300,
          jti: 'x',
        })
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
          .sign(stranger.privateKey);
      },
      'checkFederatedIssuer',
      /issuer https:\/\/ci.evil.example is not trusted by warehouse-sync/,
      /trusted issuer\(s\): https:\/\/ci.example.com/,
    ],
  ];

  for (const [label, make, step, description, detail] of refusals) {
    it(`refuses ${label} as 401 invalid_client, at ${step}, naming what did not match`, async () => {
      const s = await ciServer();
      const r = await send(s, exchange(await make(s)));
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBeNull();
      const body = r.body as { error: string; error_description: string };
      expect(body.error).toBe('invalid_client');
      expect(body.error_description).toMatch(description);
      const entry = lastLog(s);
      expect(entry.steps.filter((x) => !x.ok).map((x) => x.name)).toEqual([
        step,
        'authenticateClient',
      ]);
      expect(entry.error?.detail).toMatch(detail);
      // The expectation stays private.
      if (step === 'checkFederatedSubject' || step === 'checkFederatedAudience') {
        expect(body.error_description).not.toContain(
          step === 'checkFederatedSubject' ? 'heads/main' : ISSUER,
        );
      }
    });
  }

  it('a federated client has no secret: secrets and self-signed assertions are refused', async () => {
    const s = await ciServer();
    const secret = await send(
      s,
      form({ grant_type: 'client_credentials', client_id: 'warehouse-sync', client_secret: 'x' }),
    );
    expect(secret.status).toBe(401);
    expect((secret.body as { error_description: string }).error_description).toContain(
      'has no secret',
    );
    // A workload token sent without client_id: the server cannot tell whose it is.
    const token = await workloadToken(s, { subject: MAIN, audience: ISSUER });
    const anonymous = await send(
      s,
      form({
        grant_type: 'client_credentials',
        client_assertion_type: TYPE,
        client_assertion: token,
      }),
    );
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as { error_description: string }).error_description).toContain(
      'send client_id too',
    );
  });

  it('configures federated credentials through the admin API, and refuses issuers it cannot fetch keys from', async () => {
    const s = await ciServer();
    const release = 'repo:acme/warehouse-sync:ref:refs/tags/v1.0.0';
    await s.admin.putClient('warehouse-sync', {
      federated_credentials: [
        { issuer: CI, subject: MAIN, audience: ISSUER },
        { issuer: CI, subject: release, audience: ISSUER },
      ],
      scopes: ['read:orders'],
    });
    const view = s.admin.getClient('warehouse-sync');
    expect(view?.token_endpoint_auth_method).toBe('workload_identity');
    expect(view?.federated_credentials).toHaveLength(2);
    const token = await workloadToken(s, { subject: release, audience: ISSUER });
    expect((await send(s, exchange(token))).status).toBe(200);
    expect(lastLog(s).detail).toContain(`the client used federated credential 2 of 2 (${release})`);

    for (const federated_credentials of [
      [],
      [{ issuer: 'https://gitlab.example.com', subject: MAIN, audience: ISSUER }],
      [{ issuer: CI, subject: MAIN }],
      [{ issuer: CI, subject: MAIN, audience: ISSUER, wildcard: true }],
    ]) {
      await expect(
        s.admin.putClient('x', { federated_credentials, scopes: [] }),
        JSON.stringify(federated_credentials),
      ).rejects.toThrow(/federated_credentials/);
    }
    await expect(
      s.admin.putClient('x', {
        client_secret: 's',
        federated_credentials: [{ issuer: CI, subject: MAIN, audience: ISSUER }],
        scopes: [],
      }),
    ).rejects.toThrow(/exactly one of/);
  });

  it('reset restores warehouse-sync as seeded', async () => {
    const s = await ciServer();
    await s.admin.deleteClient('warehouse-sync');
    await s.admin.reset({ only: ['clients'] });
    expect(s.admin.getClient('warehouse-sync')?.federated_credentials).toEqual([
      { issuer: CI, subject: MAIN, audience: ISSUER },
    ]);
  });

  it('a key-based client still authenticates as before beside it', async () => {
    const pair = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k' };
    const s = await ciServer({ signingClientJwks: { keys: [jwk] } });
    const jwt = await new SignJWT({
      iss: 'signing-client',
      sub: 'signing-client',
      aud: ISSUER,
      iat: T0,
      exp: T0 + 60,
      jti: 'j',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'client-authentication+jwt' })
      .sign(pair.privateKey);
    expect((await send(s, exchange(jwt, 'signing-client'))).status).toBe(200);
  });
});
