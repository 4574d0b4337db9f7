import { describe, expect, it } from 'vitest';
import type { MockServer, StateStore } from '../../src/protocol/index.ts';
import { api, form, makeServer, send, T0, tokenFor } from './helpers.ts';

/** A store that keeps the snapshot as JSON text, as the page's localStorage store does. */
function textStore(): StateStore & { text?: string } {
  const store: StateStore & { text?: string } = {
    load: async () => (store.text === undefined ? undefined : JSON.parse(store.text)),
    save: async (snapshot) => {
      store.text = JSON.stringify(snapshot);
    },
  };
  return store;
}

/** A saved snapshot with something in every part: clients, tokens, revocations, orders, log. */
async function savedSnapshot(): Promise<Record<string, unknown>> {
  const store = textStore();
  const server = await makeServer({ store });
  const token = await tokenFor(server, 'orders-service', 'orders-secret', {
    scope: 'read:orders write:orders',
  });
  await tokenFor(server, 'reporting-job', 'reporting-secret');
  await send(
    server,
    new Request('https://api.example.com/api/v1/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'widget', quantity: 2 }),
    }),
  );
  await send(server, api('/api/v1/users', 'not-a-token'));
  const revoked = await tokenFor(server);
  await send(
    server,
    form(
      { token: revoked, client_id: 'demo-client', client_secret: 'demo-secret' },
      {},
      '/oauth/revoke',
    ),
  );
  await server.admin.setClock({ advance: 120 });
  await server.flush();
  return JSON.parse(store.text ?? 'null');
}

async function loadFrom(snapshot: unknown): Promise<MockServer> {
  const store = textStore();
  store.text = JSON.stringify(snapshot);
  return makeServer({ store });
}

/**
 * What the console and the panels read from a server, checked the way they use it: every time
 * turned into a `Date` and printed, every log entry's parts read. Throws where a view would.
 */
function readLikeTheViews(server: MockServer): void {
  const iso = (ms: number) => new Date(ms).toISOString();
  iso(server.admin.clock().now * 1000);
  for (const entry of server.admin.log()) {
    iso(entry.time);
    Math.round(entry.durationMs);
    for (const [name, value] of Object.entries(entry.request.headers)) `${name}: ${value.trim()}`;
    for (const [name, value] of Object.entries(entry.response.headers)) `${name}: ${value.trim()}`;
    entry.request.url.startsWith('https:');
    entry.request.method.toUpperCase();
    entry.response.status.toFixed(0);
    for (const step of entry.steps) step.name.trim();
    entry.error?.error.trim();
  }
  for (const token of server.admin.issuedTokens()) {
    iso(token.iat * 1000);
    iso(token.exp * 1000);
  }
  for (const key of server.admin.keys()) iso(key.created_at * 1000);
  for (const client of server.admin.listClients()) {
    client.scopes.join(' ');
    for (const key of client.jwks?.keys ?? []) String(key.kty);
  }
}

/** Every path in a JSON value (objects and arrays included), as keys from the root. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Array.isArray(value)
    ? value.flatMap((item, index) => paths(item, [...prefix, index]))
    : Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]));
  return prefix.length === 0 ? children : [prefix, ...children];
}

function withValue(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
  return copy;
}

describe('a damaged stored snapshot', () => {
  it('a log entry of just {"id":"x"} makes the server start from the seed', async () => {
    const snapshot = await savedSnapshot();
    (snapshot.log as unknown[]).push({ id: 'x' });
    const server = await loadFrom(snapshot);
    expect(server.admin.log()).toEqual([]);
    expect(server.admin.clock().offset).toBe(0);
    readLikeTheViews(server);
  });

  it('a clock offset past the range of dates makes the server start from the seed', async () => {
    const snapshot = await savedSnapshot();
    snapshot.clockOffsetMs = 9e15;
    const server = await loadFrom(snapshot);
    expect(server.admin.clock()).toMatchObject({ now: T0, offset: 0 });
    readLikeTheViews(server);
  });

  it('a clock offset that puts the server past the latest time setClock allows is refused', async () => {
    const snapshot = await savedSnapshot();
    // 2230 and a day: a Date holds it, but the admin API would never set it.
    snapshot.clockOffsetMs = (8_204_803_200 + 86_400 - T0) * 1000;
    const server = await loadFrom(snapshot);
    expect(server.admin.clock().offset).toBe(0);
  });

  it('an issued token whose exp no Date can hold makes the server start from the seed', async () => {
    const snapshot = await savedSnapshot();
    const [first] = snapshot.issued as { exp: number }[];
    if (!first) throw new Error('the saved snapshot has no issued token');
    first.exp = 1e300;
    const server = await loadFrom(snapshot);
    expect(server.admin.issuedTokens()).toEqual([]);
  });

  it('the undamaged snapshot still loads whole', async () => {
    const snapshot = await savedSnapshot();
    const server = await loadFrom(snapshot);
    expect(server.admin.log().length).toBeGreaterThan(3);
    expect(server.admin.clock().offset).toBe(120);
    expect(server.admin.revokedTokens()).toHaveLength(1);
    readLikeTheViews(server);
  });

  it('any one part replaced by junk loads whole or from the seed, and the views can read it', async () => {
    const snapshot = await savedSnapshot();
    const junk: unknown[] = [null, { id: 'x' }, 'x', 9e18, -1, [], true];
    const failures: string[] = [];
    for (const path of paths(snapshot)) {
      // Key material is checked by importing it (a bad key falls back to the seed on its own).
      if (path.includes('private_jwk') || path.includes('public_jwk')) continue;
      for (const value of junk) {
        const server = await loadFrom(withValue(snapshot, path, value));
        try {
          readLikeTheViews(server);
        } catch (error) {
          failures.push(`${path.join('.')} = ${JSON.stringify(value)}: ${String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
