import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/protocol/index.ts';
import { API, ISSUER, makeServer, send } from './helpers.ts';

describe('routing', () => {
  it('returns undefined for foreign origins', async () => {
    const s = await makeServer();
    expect(
      await s.handle(new Request('https://example.org/oauth/token', { method: 'POST' })),
    ).toBeUndefined();
  });

  it('answers 404 JSON for unknown paths on our hosts', async () => {
    const s = await makeServer();
    for (const url of [
      `${ISSUER}/nope`,
      `${API}/api/v2/users`,
      `${API}/oauth/token`,
      `${ISSUER}/api/v1/users`,
    ]) {
      const r = await send(s, new Request(url));
      expect(r.status).toBe(404);
      expect((r.body as { error: string }).error).toBe('not_found');
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 405 with Allow for a known path and wrong method', async () => {
    const s = await makeServer();
    const r = await send(s, new Request(`${API}/api/v1/users`, { method: 'DELETE' }));
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, OPTIONS');
    expect(r.body).toEqual({
      error: 'method_not_allowed',
      error_description: '/api/v1/users does not accept DELETE. Use GET or OPTIONS.',
    });
    expect(
      (await send(s, new Request(`${API}/api/v1/orders`, { method: 'PUT' }))).headers.get('allow'),
    ).toBe('GET, POST, OPTIONS');
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    const s = await makeServer();
    const r = await send(s, new Request(`${ISSUER}/oauth/token`, { method: 'OPTIONS' }));
    expect(r.status).toBe(204);
    expect(r.headers.get('allow')).toBe('POST, OPTIONS');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves RFC 8414 metadata with no authorization endpoint and empty response_types_supported', async () => {
    const s = await makeServer();
    const r = await send(s, new Request(`${ISSUER}/.well-known/oauth-authorization-server`));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('public, max-age=60');
    const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    const algs = ['ES256', 'RS256', 'PS256', 'EdDSA'];
    expect(r.body).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      scopes_supported: ['read:users', 'read:orders', 'write:orders'],
      response_types_supported: [],
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: methods,
      token_endpoint_auth_signing_alg_values_supported: algs,
      introspection_endpoint_auth_methods_supported: methods,
      introspection_endpoint_auth_signing_alg_values_supported: algs,
      revocation_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_signing_alg_values_supported: algs,
      dpop_signing_alg_values_supported: algs,
    });
  });

  it('serves issuer and API on one origin in the Node layout', async () => {
    const origin = 'http://localhost:8787';
    const s = await createMockServer({ issuer: origin, apiOrigin: origin, audience: origin });
    const token = await s.handle(
      new Request(`${origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
      }),
    );
    if (!token) throw new Error('no response');
    const { access_token } = (await token.json()) as { access_token: string };
    const users = await s.handle(
      new Request(`${origin}/api/v1/users`, {
        headers: { authorization: `Bearer ${access_token}` },
      }),
    );
    expect(users?.status).toBe(200);
  });

  it('refuses options whose issuer has a path', async () => {
    await expect(
      createMockServer({ issuer: 'https://a.example/tenant', apiOrigin: API, audience: API }),
    ).rejects.toThrow(/origin/);
  });
});
