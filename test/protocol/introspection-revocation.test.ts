import { describe, expect, it } from 'vitest';
import {
  API,
  api,
  basic,
  form,
  ISSUER,
  jsonRequest,
  lastLog,
  makeServer,
  mint,
  send,
  T0,
  tokenFor,
} from './helpers.ts';

const introspect = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  form(params, headers, '/oauth/introspect');
const revoke = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  form(params, headers, '/oauth/revoke');
const asReporting = { client_id: 'reporting-job', client_secret: 'reporting-secret' };

describe('introspection (RFC 7662)', () => {
  it('describes a live JWT to any authenticated client', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const r = await send(s, introspect({ token, ...asReporting }));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = r.body as Record<string, unknown>;
    expect(body).toEqual({
      active: true,
      scope: 'read:users',
      client_id: 'demo-client',
      sub: 'demo-client',
      aud: API,
      iss: ISSUER,
      exp: T0 + 3600,
      iat: T0,
      jti: expect.any(String),
      token_type: 'Bearer',
    });
  });

  it('describes a live opaque token, with Basic auth and a JSON body', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'reporting-job', 'reporting-secret');
    const r = await send(
      s,
      jsonRequest(
        { token, token_type_hint: 'refresh_token' },
        { authorization: basic('demo-client', 'demo-secret') },
        '/oauth/introspect',
      ),
    );
    expect(r.body).toMatchObject({
      active: true,
      client_id: 'reporting-job',
      scope: 'read:users read:orders',
      token_type: 'Bearer',
      exp: T0 + 3600,
    });
  });

  it('answers exactly {"active":false} for unknown, expired, forged and foreign-audience tokens', async () => {
    const s = await makeServer();
    const cases = [
      'nonsense',
      'a.b.c',
      await mint(s, { claims: { exp: T0 - 120 } }),
      await mint(s, { claims: {}, sign_with: 'rogue' }),
      await mint(s, { claims: { aud: 'https://other.example.com' } }),
      await mint(s, { claims: {}, sign_with: 'none' }),
    ];
    for (const token of cases) {
      const r = await send(s, introspect({ token, ...asReporting }));
      expect(r.status).toBe(200);
      expect(r.text).toBe('{"active":false}');
    }
    expect(lastLog(s).detail).toMatch(/^inactive: The access token failed the alg check/);
  });

  it('requires client authentication (401 invalid_client)', async () => {
    const s = await makeServer();
    const r = await send(s, introspect({ token: await tokenFor(s) }));
    expect(r.status).toBe(401);
    expect((r.body as { error: string }).error).toBe('invalid_client');
  });

  it('answers 400 invalid_request when token is missing', async () => {
    const s = await makeServer();
    const r = await send(s, introspect(asReporting));
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description: 'token is missing. Send the token to look at as token=<the token>.',
    });
  });

  it('redacts the token parameter in the log', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    await send(s, introspect({ token, ...asReporting }));
    expect(lastLog(s).request.body).toBe(
      'token=%5Bredacted%5D&client_id=reporting-job&client_secret=%5Bredacted%5D',
    );
  });
});

describe('revocation (RFC 7009)', () => {
  it("revokes the caller's own JWT: 200 empty, then 401 revoked on the API and inactive", async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const r = await send(
      s,
      revoke({ token, client_id: 'demo-client', client_secret: 'demo-secret' }),
    );
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const onApi = await send(s, api('/api/v1/users', token));
    expect(onApi.status).toBe(401);
    expect((onApi.body as { error_description: string }).error_description).toBe(
      'The access token failed the revoked check: it was revoked. Get a new token.',
    );
    expect((await send(s, introspect({ token, ...asReporting }))).text).toBe('{"active":false}');
  });

  it('keeps refusing a revoked JWT after the clock runs past its exp and comes back', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    await send(s, revoke({ token, client_id: 'demo-client', client_secret: 'demo-secret' }));
    // Far past exp (and the leeway): a token request then prunes what expired on the server clock.
    await s.admin.setClock({ advance: 2 * 3600 });
    await tokenFor(s);
    await s.admin.setClock({ advance: -2 * 3600 });
    const onApi = await send(s, api('/api/v1/users', token));
    expect(onApi.status).toBe(401);
    expect((onApi.body as { error_description: string }).error_description).toMatch(/revoked/);
    // Once it is dead in real time too, the revocation may go: the token cannot be valid again
    // without moving the clock back before real time.
    s.wall.ms += 2 * 3600 * 1000;
    await s.admin.setClock({ advance: 60 });
    await tokenFor(s);
    expect(s.snapshot().revoked).toEqual({});
  });

  it('revokes an opaque token', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'reporting-job', 'reporting-secret');
    expect((await send(s, revoke({ token, ...asReporting }))).status).toBe(200);
    expect((await send(s, api('/api/v1/users', token))).status).toBe(401);
  });

  it('answers 200 with an empty body for an unknown or already revoked token', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const creds = { client_id: 'demo-client', client_secret: 'demo-secret' };
    for (const t of ['unknown', token, token]) {
      const r = await send(s, revoke({ token: t, ...creds }));
      expect(r.status).toBe(200);
      expect(r.text).toBe('');
    }
  });

  it("refuses to revoke another client's token, which stays live", async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const r = await send(s, revoke({ token, ...asReporting }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description:
        'This token was issued to another client, and a client may revoke only its own tokens. Revoke it with the client that requested it.',
    });
    expect((await send(s, api('/api/v1/users', token))).status).toBe(200);
    expect((await send(s, introspect({ token, ...asReporting }))).body).toMatchObject({
      active: true,
    });
  });

  it('requires client authentication and a token', async () => {
    const s = await makeServer();
    expect((await send(s, revoke({ token: 'x' }))).status).toBe(401);
    expect(
      (await send(s, revoke({ client_id: 'demo-client', client_secret: 'demo-secret' }))).status,
    ).toBe(400);
  });

  it('rejects GET with 405', async () => {
    const s = await makeServer();
    const r = await send(s, new Request(`${ISSUER}/oauth/revoke`));
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST, OPTIONS');
  });
});
