import { describe, expect, it } from 'vitest';
import { API, api, ISSUER, lastLog, makeServer, mint, send, T0, tokenFor } from './helpers.ts';

type Sent = Awaited<ReturnType<typeof send>>;

function expectInvalidToken(r: Sent, description: RegExp) {
  expect(r.status).toBe(401);
  const body = r.body as { error: string; error_description: string };
  expect(Object.keys(body)).toEqual(['error', 'error_description']);
  expect(body.error).toBe('invalid_token');
  expect(body.error_description).toMatch(description);
  const challenge = r.headers.get('www-authenticate') ?? '';
  expect(challenge.startsWith(`Bearer error="invalid_token", error_description="`)).toBe(true);
  // RFC 6750 §3: only %x20-21 / %x23-5B / %x5D-7E inside the quoted description
  const description_ = /error_description="([^"]*)"$/.exec(challenge)?.[1] ?? '';
  expect(description_).toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
}

describe('resource API: happy paths', () => {
  it('answers GET /api/v1/users with the sample users for a read:users token', async () => {
    const s = await makeServer();
    const r = await send(s, api('/api/v1/users', await tokenFor(s)));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      users: [
        { id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
        { id: 'usr_2', name: 'Alan Turing', email: 'alan@example.com' },
        { id: 'usr_3', name: 'Grace Hopper', email: 'grace@example.com' },
      ],
    });
    expect(lastLog(s).steps.map((x) => x.name)).toEqual([
      'rejectQueryToken',
      'extractBearerToken',
      'checkWellFormed',
      'checkAlg',
      'checkTyp',
      'checkKid',
      'checkSignature',
      'checkIssuer',
      'checkAudience',
      'checkTimes',
      'checkNotRevoked',
      'checkScope',
    ]);
  });

  it('accepts the bearer scheme in any case', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const r = await send(
      s,
      new Request(`${API}/api/v1/users`, { headers: { authorization: `bEaReR ${token}` } }),
    );
    expect(r.status).toBe(200);
  });

  it('creates an order with 201 and Location, and lists it afterwards', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'orders-service', 'orders-secret');
    const created = await send(
      s,
      api('/api/v1/orders', token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: 'Mouse', quantity: 3 }),
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'ord_1003',
      item: 'Mouse',
      quantity: 3,
      status: 'pending',
      created_by: 'orders-service',
      created_at: T0,
    });
    expect(created.headers.get('location')).toBe(`${API}/api/v1/orders/ord_1003`);
    const list = await send(s, api('/api/v1/orders', token));
    expect((list.body as { orders: { id: string }[] }).orders.map((o) => o.id)).toEqual([
      'ord_1001',
      'ord_1002',
      'ord_1003',
    ]);
    const one = await send(s, api('/api/v1/orders/ord_1003', token));
    expect(one.status).toBe(200);
    expect((one.body as { item: string }).item).toBe('Mouse');
    await s.admin.reset();
    const token2 = await tokenFor(s, 'orders-service', 'orders-secret');
    const after = await send(s, api('/api/v1/orders', token2));
    expect((after.body as { orders: { id: string }[] }).orders.map((o) => o.id)).toEqual([
      'ord_1001',
      'ord_1002',
    ]);
  });

  it('rejects an invalid order body with 400 invalid_request', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'orders-service', 'orders-secret');
    const post = (body: string, type = 'application/json') =>
      send(
        s,
        api('/api/v1/orders', token, { method: 'POST', headers: { 'content-type': type }, body }),
      );
    const cases: [string, RegExp][] = [
      ['{"item":"","quantity":1}', /item must be a non-empty string/],
      ['{"item":"x","quantity":0}', /quantity must be a whole number/],
      ['{"item":"x","quantity":1.5}', /quantity must be a whole number/],
      ['[1]', /must be a JSON object/],
      ['{', /not valid JSON/],
      ['', /empty/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect((r.body as { error: string }).error).toBe('invalid_request');
      expect((r.body as { error_description: string }).error_description).toMatch(message);
    }
    expect((await post('item=x', 'text/plain')).status).toBe(400);
  });

  it('answers 404 JSON for an unknown order id', async () => {
    const s = await makeServer();
    const r = await send(
      s,
      api('/api/v1/orders/ord_9', await tokenFor(s, 'orders-service', 'orders-secret')),
    );
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      error: 'not_found',
      error_description: 'No order ord_9. List orders with GET /api/v1/orders.',
    });
  });

  it('accepts an opaque token by looking it up', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'reporting-job', 'reporting-secret');
    const r = await send(s, api('/api/v1/orders', token));
    expect(r.status).toBe(200);
    expect(lastLog(s).steps.map((x) => x.name)).toEqual([
      'rejectQueryToken',
      'extractBearerToken',
      'lookupOpaqueToken',
      'checkTimes',
      'checkNotRevoked',
      'checkScope',
    ]);
  });
});

describe('resource API: where the token may be', () => {
  it('answers 401 with a bare Bearer challenge when no credentials are sent', async () => {
    const s = await makeServer();
    const r = await send(s, api('/api/v1/users'));
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe(`Bearer realm="${API}"`);
    expect(r.body).toEqual({
      error: 'missing_token',
      error_description: 'No access token. Send Authorization: Bearer <access_token>.',
    });
  });

  it('treats a non-Bearer Authorization header as no bearer credentials', async () => {
    const s = await makeServer();
    const r = await send(
      s,
      new Request(`${API}/api/v1/users`, { headers: { authorization: 'Basic abc' } }),
    );
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe(`Bearer realm="${API}"`);
  });

  it('refuses access_token in the query string with 400 even beside a valid header', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const r = await send(s, api(`/api/v1/users?access_token=${token}`, token));
    expect(r.status).toBe(400);
    expect(r.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_request", error_description="The access token was sent in the query string, where logs and browser history keep it. Send it only in the Authorization: Bearer header."`,
    );
    expect((r.body as { error: string }).error).toBe('invalid_request');
    expect(lastLog(s).request.url).toBe(`${API}/api/v1/users?access_token=%5Bredacted%5D`);
  });

  it('refuses access_token in a form body', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'orders-service', 'orders-secret');
    const r = await send(
      s,
      new Request(`${API}/api/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${token}`,
      }),
    );
    expect(r.status).toBe(400);
    expect((r.body as { error_description: string }).error_description).toMatch(/form body/);
    expect(lastLog(s).request.body).toBe('access_token=%5Bredacted%5D');
  });

  it('answers a malformed Bearer header with 400 invalid_request', async () => {
    const s = await makeServer();
    const r = await send(
      s,
      new Request(`${API}/api/v1/users`, { headers: { authorization: 'Bearer a b' } }),
    );
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toBe('invalid_request');
  });
});

describe('resource API: token checks, in order', () => {
  it('fails well-formed for garbage with dots', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(s, api('/api/v1/users', 'a.b.c')),
      /^The access token failed the well-formed check/,
    );
    expect(lastLog(s).steps.at(-1)).toEqual({ name: 'checkWellFormed', ok: false });
  });

  it('fails lookup for an unknown opaque token', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(s, api('/api/v1/users', 'x'.repeat(43))),
      /failed the lookup check/,
    );
  });

  it('fails alg for an unsigned alg none token', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: {}, sign_with: 'none' });
    expect(token.endsWith('.')).toBe(true);
    expectInvalidToken(
      await send(s, api('/api/v1/users', token)),
      /failed the alg check: alg none is not accepted/,
    );
  });

  it('fails typ for a plain JWT', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: {}, header: { typ: 'JWT' } });
    expectInvalidToken(
      await send(s, api('/api/v1/users', token)),
      /failed the typ check: typ is JWT/,
    );
  });

  it('accepts typ application/at+jwt', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: {}, header: { typ: 'application/at+jwt' } });
    expect((await send(s, api('/api/v1/users', token))).status).toBe(200);
  });

  it('fails kid for an unknown kid', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: {}, header: { kid: 'who' } });
    expectInvalidToken(
      await send(s, api('/api/v1/users', token)),
      /failed the kid check: kid who is not in the server's JWKS/,
    );
  });

  it('fails signature for a token signed by a rogue key under our kid', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: {}, sign_with: 'rogue' });
    expectInvalidToken(await send(s, api('/api/v1/users', token)), /failed the signature check/);
  });

  it('fails kid for a rogue key under its own kid', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: {}, header: { kid: 'rogue-key' }, sign_with: 'rogue' });
    expectInvalidToken(await send(s, api('/api/v1/users', token)), /failed the kid check/);
  });

  it('fails signature for a tampered payload', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const [h, p, sig] = token.split('.');
    const payload = JSON.parse(atob((p ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    payload.scope = 'read:users read:orders';
    const forged = `${h}.${btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.${sig}`;
    expectInvalidToken(await send(s, api('/api/v1/orders', forged)), /failed the signature check/);
  });

  it('fails iss for another issuer', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: { iss: 'https://evil.example.com' } });
    expectInvalidToken(
      await send(s, api('/api/v1/users', token)),
      new RegExp(
        `failed the iss check: iss is https://evil.example.com, this API trusts only ${ISSUER}`,
      ),
    );
  });

  it('fails aud for another audience, and accepts an aud array naming the API', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(
        s,
        api('/api/v1/users', await mint(s, { claims: { aud: 'https://other.example.com' } })),
      ),
      /failed the aud check/,
    );
    expect(
      (await send(s, api('/api/v1/users', await mint(s, { claims: { aud: ['x', API] } })))).status,
    ).toBe(200);
  });

  it('fails exp beyond the leeway but accepts within it', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(s, api('/api/v1/users', await mint(s, { claims: { exp: T0 - 61 } }))),
      /failed the exp check: it expired 61 seconds ago \(allowed clock skew 60 s\)/,
    );
    expect(
      (await send(s, api('/api/v1/users', await mint(s, { claims: { exp: T0 - 59 } })))).status,
    ).toBe(200);
  });

  it('fails a token without exp', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(s, api('/api/v1/users', await mint(s, { claims: { exp: null } }))),
      /no numeric exp/,
    );
  });

  it('fails nbf in the future beyond the leeway', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(s, api('/api/v1/users', await mint(s, { claims: { nbf: T0 + 120 } }))),
      /failed the nbf check/,
    );
    expect(
      (await send(s, api('/api/v1/users', await mint(s, { claims: { nbf: T0 + 30 } })))).status,
    ).toBe(200);
  });

  it('fails iat in the future beyond the leeway', async () => {
    const s = await makeServer();
    expectInvalidToken(
      await send(s, api('/api/v1/users', await mint(s, { claims: { iat: T0 + 3600 } }))),
      /failed the iat check/,
    );
  });

  it('honours a changed leeway and clamps it to 300 s', async () => {
    const s = await makeServer();
    await s.admin.updateSettings({ leewaySeconds: 10 });
    expectInvalidToken(
      await send(s, api('/api/v1/users', await mint(s, { claims: { exp: T0 - 30 } }))),
      /allowed clock skew 10 s/,
    );
    expect((await s.admin.updateSettings({ leewaySeconds: 9999 })).leewaySeconds).toBe(300);
    expect(
      (await send(s, api('/api/v1/users', await mint(s, { claims: { exp: T0 - 299 } })))).status,
    ).toBe(200);
    expectInvalidToken(
      await send(s, api('/api/v1/users', await mint(s, { claims: { exp: T0 - 301 } }))),
      /exp check/,
    );
  });

  it('expires a real token when the server clock moves past exp + leeway', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    await s.admin.setClock({ advance: 3600 + 60 });
    expectInvalidToken(
      await send(s, api('/api/v1/users', token)),
      /failed the exp check: it expired 60 seconds ago/,
    );
  });

  it('uses exact scope membership: read:user does not satisfy read:users', async () => {
    const s = await makeServer();
    const r = await send(
      s,
      api('/api/v1/users', await mint(s, { claims: { scope: 'read:user read:users2' } })),
    );
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="read:users"`,
    );
    expect(r.body).toEqual({
      error: 'insufficient_scope',
      error_description:
        'This call needs scope read:users; the token has read:user read:users2. Request a token with scope read:users.',
    });
  });

  it('answers 403 insufficient_scope for write:orders with a read-only token', async () => {
    const s = await makeServer();
    await s.admin.putClient('reader', { client_secret: 'r', scopes: ['read:orders'] });
    const r = await send(
      s,
      api('/api/v1/orders', await tokenFor(s, 'reader', 'r'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"item":"x","quantity":1}',
      }),
    );
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toContain('scope="write:orders"');
  });

  it('keeps WWW-Authenticate free of quotes and backslashes from the description', async () => {
    const s = await makeServer();
    const token = await mint(s, { claims: { iss: 'https://e.example/"\\x' } });
    expectInvalidToken(await send(s, api('/api/v1/users', token)), /iss check/);
  });
});

describe('the ordered list of checks', () => {
  it('is the order the API runs and logs them, for a token that passes every one', async () => {
    const { RESOURCE_CHECKS } = await import('../../src/protocol/index.ts');
    const server = await makeServer();
    const token = await tokenFor(server);
    const r = await send(server, api('/api/v1/users', token));
    expect(r.status).toBe(200);
    // A plain bearer request runs no DPoP check (those are in dpop.test.ts).
    const names: string[] = RESOURCE_CHECKS.filter(
      (c) => c.kind !== 'dpop' && c.kind !== 'binding',
    ).map((c) => c.name);
    const logged = lastLog(server).steps.map((step) => step.name);
    // Before the token's checks, the request's own: no token outside the Authorization header.
    expect(logged.filter((name) => !names.includes(name))).toEqual(['rejectQueryToken']);
    expect(logged.filter((name) => names.includes(name))).toEqual(names);
  });
});
