import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/protocol/index.ts';
import { api, form, ISSUER, makeServer, send, tokenFor } from './helpers.ts';

describe('persistence', () => {
  it('a new server built from the saved snapshot verifies a token the old one issued', async () => {
    const store = memoryStore();
    const first = await makeServer({ store });
    const token = await tokenFor(first);
    const opaque = await tokenFor(first, 'reporting-job', 'reporting-secret');
    await first.admin.putClient('kept', { client_secret: 'k', scopes: ['read:users'] });
    await first.admin.setClock({ advance: 30 });
    await first.flush();
    const loggedBefore = first.admin.log().map((e) => e.id);
    expect(loggedBefore).toHaveLength(2);

    const second = await makeServer({ store });
    expect(second.admin.log().map((e) => e.id)).toEqual(loggedBefore);
    expect(second.admin.jwks()).toEqual(first.admin.jwks());
    expect((await send(second, api('/api/v1/users', token))).status).toBe(200);
    expect((await send(second, api('/api/v1/users', opaque))).status).toBe(200);
    expect(second.admin.clock().offset).toBe(30);
    expect(
      (
        await send(
          second,
          form({ grant_type: 'client_credentials', client_id: 'kept', client_secret: 'k' }),
        )
      ).status,
    ).toBe(200);
  });

  it('keeps revocations across a reload', async () => {
    const store = memoryStore();
    const first = await makeServer({ store });
    const token = await tokenFor(first);
    await send(
      first,
      form({ token, client_id: 'demo-client', client_secret: 'demo-secret' }, {}, '/oauth/revoke'),
    );
    await first.flush();
    const second = await makeServer({ store });
    expect((await send(second, api('/api/v1/users', token))).status).toBe(401);
  });

  it('loads seen assertion jtis saved before they carried wallExp (a bare exp)', async () => {
    const saved: { text?: string } = {};
    const jsonStore = {
      load: async () => (saved.text ? JSON.parse(saved.text) : undefined),
      save: async (snapshot: unknown) => {
        saved.text = JSON.stringify(snapshot);
      },
    };
    const first = await makeServer({ store: jsonStore });
    await tokenFor(first);
    await first.flush();
    const old = JSON.parse(saved.text ?? '{}');
    old.seenAssertions = { 'signing-client old-jti': 1767225700 };
    saved.text = JSON.stringify(old);
    const second = await makeServer({ store: jsonStore });
    // Loaded from the store (not reseeded): the log came along, and the jti with it.
    expect(second.admin.log()).toHaveLength(1);
    expect(second.snapshot().seenAssertions['signing-client old-jti']).toEqual({
      exp: 1767225700,
      wallExp: 1767225700,
    });
  });

  it('survives a JSON round trip (what a localStorage store does)', async () => {
    const saved: { text?: string } = {};
    const jsonStore = {
      load: async () => (saved.text ? JSON.parse(saved.text) : undefined),
      save: async (snapshot: unknown) => {
        saved.text = JSON.stringify(snapshot);
      },
    };
    const first = await makeServer({ store: jsonStore });
    const token = await tokenFor(first);
    await first.flush();
    const second = await makeServer({ store: jsonStore });
    expect((await send(second, api('/api/v1/users', token))).status).toBe(200);
  });

  it('saves on its own after a mutation, coalesced to one save per task', async () => {
    let saves = 0;
    const inner = memoryStore();
    const store = {
      load: inner.load,
      save: async (s: Parameters<typeof inner.save>[0]) => {
        saves++;
        await inner.save(s);
      },
    };
    const s = await makeServer({ store });
    await new Promise((r) => setTimeout(r, 5));
    saves = 0;
    await Promise.all([tokenFor(s), tokenFor(s), tokenFor(s)]);
    await new Promise((r) => setTimeout(r, 5));
    expect(saves).toBeGreaterThanOrEqual(1);
    expect(saves).toBeLessThanOrEqual(2);
    expect(inner.peek()?.issued).toHaveLength(3);
  });

  it('falls back to the seed on a corrupt snapshot', async () => {
    for (const corrupt of [{ version: 2 }, { version: 1, clients: [] }, 'garbage', null]) {
      const store = { load: async () => corrupt as never, save: async () => undefined };
      const s = await makeServer({ store });
      expect(s.admin.listClients()).toHaveLength(7);
      expect(await tokenFor(s)).toMatch(/^ey/);
    }
  });

  it('falls back to the seed when the stored key material is broken', async () => {
    const store = memoryStore();
    const first = await makeServer({ store });
    await first.flush();
    const snapshot = store.peek();
    if (!snapshot?.keys[0]) throw new Error('no snapshot');
    snapshot.keys[0].private_jwk = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' };
    const second = await makeServer({ store });
    expect(second.admin.jwks().keys[0]?.kid).not.toBe(first.admin.jwks().keys[0]?.kid);
    expect((await send(second, api('/api/v1/users', await tokenFor(second)))).status).toBe(200);
  });
});

describe('key rotation', () => {
  it('publishes only public members with kid, alg and use', async () => {
    const s = await makeServer();
    const r = await send(s, new Request(`${ISSUER}/.well-known/jwks.json`));
    expect(r.headers.get('cache-control')).toBe('public, max-age=60');
    const keys = (r.body as { keys: Record<string, unknown>[] }).keys;
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual([
      'alg',
      'crv',
      'kid',
      'kty',
      'use',
      'x',
      'y',
    ]);
    expect(keys[0]).toMatchObject({ alg: 'ES256', use: 'sig', kty: 'EC', crv: 'P-256' });
  });

  it('an old token verifies after rotation until the old key is retired', async () => {
    const s = await makeServer();
    const old = await tokenFor(s);
    const rotated = await s.admin.rotateKeys();
    expect(rotated.retired).toEqual([]);
    expect(rotated.jwks.keys).toHaveLength(2);
    const fresh = await tokenFor(s);
    expect(JSON.parse(atob(fresh.split('.')[0] ?? '')).kid).toBe(rotated.kid);
    expect((await send(s, api('/api/v1/users', old))).status).toBe(200);
    const retired = await send(s, new Request(`${ISSUER}/__admin/keys/retire`, { method: 'POST' }));
    expect((retired.body as { retired: string[] }).retired).toHaveLength(1);
    const r = await send(s, api('/api/v1/users', old));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(
      /failed the kid check/,
    );
    expect((await send(s, api('/api/v1/users', fresh))).status).toBe(200);
  });

  it('keeps at most 10 keys published, dropping the oldest', async () => {
    const s = await makeServer();
    const first = s.admin.jwks().keys[0]?.kid;
    for (let i = 0; i < 10; i++) await s.admin.rotateKeys();
    const kids = s.admin.jwks().keys.map((k) => k.kid);
    expect(kids).toHaveLength(10);
    expect(kids).not.toContain(first);
  });

  it('retire_previous drops the old key in the same call', async () => {
    const s = await makeServer();
    const old = await tokenFor(s);
    const r = await send(
      s,
      new Request(`${ISSUER}/__admin/keys/rotate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"retire_previous":true}',
      }),
    );
    expect((r.body as { retired: string[]; jwks: { keys: unknown[] } }).jwks.keys).toHaveLength(1);
    expect((await send(s, api('/api/v1/users', old))).status).toBe(401);
  });

  it('signs with RS256 after switching signingAlg and rotating', async () => {
    const s = await makeServer();
    await s.admin.updateSettings({ signingAlg: 'RS256' });
    const r = await s.admin.rotateKeys();
    expect(r.alg).toBe('RS256');
    const token = await tokenFor(s);
    expect(JSON.parse(atob(token.split('.')[0] ?? '')).alg).toBe('RS256');
    expect((await send(s, api('/api/v1/users', token))).status).toBe(200);
    const rsa = r.jwks.keys.find((k) => k.kid === r.kid);
    expect(Object.keys(rsa ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});

describe('bounded memory', () => {
  it('caps the issued-token index near 500 and the opaque map at 2000, forgetting the oldest', async () => {
    const s = await makeServer();
    const first = await tokenFor(s, 'reporting-job', 'reporting-secret');
    for (let i = 0; i < 2300; i++) await tokenFor(s, 'reporting-job', 'reporting-secret');
    expect(s.snapshot().issued.length).toBeLessThanOrEqual(550);
    expect(Object.keys(s.snapshot().opaque).length).toBeLessThanOrEqual(2200);
    await s.admin.setClock({ advance: 11 });
    await tokenFor(s, 'reporting-job', 'reporting-secret');
    expect(Object.keys(s.snapshot().opaque).length).toBe(2000);
    expect((await send(s, api('/api/v1/users', first))).status).toBe(401);
  });

  it('prunes revocations of tokens dead on the server clock and in real time', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    await send(
      s,
      form({ token, client_id: 'demo-client', client_secret: 'demo-secret' }, {}, '/oauth/revoke'),
    );
    expect(Object.keys(s.snapshot().revoked)).toHaveLength(1);
    // Past exp on the server clock alone, it stays (the clock could come back).
    await s.admin.setClock({ advance: 3600 + 301 });
    await tokenFor(s);
    expect(Object.keys(s.snapshot().revoked)).toHaveLength(1);
    // Past exp in real time too, it goes.
    s.wall.ms += (3600 + 301) * 1000;
    await s.admin.setClock({ advance: 11 });
    await tokenFor(s);
    expect(Object.keys(s.snapshot().revoked)).toHaveLength(0);
  });
});
