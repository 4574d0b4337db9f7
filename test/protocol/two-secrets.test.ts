import { describe, expect, it } from 'vitest';
import { api, basic, form, lastLog, makeServer, send, tokenFor } from './helpers.ts';

const admin = (method: string, path: string, body?: unknown) =>
  new Request(`https://auth.example.com/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const introspect = (token: string) =>
  form({ token }, { authorization: basic('demo-client', 'demo-secret') }, '/oauth/introspect');

describe('two secrets per client (rotation without downtime)', () => {
  it('takes client_secrets [old, new]: either authenticates, and the log says which, never the secret', async () => {
    const s = await makeServer();
    const put = await send(
      s,
      admin('PUT', '/clients/billing-job', {
        client_secrets: ['old-secret', 'new-secret'],
        scopes: ['read:users'],
      }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      client_secret: 'old-secret',
      client_secrets: ['old-secret', 'new-secret'],
      token_endpoint_auth_method: 'client_secret_basic',
    });

    await tokenFor(s, 'billing-job', 'old-secret');
    const first = lastLog(s);
    expect(first.steps).toContainEqual({
      name: 'checkClientSecret',
      ok: true,
      note: 'secret 1 of 2',
    });
    expect(first.detail).toContain('the client used secret 1 of 2');

    const basicAuth = await send(
      s,
      form(
        { grant_type: 'client_credentials' },
        { authorization: basic('billing-job', 'new-secret') },
      ),
    );
    expect(basicAuth.status).toBe(200);
    expect(lastLog(s).steps).toContainEqual({
      name: 'checkClientSecret',
      ok: true,
      note: 'secret 2 of 2',
    });
    const text = JSON.stringify(s.admin.log());
    expect(text).not.toContain('old-secret');
    expect(text).not.toContain('new-secret');
  });

  it('refuses a secret that is neither, as invalid_client, naming both lengths only in the detail', async () => {
    const s = await makeServer();
    await s.admin.putClient('billing-job', {
      client_secrets: ['old-secret', 'brand-new-secret'],
      scopes: ['read:users'],
    });
    const r = await send(
      s,
      form({ grant_type: 'client_credentials', client_id: 'billing-job', client_secret: 'guess' }),
    );
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'invalid_client' });
    expect(lastLog(s).error?.detail).toBe(
      'secret mismatch for billing-job (sent 5 characters, expected 10 or 16: neither of its 2 secrets)',
    );
  });

  it('drops the old secret: a PUT with only the new one refuses the old at once', async () => {
    const s = await makeServer();
    await s.admin.putClient('billing-job', {
      client_secrets: ['old-secret', 'new-secret'],
      scopes: ['read:users'],
    });
    await s.admin.putClient('billing-job', {
      client_secrets: ['new-secret'],
      scopes: ['read:users'],
    });
    await expect(tokenFor(s, 'billing-job', 'old-secret')).rejects.toThrow(/invalid_client/);
    expect(await tokenFor(s, 'billing-job', 'new-secret')).toMatch(/^ey/);
    expect(lastLog(s).steps).toContainEqual({
      name: 'checkClientSecret',
      ok: true,
      note: 'secret 1 of 1',
    });
  });

  it('refuses bad client_secrets and more than one kind of credential', async () => {
    const s = await makeServer();
    for (const body of [
      { client_secrets: [], scopes: [] },
      { client_secrets: ['a', 'b', 'c'], scopes: [] },
      { client_secrets: ['same', 'same'], scopes: [] },
      { client_secrets: ['ok', 7], scopes: [] },
      { client_secret: 'a', client_secrets: ['b'], scopes: [] },
    ]) {
      const r = await send(s, admin('PUT', '/clients/x', body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request' });
    }
  });
});

describe('revoke every token a client holds', () => {
  it('answers {revoked: n}; each of those tokens fails on the API and introspects inactive', async () => {
    const s = await makeServer();
    const a = await tokenFor(s);
    const b = await tokenFor(s);
    const other = await tokenFor(s, 'orders-service', 'orders-secret');
    const opaque = await tokenFor(s, 'reporting-job', 'reporting-secret');

    const r = await send(s, admin('POST', '/clients/demo-client/revoke-tokens'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ revoked: 2 });
    for (const token of [a, b]) {
      const call = await send(s, api('/api/v1/users', token));
      expect(call.status).toBe(401);
      expect(call.headers.get('www-authenticate')).toContain('failed the revoked check');
      expect((await send(s, introspect(token))).body).toEqual({ active: false });
    }
    // Another client's tokens stay live.
    expect((await send(s, api('/api/v1/orders', other))).status).toBe(200);
    // Nothing left to revoke: the count says so.
    expect((await send(s, admin('POST', '/clients/demo-client/revoke-tokens'))).body).toEqual({
      revoked: 0,
    });
    // A new token after the revocation works.
    expect((await send(s, api('/api/v1/users', await tokenFor(s)))).status).toBe(200);

    // Opaque tokens too.
    expect((await send(s, admin('POST', '/clients/reporting-job/revoke-tokens'))).body).toEqual({
      revoked: 1,
    });
    expect((await send(s, introspect(opaque))).body).toEqual({ active: false });
  });

  it('is 404 for an unknown client, and 405 for a GET', async () => {
    const s = await makeServer();
    const r = await send(s, admin('POST', '/clients/nobody/revoke-tokens'));
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found' });
    const g = await send(s, admin('GET', '/clients/demo-client/revoke-tokens'));
    expect(g.status).toBe(405);
    expect(g.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('does not count expired tokens', async () => {
    const s = await makeServer();
    await tokenFor(s);
    await s.admin.setClock({ advance: 3601 });
    expect(await s.admin.revokeClientTokens('demo-client')).toEqual({ revoked: 0 });
  });
});
