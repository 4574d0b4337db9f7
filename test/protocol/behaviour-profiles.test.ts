import { describe, expect, it } from 'vitest';
import {
  BEHAVIOUR_PROFILES,
  behaviourProfile,
  memoryStore,
  profileOf,
} from '../../src/protocol/index.ts';
import { basic, form, ISSUER, makeServer, send, type TestServer } from './helpers.ts';

const adminCall = (method: string, path: string, body?: unknown) =>
  new Request(`${ISSUER}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

const demoToken = (s: TestServer, scope?: string) =>
  send(
    s,
    form(
      { grant_type: 'client_credentials', ...(scope ? { scope } : {}) },
      { authorization: basic('demo-client', 'demo-secret') },
    ),
  );

type TokenBody = { access_token: string; expires_in: number; scope: string };

describe('behaviour profiles', () => {
  it('starts as strict RFC: the contract defaults', async () => {
    const s = await makeServer();
    expect(profileOf(s.admin.settings())?.id).toBe('strict-rfc');
    const r = await send(s, adminCall('GET', '/profile'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ profile: 'strict-rfc' });
    expect((r.body as { profiles: unknown[] }).profiles).toHaveLength(BEHAVIOUR_PROFILES.length);
  });

  it('strict RFC refuses a scope the client may not have with 400 invalid_scope', async () => {
    const s = await makeServer();
    const r = await demoToken(s, 'read:users write:orders');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_scope' });
    expect((r.body as { error_description: string }).error_description).toContain('write:orders');
  });

  it('down-scoping grants the allowed part and names it in scope', async () => {
    const s = await makeServer();
    const put = await send(s, adminCall('PUT', '/profile', { profile: 'down-scoping' }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ profile: 'down-scoping' });
    expect(s.admin.settings()).toMatchObject({ scopePolicy: 'downscope', tokenReuse: 'never' });
    const r = await demoToken(s, 'read:users write:orders');
    expect(r.status).toBe(200);
    expect((r.body as TokenBody).scope).toBe('read:users');
    // nothing grantable at all is still invalid_scope
    expect((await demoToken(s, 'write:orders')).body).toMatchObject({ error: 'invalid_scope' });
  });

  it('strict RFC issues a new token for a request repeated in the same second', async () => {
    const s = await makeServer();
    const a = (await demoToken(s)).body as TokenBody;
    const b = (await demoToken(s)).body as TokenBody;
    expect(a.access_token).not.toBe(b.access_token);
  });

  it('server-side cache returns the same token within the same second, a new one the next second', async () => {
    const s = await makeServer();
    await s.admin.updateSettings(behaviourProfile('server-side-cache').settings);
    const a = (await demoToken(s)).body as TokenBody;
    s.wall.ms += 900; // still the same second of server time (T0 is a whole second)
    const b = await demoToken(s);
    expect(b.status).toBe(200);
    expect((b.body as TokenBody).access_token).toBe(a.access_token);
    expect((b.body as TokenBody).expires_in).toBe(3600);
    // the log says what happened
    const last = s.admin.log().at(-1);
    expect(last?.detail).toContain('earlier in this second');

    s.wall.ms += 100; // the next second
    const c = (await demoToken(s)).body as TokenBody;
    expect(c.access_token).not.toBe(a.access_token);
  });

  it('server-side cache does not reuse across scopes, clients, revocation or key rotation', async () => {
    const s = await makeServer();
    await s.admin.updateSettings({ tokenReuse: 'same-second' });
    const all = (await demoToken(s)).body as TokenBody;
    const narrow = (await demoToken(s, 'read:users')).body as TokenBody;
    // omitted scope means all of demo-client's scopes: read:users, the same scope string
    expect(narrow.access_token).toBe(all.access_token);

    const other = await send(
      s,
      form(
        { grant_type: 'client_credentials' },
        { authorization: basic('orders-service', 'orders-secret') },
      ),
    );
    expect((other.body as TokenBody).access_token).not.toBe(all.access_token);

    const revoke = await send(
      s,
      form(
        { token: all.access_token },
        { authorization: basic('demo-client', 'demo-secret') },
        '/oauth/revoke',
      ),
    );
    expect(revoke.status).toBe(200);
    const afterRevoke = (await demoToken(s)).body as TokenBody;
    expect(afterRevoke.access_token).not.toBe(all.access_token);

    await s.admin.rotateKeys();
    const afterRotate = (await demoToken(s)).body as TokenBody;
    expect(afterRotate.access_token).not.toBe(afterRevoke.access_token);
  });

  it('a reset goes back to strict RFC', async () => {
    const s = await makeServer();
    await s.admin.updateSettings({ tokenReuse: 'same-second', scopePolicy: 'downscope' });
    expect(profileOf(s.admin.settings())).toBeUndefined();
    await s.admin.reset();
    expect(profileOf(s.admin.settings())?.id).toBe('strict-rfc');
  });

  it('rejects an unknown profile or a bad body with 400 invalid_request', async () => {
    const s = await makeServer();
    for (const body of [{ profile: 'auth0' }, { profile: 3 }, {}, ['strict-rfc']]) {
      const r = await send(s, adminCall('PUT', '/profile', body));
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request' });
    }
    const r = await send(s, adminCall('PUT', '/profile', { profile: 'nope' }));
    expect((r.body as { error_description: string }).error_description).toContain(
      'strict-rfc, down-scoping, server-side-cache',
    );
  });

  it('keeps tokenReuse across a reload and reads old snapshots as never', async () => {
    const store = memoryStore();
    const s = await makeServer({ store });
    await s.admin.updateSettings({ tokenReuse: 'same-second' });
    await s.flush();
    const again = await makeServer({ store });
    expect(again.admin.settings().tokenReuse).toBe('same-second');

    const saved = structuredClone(s.snapshot()) as unknown as { settings: Record<string, unknown> };
    delete saved.settings.tokenReuse;
    const old = await makeServer({
      store: { load: async () => saved as never, save: async () => undefined },
    });
    expect(old.admin.settings().tokenReuse).toBe('never');
  });
});
