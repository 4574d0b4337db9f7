/**
 * Interop: oauth4webapi (a certified client library nobody here wrote) against the real
 * `npm run server`. If it accepts our discovery, tokens, introspection and revocation answers,
 * we speak the RFCs, not just our own reading of them.
 */
import { readFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from '../contract/spawn-server.ts';

let server: SpawnedServer;
let as: oauth.AuthorizationServer;
// The server speaks http:// on localhost; oauth4webapi refuses that unless told.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

beforeAll(async () => {
  server = await spawnServer();
  const issuer = new URL(server.origin);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  const res = await fetch(`${server.origin}/__admin/reset`, { method: 'POST' });
  await res.arrayBuffer();
});

const demo: oauth.Client = { client_id: 'demo-client' };

async function demoToken(scope = 'read:users'): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    demo,
    oauth.ClientSecretBasic('demo-secret'),
    { scope },
    insecure,
  );
  return oauth.processClientCredentialsResponse(as, demo, response);
}

function apiRequest(token: string, path: string): Promise<Response> {
  return oauth.protectedResourceRequest(
    token,
    'GET',
    new URL(path, server.origin),
    undefined,
    undefined,
    insecure,
  );
}

async function challengeOf(promise: Promise<unknown>): Promise<oauth.WWWAuthenticateChallenge[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  return (error as oauth.WWWAuthenticateChallengeError).cause;
}

describe('oauth4webapi against npm run server', () => {
  it('reads RFC 8414 discovery over http:// with allowInsecureRequests', () => {
    expect(as.issuer).toBe(server.origin);
    expect(as.token_endpoint).toBe(`${server.origin}/oauth/token`);
    expect(as.introspection_endpoint).toBe(`${server.origin}/oauth/introspect`);
    expect(as.revocation_endpoint).toBe(`${server.origin}/oauth/revoke`);
    expect(as.jwks_uri).toBe(`${server.origin}/.well-known/jwks.json`);
  });

  it('refuses the http:// issuer without allowInsecureRequests (the library, not us)', async () => {
    const issuer = new URL(server.origin);
    await expect(oauth.discoveryRequest(issuer, { algorithm: 'oauth2' })).rejects.toThrow(/https/i);
  });

  it('gets a token with ClientSecretBasic; the JWT passes RFC 9068 validation and the API accepts it', async () => {
    const result = await demoToken();
    expect(result.token_type).toBe('bearer');
    expect(result.expires_in).toBe(3600);
    expect(result.scope).toBe('read:users');
    expect(result.refresh_token).toBeUndefined();

    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(`${server.origin}/api/v1/users`, {
        headers: { authorization: `Bearer ${result.access_token}` },
      }),
      server.origin,
      insecure,
    );
    expect(claims.client_id).toBe('demo-client');
    expect(claims.sub).toBe('demo-client');
    expect(claims.scope).toBe('read:users');

    const res = await apiRequest(result.access_token, '/api/v1/users');
    expect(res.status).toBe(200);
  });

  it('gets a token with ClientSecretPost', async () => {
    const client: oauth.Client = { client_id: 'orders-service' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretPost('orders-secret'),
      {},
      insecure,
    );
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.scope?.split(' ').sort()).toEqual(['read:orders', 'write:orders']);
  });

  it('gets a token with PrivateKeyJwt using the key the server wrote to a file', async () => {
    const path = /(\S+signing-client\.\d+\.private\.jwk\.json)/.exec(server.output())?.[1];
    expect(path, server.output()).toBeDefined();
    const jwk = JSON.parse(await readFile(path as string, 'utf8')) as JWK;
    expect(jwk.d).toBeDefined();
    const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
    const client: oauth.Client = { client_id: 'signing-client' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt({ key, kid: jwk.kid }),
      { scope: 'read:orders' },
      insecure,
    );
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.scope).toBe('read:orders');
    expect((await apiRequest(result.access_token, '/api/v1/orders')).status).toBe(200);
  });

  it('gets a token with PrivateKeyJwt using a key pair registered through PUT /__admin/clients', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const kid = 'interop-key';
    const put = await fetch(`${server.origin}/__admin/clients/signing-client`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] },
        scopes: ['read:users', 'read:orders'],
      }),
    });
    expect(put.status).toBeLessThan(300);
    const client: oauth.Client = { client_id: 'signing-client' };
    const auth = oauth.PrivateKeyJwt({ key: privateKey, kid });
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, {}, insecure);
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.scope?.split(' ').sort()).toEqual(['read:orders', 'read:users']);
    // A second grant signs a new assertion (new jti): the replay check does not trip on it.
    const again = await oauth.clientCredentialsGrantRequest(as, client, auth, {}, insecure);
    expect((await oauth.processClientCredentialsResponse(as, client, again)).access_token).not.toBe(
      result.access_token,
    );
  });

  it('signs a typed, issuer-audience assertion (draft-ietf-oauth-rfc7523bis) that a strict server accepts', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const kid = 'interop-typed';
    const admin = (path: string, method: string, body: unknown) =>
      fetch(`${server.origin}/__admin${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const put = await admin('/clients/signing-client', 'PUT', {
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] },
      scopes: ['read:users'],
    });
    expect(put.status).toBeLessThan(300);
    expect((await admin('/settings', 'PUT', { assertionAudience: 'strict' })).status).toBe(200);
    try {
      const client: oauth.Client = { client_id: 'signing-client' };
      const seen: { header?: Record<string, unknown>; payload?: Record<string, unknown> } = {};
      const typed = oauth.PrivateKeyJwt(
        { key: privateKey, kid },
        {
          [oauth.modifyAssertion]: (header, payload) => {
            header.typ = 'client-authentication+jwt';
            Object.assign(seen, { header: { ...header }, payload: { ...payload } });
          },
        },
      );
      const response = await oauth.clientCredentialsGrantRequest(as, client, typed, {}, insecure);
      const result = await oauth.processClientCredentialsResponse(as, client, response);
      expect(result.scope).toBe('read:users');
      // What the library signed: the issuer identifier as one string, and the explicit type.
      expect(seen.header?.typ).toBe('client-authentication+jwt');
      expect(seen.payload?.aud).toBe(server.origin);

      // The same library without the typ: a strict server refuses it.
      const untyped = oauth.PrivateKeyJwt({ key: privateKey, kid });
      const refused = await oauth.clientCredentialsGrantRequest(as, client, untyped, {}, insecure);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');
    } finally {
      await admin('/settings', 'PUT', { assertionAudience: 'legacy' });
    }
  });

  it('surfaces a wrong secret as a 401 Basic challenge', async () => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      demo,
      oauth.ClientSecretBasic('wrong'),
      {},
      insecure,
    );
    const challenges = await challengeOf(
      oauth.processClientCredentialsResponse(as, demo, response),
    );
    expect(challenges[0]?.scheme).toBe('basic');
    expect(challenges[0]?.parameters.realm).toBeDefined();
  });

  it('surfaces invalid_scope as a ResponseBodyError', async () => {
    const error = await demoToken('write:orders').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect((error as oauth.ResponseBodyError).error).toBe('invalid_scope');
    expect((error as oauth.ResponseBodyError).status).toBe(400);
  });

  it("parses the API's insufficient_scope challenge", async () => {
    const { access_token } = await demoToken();
    const [challenge] = await challengeOf(apiRequest(access_token, '/api/v1/orders'));
    expect(challenge?.scheme).toBe('bearer');
    expect(challenge?.parameters.error).toBe('insufficient_scope');
    expect(challenge?.parameters.scope).toBe('read:orders');
  });

  it('introspects a live JWT and an opaque token', async () => {
    const { access_token } = await demoToken();
    const info = await oauth.processIntrospectionResponse(
      as,
      demo,
      await oauth.introspectionRequest(
        as,
        demo,
        oauth.ClientSecretBasic('demo-secret'),
        access_token,
        insecure,
      ),
    );
    expect(info.active).toBe(true);
    expect(info.client_id).toBe('demo-client');
    expect(info.scope).toBe('read:users');

    const reporting: oauth.Client = { client_id: 'reporting-job' };
    const auth = oauth.ClientSecretBasic('reporting-secret');
    const opaque = await oauth.processClientCredentialsResponse(
      as,
      reporting,
      await oauth.clientCredentialsGrantRequest(as, reporting, auth, {}, insecure),
    );
    const opaqueInfo = await oauth.processIntrospectionResponse(
      as,
      reporting,
      await oauth.introspectionRequest(as, reporting, auth, opaque.access_token, insecure),
    );
    expect(opaqueInfo.active).toBe(true);
    expect(opaqueInfo.client_id).toBe('reporting-job');
  });

  it('DPoP: gets a DPoP-bound token with its own proofs and calls the API with it (RFC 9449)', async () => {
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(demo, keyPair);
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      demo,
      oauth.ClientSecretBasic('demo-secret'),
      { scope: 'read:users' },
      { DPoP, ...insecure },
    );
    const result = await oauth.processClientCredentialsResponse(as, demo, response);
    expect(result.token_type).toBe('dpop');
    const api = await oauth.protectedResourceRequest(
      result.access_token,
      'GET',
      new URL('/api/v1/users', server.origin),
      undefined,
      undefined,
      { DPoP, ...insecure },
    );
    expect(api.status).toBe(200);
    // The library as a resource server: it validates our bound JWT and its own proof together.
    const proofs = oauth.DPoP(demo, keyPair);
    const url = new URL('/api/v1/users', server.origin);
    let seen: Request | undefined;
    await oauth.protectedResourceRequest(result.access_token, 'GET', url, undefined, undefined, {
      DPoP: proofs,
      ...insecure,
      [oauth.customFetch]: async (input, init) => {
        seen = new Request(input, { method: init.method, headers: init.headers });
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    const claims = await oauth.validateJwtAccessToken(as, seen as Request, server.origin, {
      requireDPoP: true,
      ...insecure,
    });
    expect(claims.cnf?.jkt).toBe(await DPoP.calculateThumbprint());
  });

  it('DPoP: the dpop-client retries with the nonce the server hands out, at the token endpoint and the API', async () => {
    await fetch(`${server.origin}/__admin/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dpopNonce: 'on' }),
    }).then((r) => r.arrayBuffer());
    const client: oauth.Client = { client_id: 'dpop-client' };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const grant = () =>
      oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic('dpop-secret'),
        { scope: 'read:orders' },
        { DPoP, ...insecure },
      );
    const first = await oauth
      .processClientCredentialsResponse(as, client, await grant())
      .catch((e: unknown) => e);
    expect(oauth.isDPoPNonceError(first)).toBe(true);
    const result = await oauth.processClientCredentialsResponse(as, client, await grant());
    expect(result.token_type).toBe('dpop');
    const call = () =>
      oauth.protectedResourceRequest(
        result.access_token,
        'GET',
        new URL('/api/v1/orders', server.origin),
        undefined,
        undefined,
        { DPoP, ...insecure },
      );
    const refused = await call().catch((e: unknown) => e);
    expect(oauth.isDPoPNonceError(refused)).toBe(true);
    expect((await call()).status).toBe(200);
  });

  it('DPoP: the dpop-client without a proof is refused; the bound token sent as Bearer gets a DPoP challenge', async () => {
    const client: oauth.Client = { client_id: 'dpop-client' };
    const auth = oauth.ClientSecretBasic('dpop-secret');
    const refused = await oauth
      .processClientCredentialsResponse(
        as,
        client,
        await oauth.clientCredentialsGrantRequest(as, client, auth, {}, insecure),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
    expect((refused as oauth.ResponseBodyError).status).toBe(400);
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const bound = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, {}, { DPoP, ...insecure }),
    );
    const [challenge] = await challengeOf(apiRequest(bound.access_token, '/api/v1/users'));
    expect(challenge?.scheme).toBe('dpop');
    expect(challenge?.parameters.error).toBe('invalid_token');
    expect(challenge?.parameters.algs).toContain('ES256');
  });

  it('revokes a token; the API then answers an invalid_token challenge and introspection says inactive', async () => {
    const { access_token } = await demoToken();
    const auth = oauth.ClientSecretBasic('demo-secret');
    const revoked = await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, demo, auth, access_token, insecure),
    );
    expect(revoked).toBeUndefined();
    const [challenge] = await challengeOf(apiRequest(access_token, '/api/v1/users'));
    expect(challenge?.scheme).toBe('bearer');
    expect(challenge?.parameters.error).toBe('invalid_token');
    const info = await oauth.processIntrospectionResponse(
      as,
      demo,
      await oauth.introspectionRequest(as, demo, auth, access_token, insecure),
    );
    expect(info).toEqual({ active: false });
  });
});
