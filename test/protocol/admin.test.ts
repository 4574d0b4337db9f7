import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/protocol/index.ts';
import {
  API,
  api,
  basic,
  form,
  ISSUER,
  lastLog,
  makeServer,
  send,
  T0,
  tokenFor,
} from './helpers.ts';

const adminCall = (method: string, path: string, body?: unknown) =>
  new Request(`${ISSUER}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('admin API', () => {
  it('lists the seeded clients', async () => {
    const s = await makeServer();
    const r = await send(s, adminCall('GET', '/clients'));
    const clients = (r.body as { clients: { client_id: string }[] }).clients;
    expect(clients.map((c) => c.client_id)).toEqual([
      'demo-client',
      'orders-service',
      'reporting-job',
      'cron-sync',
      'signing-client',
      'warehouse-sync',
      'dpop-client',
    ]);
    expect(clients[6]).toMatchObject({ client_secret: 'dpop-secret', require_dpop: true });
    expect(clients[3]).toEqual({
      client_id: 'cron-sync',
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: 'cron-secret',
      client_secrets: ['cron-secret'],
      scopes: ['read:users'],
      token_format: 'jwt',
      access_token_ttl: 3600,
      rate_limit_per_minute: 5,
      require_dpop: false,
    });
  });

  it('creates a client with PUT and deletes it with DELETE; unknown DELETE is 404 JSON', async () => {
    const s = await makeServer();
    const put = await send(
      s,
      adminCall('PUT', '/clients/new-one', {
        client_secret: 'n',
        scopes: ['read:orders'],
        token_format: 'opaque',
        rate_limit_per_minute: 2,
      }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      client_id: 'new-one',
      scopes: ['read:orders'],
      token_format: 'opaque',
      rate_limit_per_minute: 2,
    });
    expect(
      (
        await send(
          s,
          form({ grant_type: 'client_credentials' }, { authorization: basic('new-one', 'n') }),
        )
      ).status,
    ).toBe(200);
    expect((await send(s, adminCall('DELETE', '/clients/new-one'))).body).toEqual({
      deleted: 'new-one',
    });
    const again = await send(s, adminCall('DELETE', '/clients/new-one'));
    expect(again.status).toBe(404);
    expect(again.body).toEqual({
      error: 'not_found',
      error_description: 'No client new-one to delete. GET /__admin/clients lists them.',
    });
  });

  it('validates PUT bodies with 400 invalid_request', async () => {
    const s = await makeServer();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const bad: [unknown, RegExp][] = [
      [{ scopes: ['read:users'] }, /exactly one of client_secret/],
      [{ client_secret: 'a', jwks: { keys: [] }, scopes: [] }, /exactly one/],
      [{ client_secret: 'a', scopes: 'read:users' }, /scopes must be an array/],
      [{ client_secret: 'a', scopes: ['two words'] }, /scopes must be an array/],
      [{ client_secret: 'a', scopes: [], access_token_ttl: 0 }, /access_token_ttl/],
      [{ client_secret: 'a', scopes: [], access_token_ttl: 86401 }, /access_token_ttl/],
      [{ client_secret: 'a', scopes: [], rate_limit_per_minute: 0 }, /rate_limit_per_minute/],
      [{ client_secret: 'a', scopes: [], token_format: 'paseto' }, /token_format/],
      [{ client_secret: 'a', scopes: [], scope: 'x' }, /Unknown field\(s\) scope/],
      [{ jwks: { keys: [privateJwk] }, scopes: [] }, /private or secret members \(d\)/],
      [
        { jwks: { keys: [{ kty: 'oct', k: 'abc' }] }, scopes: [] },
        /private or secret members \(k\)/,
      ],
      [
        { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad' }] }, scopes: [] },
        /could not be imported/,
      ],
      ['not an object', /JSON object/],
    ];
    for (const [body, message] of bad) {
      const r = await send(s, adminCall('PUT', '/clients/x', body));
      expect(r.status).toBe(400);
      expect((r.body as { error: string }).error).toBe('invalid_request');
      expect((r.body as { error_description: string }).error_description).toMatch(message);
    }
    await expect(s.admin.putClient('x', {})).rejects.toBeInstanceOf(OAuthError);
  });

  it('handles ids like __proto__ and constructor as plain client ids', async () => {
    const s = await makeServer();
    expect(
      (
        await send(
          s,
          form({ grant_type: 'client_credentials', client_id: 'constructor', client_secret: 'x' }),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await send(
          s,
          form({ grant_type: 'client_credentials', client_id: '__proto__', client_secret: 'x' }),
        )
      ).status,
    ).toBe(401);
    await s.admin.putClient('__proto__', { client_secret: 'p', scopes: ['read:users'] });
    expect(
      (
        await send(
          s,
          form({ grant_type: 'client_credentials', client_id: '__proto__', client_secret: 'p' }),
        )
      ).status,
    ).toBe(200);
  });

  it('moves the clock with advance and set', async () => {
    const s = await makeServer();
    expect((await send(s, adminCall('GET', '/clock'))).body).toEqual({
      now: T0,
      offset: 0,
      frozen: false,
    });
    expect((await send(s, adminCall('POST', '/clock', { advance: 90 }))).body).toEqual({
      now: T0 + 90,
      offset: 90,
      frozen: false,
    });
    expect((await send(s, adminCall('POST', '/clock', { set: T0 - 10 }))).body).toEqual({
      now: T0 - 10,
      offset: -10,
      frozen: false,
    });
    expect((await send(s, adminCall('POST', '/clock', { advance: 1, set: 1 }))).status).toBe(400);
    expect((await send(s, adminCall('POST', '/clock', { advance: 'soon' }))).status).toBe(400);
    const token = await tokenFor(s);
    expect(JSON.parse(atob(token.split('.')[1] ?? '')).iat).toBe(T0 - 10);
  });

  it('freezes the clock where it stands, moves it while frozen, runs on from there, and goes back to real time', async () => {
    const s = await makeServer();
    await s.admin.setClock({ advance: 100 });
    expect((await send(s, adminCall('POST', '/clock', { freeze: true }))).body).toEqual({
      now: T0 + 100,
      offset: 100,
      frozen: true,
    });
    // Real time passes; the server clock does not.
    s.wall.ms += 3_600_000;
    expect(s.admin.clock()).toEqual({ now: T0 + 100, offset: -3500, frozen: true });
    const token = await tokenFor(s);
    expect(JSON.parse(atob(token.split('.')[1] ?? '')).iat).toBe(T0 + 100);
    // Moves while frozen stay frozen.
    expect(await s.admin.setClock({ advance: 3700 })).toEqual({
      now: T0 + 3800,
      offset: 200,
      frozen: true,
    });
    expect((await send(s, api('/api/v1/users', token))).status).toBe(401);
    // Running on starts from where it stood.
    expect(await s.admin.setClock({ freeze: false })).toMatchObject({
      now: T0 + 3800,
      frozen: false,
    });
    s.wall.ms += 5_000;
    expect(s.admin.clock().now).toBe(T0 + 3805);
    expect(await s.admin.setClock({ real: true })).toEqual({
      now: T0 + 3605,
      offset: 0,
      frozen: false,
    });
    for (const bad of [{ freeze: 'yes' }, { real: false }, { freeze: true, advance: 1 }, {}]) {
      const r = await send(s, adminCall('POST', '/clock', bad));
      expect([r.status, (r.body as { error: string }).error]).toEqual([400, 'invalid_request']);
    }
  });

  it('resets only the parts asked for: clock, settings, seeded clients, rate limits', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    await s.admin.putClient('mine', { client_secret: 'm', scopes: ['read:users'] });
    await s.admin.putClient('demo-client', { client_secret: 'changed', scopes: [] });
    await s.admin.setClock({ advance: 500 });
    await s.admin.setClock({ freeze: true });
    await s.admin.updateSettings({ leewaySeconds: 300 });
    const cron = {
      grant_type: 'client_credentials',
      client_id: 'cron-sync',
      client_secret: 'cron-secret',
    };
    for (let i = 0; i < 6; i++) await send(s, form(cron));
    expect((await send(s, form(cron))).status).toBe(429);

    const r = await send(
      s,
      adminCall('POST', '/reset', { only: ['clock', 'settings', 'clients', 'rate_limits'] }),
    );
    expect(r.body).toEqual({ reset: true });
    expect(s.admin.clock()).toEqual({ now: T0, offset: 0, frozen: false });
    expect(s.admin.settings().leewaySeconds).toBe(60);
    expect(s.admin.getClient('demo-client')?.client_secret).toBe('demo-secret');
    // What the learner made, and the log, stay.
    expect(s.admin.getClient('mine')).toBeDefined();
    expect(s.admin.log().length).toBeGreaterThan(5);
    expect((await send(s, api('/api/v1/users', token))).status).toBe(200);
    expect((await send(s, form(cron))).status).toBe(200);

    await s.admin.setClock({ advance: 50 });
    await send(s, adminCall('POST', '/reset', { only: ['settings'] }));
    expect(s.admin.clock().offset).toBe(50);

    for (const bad of [{ only: [] }, { only: ['keys'] }, { only: 'clock' }, { everything: true }]) {
      const refused = await send(s, adminCall('POST', '/reset', bad));
      expect(refused.status).toBe(400);
      expect((refused.body as { error_description: string }).error_description).toMatch(
        /clock, settings, clients, rate_limits/,
      );
    }
  });

  it('keeps the clock within dates: repeated advances stop at 2230 with a 400, as does going before 1970', async () => {
    const s = await makeServer();
    const century = 100 * 365 * 86400;
    let last = await send(s, adminCall('POST', '/clock', { advance: century }));
    for (let i = 0; i < 5 && last.status === 200; i++) {
      last = await send(s, adminCall('POST', '/clock', { advance: century }));
    }
    expect(last.status, last.text).toBe(400);
    expect(last.body).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/between 1970-01-01 and 2230-01-01/),
    });
    expect(s.admin.clock().now).toBeLessThanOrEqual(8_204_803_200);
    // The clock still works, and a token issued now still has dates a Date can hold.
    const token = await tokenFor(s);
    const { exp } = JSON.parse(atob(token.split('.')[1] ?? '')) as { exp: number };
    expect(new Date(exp * 1000).toISOString()).toMatch(/^22/);

    await s.admin.reset();
    const back = await send(s, adminCall('POST', '/clock', { advance: -60 * 365 * 86400 }));
    expect(back.status, back.text).toBe(400);
    expect(s.admin.clock()).toEqual({ now: T0, offset: 0, frozen: false });
  });

  it('mints tokens with defaults, overrides and removals', async () => {
    const s = await makeServer();
    const r = await send(
      s,
      adminCall('POST', '/mint', { claims: { scope: 'read:orders', jti: null } }),
    );
    const token = (r.body as { token: string }).token;
    const claims = JSON.parse(atob(token.split('.')[1] ?? ''));
    expect(claims).toEqual({
      iss: ISSUER,
      sub: 'demo-client',
      aud: API,
      client_id: 'demo-client',
      scope: 'read:orders',
      iat: T0,
      exp: T0 + 3600,
    });
    expect((await send(s, api('/api/v1/orders', token))).status).toBe(200);
    expect(
      (await send(s, adminCall('POST', '/mint', { claims: {}, sign_with: 'hsm' }))).status,
    ).toBe(400);
    expect(
      (await send(s, adminCall('POST', '/mint', { claims: {}, header: { alg: 'HS256' } }))).status,
    ).toBe(400);
    expect((await send(s, adminCall('POST', '/mint', { claims: 'x' }))).status).toBe(400);
  });

  it('reads and updates settings, rejecting bad values', async () => {
    const s = await makeServer();
    expect((await send(s, adminCall('GET', '/settings'))).body).toEqual({
      scopePolicy: 'strict',
      leewaySeconds: 60,
      signingAlg: 'ES256',
      tokenReuse: 'never',
      assertionAudience: 'legacy',
      dpopNonce: 'off',
    });
    expect(
      (await send(s, adminCall('PUT', '/settings', { scopePolicy: 'downscope' }))).body,
    ).toEqual({
      scopePolicy: 'downscope',
      leewaySeconds: 60,
      signingAlg: 'ES256',
      tokenReuse: 'never',
      assertionAudience: 'legacy',
      dpopNonce: 'off',
    });
    for (const body of [
      { scopePolicy: 'lenient' },
      { tokenReuse: 'always' },
      { leewaySeconds: -1 },
      { signingAlg: 'HS256' },
      { other: 1 },
    ]) {
      expect((await send(s, adminCall('PUT', '/settings', body))).status).toBe(400);
    }
  });

  it('rejects a non-JSON admin body with 400', async () => {
    const s = await makeServer();
    const r = await send(
      s,
      new Request(`${ISSUER}/__admin/clock`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'advance=5',
      }),
    );
    expect(r.status).toBe(400);
    const broken = await send(
      s,
      new Request(`${ISSUER}/__admin/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
    );
    expect(broken.status).toBe(400);
  });

  it('serves the redacted log, newest last, without admin calls', async () => {
    const s = await makeServer();
    const r1 = await send(
      s,
      form({
        grant_type: 'client_credentials',
        client_id: 'demo-client',
        client_secret: 'demo-secret',
      }),
    );
    const r2 = await send(
      s,
      form({ grant_type: 'client_credentials' }, { authorization: basic('demo-client', 'wrong') }),
    );
    await send(s, adminCall('GET', '/clock'));
    const log = (await send(s, adminCall('GET', '/log'))).body as {
      entries: {
        id: string;
        request: { headers: Record<string, string> };
        error?: { detail?: string };
      }[];
    };
    expect(log.entries.map((e) => e.id)).toEqual([
      r1.headers.get('x-request-id'),
      r2.headers.get('x-request-id'),
    ]);
    expect(log.entries[1]?.request.headers.authorization).toBe('Basic [redacted]');
    expect(log.entries[1]?.error?.detail).toBe(
      'secret mismatch for demo-client (sent 5 characters, expected 11)',
    );
    expect(JSON.stringify(log)).not.toContain('demo-secret');
  });

  it('keeps at most 200 log entries and notifies subscribers', async () => {
    const s = await makeServer();
    const seen: string[] = [];
    const stop = s.subscribe((e) => seen.push(e.id));
    for (let i = 0; i < 205; i++) await send(s, new Request(`${ISSUER}/nope`));
    stop();
    await send(s, new Request(`${ISSUER}/nope`));
    expect(seen).toHaveLength(205);
    expect(s.admin.log()).toHaveLength(200);
    expect(lastLog(s).response.status).toBe(404);
  });

  it('resets clients, clock, revocations, log, rate limits and settings, and keeps the signing keys', async () => {
    const s = await makeServer();
    const oldKid = s.admin.jwks().keys[0]?.kid;
    const token = await tokenFor(s);
    await send(
      s,
      form({ token, client_id: 'demo-client', client_secret: 'demo-secret' }, {}, '/oauth/revoke'),
    );
    expect((await send(s, api('/api/v1/users', token))).status).toBe(401);
    await s.admin.putClient('temp', { client_secret: 't', scopes: [] });
    await s.admin.setClock({ advance: 100 });
    await s.admin.updateSettings({ scopePolicy: 'downscope' });
    for (let i = 0; i < 6; i++)
      await send(
        s,
        form({
          grant_type: 'client_credentials',
          client_id: 'cron-sync',
          client_secret: 'cron-secret',
        }),
      );
    expect((await send(s, adminCall('POST', '/reset'))).body).toEqual({ reset: true });
    expect(s.admin.listClients().map((c) => c.client_id)).not.toContain('temp');
    expect(s.admin.clock()).toEqual({ now: T0, offset: 0, frozen: false });
    expect(s.admin.settings().scopePolicy).toBe('strict');
    expect(s.admin.log()).toEqual([]);
    expect(s.admin.jwks().keys.map((k) => k.kid)).toEqual([oldKid]);
    // The revocation is gone with the reset, and the key that signed the token is still there.
    expect((await send(s, api('/api/v1/users', token))).status).toBe(200);
    expect(
      (
        await send(
          s,
          form({
            grant_type: 'client_credentials',
            client_id: 'cron-sync',
            client_secret: 'cron-secret',
          }),
        )
      ).status,
    ).toBe(200);
  });
});

describe('admin additions for the server console', () => {
  it('lists the keys with the active one marked, and the previous one after a rotation', async () => {
    const s = await makeServer();
    const [first] = s.admin.keys();
    expect(first).toEqual({
      kid: expect.any(String),
      alg: 'ES256',
      status: 'active',
      created_at: T0,
    });
    s.wall.ms += 10_000;
    const rotated = await s.admin.rotateKeys({});
    expect(s.admin.keys()).toEqual([
      { ...first, status: 'previous' },
      { kid: rotated.kid, alg: 'ES256', status: 'active', created_at: T0 + 10 },
    ]);
    await s.admin.retireKeys();
    expect(s.admin.keys().map((k) => k.kid)).toEqual([rotated.kid]);
  });

  it('key-rotation drill: an old token verifies after a rotation and fails at kid once retired', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    await s.admin.rotateKeys({});
    expect((await send(s, api('/api/v1/users', token))).status).toBe(200);
    await s.admin.retireKeys();
    const r = await send(s, api('/api/v1/users', token));
    expect(r.status).toBe(401);
    expect(lastLog(s).steps.at(-1)).toEqual({ name: 'checkKid', ok: false });
  });

  it('revokes an issued token by jti: the API then refuses it at checkNotRevoked', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const [issued] = s.admin.issuedTokens();
    if (!issued) throw new Error('no issued token');
    expect(await s.admin.revokeToken(issued.jti)).toEqual({ jti: issued.jti, revoked: true });
    expect(await s.admin.revokeToken(issued.jti)).toEqual({ jti: issued.jti, revoked: false });
    expect(s.admin.revokedTokens()).toEqual([issued.jti]);
    const r = await send(s, api('/api/v1/users', token));
    expect(r.status).toBe(401);
    expect(lastLog(s).steps.at(-1)).toEqual({ name: 'checkNotRevoked', ok: false });
  });

  it('revokes an opaque token too', async () => {
    const s = await makeServer();
    const token = await tokenFor(s, 'reporting-job', 'reporting-secret', { scope: 'read:users' });
    const issued = s.admin.issuedTokens().at(-1);
    if (!issued) throw new Error('no issued token');
    expect(issued.format).toBe('opaque');
    await s.admin.revokeToken(issued.jti);
    expect((await send(s, api('/api/v1/users', token))).status).toBe(401);
  });

  it('refuses to revoke an unknown or malformed jti with a message', async () => {
    const s = await makeServer();
    await expect(s.admin.revokeToken('nope')).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
      description: expect.stringContaining('No issued token has jti nope'),
    });
    for (const bad of [undefined, 42, '', { jti: 'x' }]) {
      await expect(s.admin.revokeToken(bad)).rejects.toMatchObject({
        code: 'invalid_request',
        description: expect.stringContaining('Send the jti of an issued token'),
      });
    }
    expect(s.admin.revokedTokens()).toEqual([]);
  });

  it('refuses an invalid client from the console with a message and keeps the registry', async () => {
    const s = await makeServer();
    const before = s.admin.listClients();
    for (const [body, message] of [
      [{ scopes: ['read:users'] }, 'Send exactly one of client_secret'],
      [{ client_secret: 's', scopes: 'read:users' }, 'scopes must be an array'],
      [{ client_secret: 's', scopes: [], access_token_ttl: 0 }, 'access_token_ttl must be'],
      [{ client_secret: 's', scopes: [], rate_limit_per_minute: 1.5 }, 'rate_limit_per_minute'],
      [{ client_secret: 's', scopes: [], token_format: 'paseto' }, 'token_format must be'],
    ] as const) {
      await expect(s.admin.putClient('console-made', body)).rejects.toMatchObject({
        code: 'invalid_request',
        description: expect.stringContaining(message),
      });
    }
    expect(s.admin.listClients()).toEqual(before);
  });
});

describe('admin HTTP routes for keys and issued tokens', () => {
  it('GET /__admin/keys lists the keys with their status', async () => {
    const s = await makeServer();
    await s.admin.rotateKeys({});
    const r = await send(s, adminCall('GET', '/keys'));
    expect(r.status).toBe(200);
    expect((r.body as { keys: { status: string }[] }).keys.map((k) => k.status)).toEqual([
      'previous',
      'active',
    ]);
  });

  it('GET /__admin/tokens and POST /__admin/tokens/revoke: the API then refuses the token', async () => {
    const s = await makeServer();
    const token = await tokenFor(s);
    const listed = (await send(s, adminCall('GET', '/tokens'))).body as {
      tokens: { jti: string; client_id: string }[];
      revoked: string[];
    };
    expect(listed.revoked).toEqual([]);
    const jti = listed.tokens[0]?.jti;
    expect(listed.tokens[0]?.client_id).toBe('demo-client');
    const r = await send(s, adminCall('POST', '/tokens/revoke', { jti }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ jti, revoked: true });
    expect(
      ((await send(s, adminCall('GET', '/tokens'))).body as { revoked: string[] }).revoked,
    ).toEqual([jti]);
    expect((await send(s, api('/api/v1/users', token))).status).toBe(401);
  });

  it('POST /__admin/tokens/revoke explains a missing or unknown jti', async () => {
    const s = await makeServer();
    const missing = await send(s, adminCall('POST', '/tokens/revoke', {}));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('Send the jti of an issued token'),
    });
    const unknown = await send(s, adminCall('POST', '/tokens/revoke', { jti: 'nope' }));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'not_found' });
  });
});

describe('GET /__admin/log queries', () => {
  it('selects one endpoint, newest first, at most a few; refuses a bad query with 400', async () => {
    const s = await makeServer();
    for (const client of ['demo-client', 'orders-service', 'reporting-job']) {
      await tokenFor(
        s,
        client,
        client === 'demo-client' ? 'demo-secret' : `${client.split('-')[0]}-secret`,
      );
    }
    await send(s, api('/api/v1/users'));
    const r = await send(s, adminCall('GET', '/log?endpoint=token&order=newest&limit=2'));
    const entries = (r.body as { entries: { endpoint: string; clientId?: string }[] }).entries;
    expect(entries.map((e) => [e.endpoint, e.clientId])).toEqual([
      ['token', 'reporting-job'],
      ['token', 'orders-service'],
    ]);
    // Without a query: everything, oldest first, as before.
    const all = (await send(s, adminCall('GET', '/log'))).body as { entries: unknown[] };
    expect(all.entries.length).toBe(4);
    for (const bad of ['endpoint=tokens', 'limit=0', 'limit=201', 'limit=2.5', 'order=random']) {
      const refused = await send(s, adminCall('GET', `/log?${bad}`));
      expect([refused.status, (refused.body as { error: string }).error]).toEqual([
        400,
        'invalid_request',
      ]);
    }
  });
});
