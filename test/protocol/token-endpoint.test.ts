import { describe, expect, it } from 'vitest';
import {
  basic,
  DEMO,
  decodePart,
  form,
  ISSUER,
  jsonRequest,
  lastLog,
  makeServer,
  raw,
  send,
  T0,
} from './helpers.ts';

type Sent = Awaited<ReturnType<typeof send>>;

/** Error body is exactly {error, error_description} and the description matches. */
function expectError(r: Sent, status: number, error: string, description?: RegExp) {
  expect(r.status).toBe(status);
  expect(Object.keys(r.body as object).sort()).toEqual(['error', 'error_description']);
  expect((r.body as { error: string }).error).toBe(error);
  if (description)
    expect((r.body as { error_description: string }).error_description).toMatch(description);
  expect(r.headers.get('cache-control')).toBe('no-store');
}

const cc = { grant_type: 'client_credentials' };

describe('token endpoint: success', () => {
  it('issues an ES256 at+jwt for client_secret_post with the exact RFC 9068 claims', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, ...DEMO, scope: 'read:users' }));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('pragma')).toBe('no-cache');
    expect(r.headers.get('content-type')).toBe('application/json');
    const body = r.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:users' });
    const token = body.access_token as string;
    const kid = server.admin.jwks().keys[0]?.kid;
    expect(decodePart(token, 0)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
    const claims = decodePart(token, 1);
    expect(claims).toEqual({
      iss: ISSUER,
      sub: 'demo-client',
      aud: 'https://api.example.com',
      client_id: 'demo-client',
      scope: 'read:users',
      iat: T0,
      exp: T0 + 3600,
      jti: expect.any(String),
    });
  });

  it('accepts a JSON body, as the seed lesson sends', async () => {
    const server = await makeServer();
    const r = await send(server, jsonRequest({ ...cc, ...DEMO, scope: 'read:users' }));
    expect(r.status).toBe(200);
    expect((r.body as { scope: string }).scope).toBe('read:users');
  });

  it('accepts a charset parameter on the content type', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      raw(
        new URLSearchParams({ ...cc, ...DEMO }).toString(),
        'application/x-www-form-urlencoded; charset=UTF-8',
      ),
    );
    expect(r.status).toBe(200);
  });

  it('accepts HTTP Basic with id and secret form-urlencoded before base64', async () => {
    const server = await makeServer();
    await server.admin.putClient('odd id:+', {
      client_secret: 'p@ss word:%',
      scopes: ['read:users'],
    });
    const r = await send(server, form(cc, { authorization: basic('odd id:+', 'p@ss word:%') }));
    expect(r.status).toBe(200);
    expect(decodePart((r.body as { access_token: string }).access_token, 1).client_id).toBe(
      'odd id:+',
    );
  });

  it('accepts the Basic scheme in any case and a body client_id equal to the Basic id', async () => {
    const server = await makeServer();
    const header = basic('demo-client', 'demo-secret').replace('Basic', 'bAsIc');
    const r = await send(
      server,
      form({ ...cc, client_id: 'demo-client' }, { authorization: header }),
    );
    expect(r.status).toBe(200);
  });

  it('grants all allowed scopes when scope is omitted', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form({ ...cc, client_id: 'orders-service', client_secret: 'orders-secret' }),
    );
    expect((r.body as { scope: string }).scope).toBe('read:orders write:orders');
  });

  it('collapses duplicate scopes and names the granted scope', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form({
        ...cc,
        client_id: 'orders-service',
        client_secret: 'orders-secret',
        scope: 'write:orders read:orders write:orders',
      }),
    );
    expect((r.body as { scope: string }).scope).toBe('write:orders read:orders');
  });

  it('issues a new token with a new jti every time, even in the same second', async () => {
    const server = await makeServer();
    const a = await send(server, form({ ...cc, ...DEMO }));
    const b = await send(server, form({ ...cc, ...DEMO }));
    const ta = (a.body as { access_token: string }).access_token;
    const tb = (b.body as { access_token: string }).access_token;
    expect(ta).not.toBe(tb);
    expect(decodePart(ta, 1).jti).not.toBe(decodePart(tb, 1).jti);
    expect(decodePart(ta, 1).iat).toBe(decodePart(tb, 1).iat);
  });

  it('issues a 43-character opaque token to reporting-job', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form({ ...cc, client_id: 'reporting-job', client_secret: 'reporting-secret' }),
    );
    expect(r.status).toBe(200);
    const token = (r.body as { access_token: string }).access_token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'read:users read:orders',
    });
  });

  it('uses the client access_token_ttl for expires_in and exp', async () => {
    const server = await makeServer();
    await server.admin.putClient('short', {
      client_secret: 'x',
      scopes: ['read:users'],
      access_token_ttl: 60,
    });
    const r = await send(server, form({ ...cc, client_id: 'short', client_secret: 'x' }));
    expect((r.body as { expires_in: number }).expires_in).toBe(60);
    expect(decodePart((r.body as { access_token: string }).access_token, 1).exp).toBe(T0 + 60);
  });

  it('accepts audience or resource naming the API, also with a trailing slash', async () => {
    const server = await makeServer();
    const extras: Record<string, string>[] = [
      { audience: 'https://api.example.com' },
      { resource: 'https://api.example.com/' },
    ];
    for (const extra of extras) {
      const r = await send(server, form({ ...cc, ...DEMO, ...extra }));
      expect(r.status).toBe(200);
      expect(decodePart((r.body as { access_token: string }).access_token, 1).aud).toBe(
        'https://api.example.com',
      );
    }
  });

  it('lets resource repeat with the same value (RFC 8707) and ignores unknown parameters', async () => {
    const server = await makeServer();
    const body = `grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&resource=https%3A%2F%2Fapi.example.com&resource=https%3A%2F%2Fapi.example.com&foo=bar`;
    const r = await send(server, raw(body, 'application/x-www-form-urlencoded'));
    expect(r.status).toBe(200);
  });

  it('treats an empty parameter as absent', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, ...DEMO, scope: '', audience: '' }));
    expect(r.status).toBe(200);
    expect((r.body as { scope: string }).scope).toBe('read:users');
  });

  it('logs the steps, redacts the secret and the token, and shares the x-request-id', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, ...DEMO }));
    const entry = lastLog(server);
    expect(entry.id).toBe(r.headers.get('x-request-id'));
    expect(entry.endpoint).toBe('token');
    expect(entry.clientId).toBe('demo-client');
    expect(entry.steps.map((s) => `${s.name}:${s.ok}`)).toEqual([
      'parseBody:true',
      'selectClientAuthMethod:true',
      'identifyClient:true',
      'checkClientSecret:true',
      'authenticateClient:true',
      'checkRateLimit:true',
      'checkGrantType:true',
      'checkScope:true',
      'checkAudience:true',
      'issueAccessToken:true',
    ]);
    expect(entry.request.body).toBe(
      'grant_type=client_credentials&client_id=demo-client&client_secret=%5Bredacted%5D',
    );
    expect(entry.response.body).toContain('"access_token":"[redacted]"');
    expect(JSON.stringify(entry)).not.toContain('demo-secret');
    expect(JSON.stringify(entry)).not.toContain((r.body as { access_token: string }).access_token);
  });
});

describe('token endpoint: body parsing', () => {
  it('rejects GET with 405 and Allow', async () => {
    const server = await makeServer();
    const r = await send(server, new Request(`${ISSUER}/oauth/token`));
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST, OPTIONS');
    expect((r.body as { error: string }).error).toBe('method_not_allowed');
  });

  it('rejects a text/plain body as invalid_request', async () => {
    const server = await makeServer();
    expectError(
      await send(server, raw('grant_type=client_credentials', 'text/plain')),
      400,
      'invalid_request',
      /text\/plain is not accepted/,
    );
  });

  it('rejects a body without a content type', async () => {
    const server = await makeServer();
    expectError(
      await send(
        server,
        new Request(`${ISSUER}/oauth/token`, {
          method: 'POST',
          body: new TextEncoder().encode('grant_type=client_credentials'),
        }),
      ),
      400,
      'invalid_request',
      /no Content-Type/,
    );
  });

  it('rejects a charset other than UTF-8', async () => {
    const server = await makeServer();
    expectError(
      await send(server, raw('a=b', 'application/x-www-form-urlencoded; charset=iso-8859-1')),
      400,
      'invalid_request',
      /UTF-8/,
    );
  });

  it('rejects malformed JSON', async () => {
    const server = await makeServer();
    expectError(
      await send(server, raw('{"grant_type":', 'application/json')),
      400,
      'invalid_request',
      /not valid JSON/,
    );
  });

  it('rejects JSON that is not an object', async () => {
    const server = await makeServer();
    for (const body of ['[]', '"x"', 'null', '42']) {
      expectError(
        await send(server, raw(body, 'application/json')),
        400,
        'invalid_request',
        /must be an object/,
      );
    }
  });

  it('rejects a JSON parameter that is not a string', async () => {
    const server = await makeServer();
    const r = await send(server, jsonRequest({ ...cc, ...DEMO, scope: ['read:users'] }));
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description:
        'The parameter scope must be a string. Send every parameter as a JSON string.',
    });
  });

  it('rejects a malformed percent-escape in a form', async () => {
    const server = await makeServer();
    expectError(
      await send(
        server,
        raw('grant_type=client%ZZcredentials', 'application/x-www-form-urlencoded'),
      ),
      400,
      'invalid_request',
      /%XX/,
    );
  });

  it('rejects invalid UTF-8', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      new Request(`${ISSUER}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array([0x61, 0x3d, 0xff]),
      }),
    );
    expectError(r, 400, 'invalid_request', /UTF-8/);
  });

  it('rejects a body over 64 KiB', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, ...DEMO, pad: 'x'.repeat(70_000) }));
    expectError(r, 400, 'invalid_request', /larger than 65536 bytes/);
  });

  it('rejects a streamed body over 64 KiB without a Content-Length, and does not wait for the rest', async () => {
    const server = await makeServer();
    const chunk = new TextEncoder().encode('a'.repeat(16 * 1024));
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(chunk); // never closes: only the limit can end the read
      },
    });
    const request = new Request(`${ISSUER}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit);
    expectError(await send(server, request), 400, 'invalid_request', /larger than 65536 bytes/);
    expect(pulls).toBeLessThan(8);
  });

  it('rejects a declared Content-Length over 64 KiB before reading the body', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      raw('grant_type=client_credentials', 'application/x-www-form-urlencoded', {
        'content-length': '70000',
      }),
    );
    expectError(r, 400, 'invalid_request', /larger than 65536 bytes/);
    expect(lastLog(server).error?.detail).toBe('Content-Length: 70000');
  });

  it('rejects a form parameter sent twice', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      raw(
        'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=read:users&scope=read:users',
        'application/x-www-form-urlencoded',
      ),
    );
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description: 'The parameter scope was sent more than once. Send each parameter once.',
    });
  });

  it('rejects a duplicated top-level JSON key, which JSON.parse would hide', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      raw(
        '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"x","client_secret":"demo-secret"}',
        'application/json',
      ),
    );
    expectError(r, 400, 'invalid_request', /client_secret was sent more than once/);
  });

  it('does not mistake a nested key or a key-like string value for a duplicate', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      raw(
        '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","x":"\\"client_id\\""}',
        'application/json',
      ),
    );
    expect(r.status).toBe(200);
  });
});

describe('token endpoint: client authentication', () => {
  it('rejects a request with no credentials as invalid_client without a challenge', async () => {
    const server = await makeServer();
    const r = await send(server, form(cc));
    expectError(r, 401, 'invalid_client', /no client authentication/);
    expect(r.headers.get('www-authenticate')).toBeNull();
  });

  it('rejects a client_id without a secret as invalid_client', async () => {
    const server = await makeServer();
    expectError(
      await send(server, form({ ...cc, client_id: 'demo-client' })),
      401,
      'invalid_client',
      /proves nothing/,
    );
  });

  it('rejects a wrong secret in the body as invalid_client, without a Basic challenge', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, client_id: 'demo-client', client_secret: 'nope' }));
    expect(r.body).toEqual({
      error: 'invalid_client',
      error_description:
        'The client_id and client_secret do not match a registered client. Check both for typos (the Server page lists the seeded clients and their secrets).',
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBeNull();
    expect(lastLog(server).error?.detail).toBe(
      'secret mismatch for demo-client (sent 4 characters, expected 11)',
    );
    expect(lastLog(server).steps.at(-1)).toEqual({ name: 'authenticateClient', ok: false });
    expect(lastLog(server).steps).toContainEqual({ name: 'checkClientSecret', ok: false });
  });

  it('rejects a wrong secret in the Basic header with a Basic challenge', async () => {
    const server = await makeServer();
    const r = await send(server, form(cc, { authorization: basic('demo-client', 'nope') }));
    expectError(r, 401, 'invalid_client');
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="https://auth.example.com"');
  });

  it('rejects an unknown client as invalid_client, saying no more in public than for a wrong secret', async () => {
    const server = await makeServer();
    const unknown = await send(server, form({ ...cc, client_id: 'ghost', client_secret: 'x' }));
    expectError(unknown, 401, 'invalid_client', /do not match a registered client/);
    expect(lastLog(server).error?.detail).toBe('unknown client_id "ghost"');
    const wrongSecret = await send(
      server,
      form({ ...cc, client_id: 'demo-client', client_secret: 'x' }),
    );
    expect(wrongSecret.body).toEqual(unknown.body);
    const viaBasic = await send(server, form(cc, { authorization: basic('ghost', 'x') }));
    expect(viaBasic.headers.get('www-authenticate')).toBe('Basic realm="https://auth.example.com"');
  });

  it('rejects a secret sent without client_id', async () => {
    const server = await makeServer();
    expectError(
      await send(server, form({ ...cc, client_secret: 'demo-secret' })),
      401,
      'invalid_client',
      /without client_id/,
    );
  });

  it('rejects two authentication methods at once as invalid_request', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form({ ...cc, ...DEMO }, { authorization: basic('demo-client', 'demo-secret') }),
    );
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description:
        'The request uses more than one client authentication method (client_secret_basic, client_secret_post). Use exactly one.',
    });
  });

  it('rejects a secret plus an assertion as invalid_request', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form({
        ...cc,
        ...DEMO,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'a.b.c',
      }),
    );
    expectError(r, 400, 'invalid_request', /more than one/);
  });

  it('rejects a body client_id that differs from the Basic id as invalid_request', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form(
        { ...cc, client_id: 'orders-service' },
        { authorization: basic('demo-client', 'demo-secret') },
      ),
    );
    expectError(r, 400, 'invalid_request', /differs from the one in the Basic header/);
  });

  it('rejects an Authorization header that is not Basic as invalid_request', async () => {
    const server = await makeServer();
    expectError(
      await send(server, form(cc, { authorization: 'Bearer abc' })),
      400,
      'invalid_request',
      /the Bearer scheme/,
    );
  });

  it('rejects Basic credentials that are not base64, lack a colon, or have a broken escape', async () => {
    const server = await makeServer();
    expectError(
      await send(server, form(cc, { authorization: 'Basic !!!' })),
      400,
      'invalid_request',
      /invalid value/,
    );
    expectError(
      await send(server, form(cc, { authorization: 'Basic a' })),
      400,
      'invalid_request',
      /not valid base64/,
    );
    expectError(
      await send(server, form(cc, { authorization: `Basic ${btoa('nocolon')}` })),
      400,
      'invalid_request',
      /no colon/,
    );
    expectError(
      await send(server, form(cc, { authorization: `Basic ${btoa('demo-client:%zz')}` })),
      400,
      'invalid_request',
      /broken %-escape/,
    );
  });

  it('does not accept a URL-decoded-only secret: + in Basic means space', async () => {
    const server = await makeServer();
    await server.admin.putClient('plus', { client_secret: 'a+b', scopes: ['read:users'] });
    const raw64 = `Basic ${btoa('plus:a+b')}`;
    expectError(await send(server, form(cc, { authorization: raw64 })), 401, 'invalid_client');
    expect((await send(server, form(cc, { authorization: basic('plus', 'a+b') }))).status).toBe(
      200,
    );
  });

  it('refuses a secret for a private_key_jwt client', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, client_id: 'signing-client', client_secret: 'x' }));
    expectError(r, 401, 'invalid_client', /authenticates with private_key_jwt/);
  });
});

describe('token endpoint: grant type, scope, audience', () => {
  it('rejects a missing grant_type as invalid_request', async () => {
    const server = await makeServer();
    const r = await send(server, form(DEMO));
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description: 'grant_type is missing. Send grant_type=client_credentials.',
    });
    expect(r.status).toBe(400);
  });

  it('rejects grant_type=password as unsupported_grant_type', async () => {
    const server = await makeServer();
    const r = await send(server, form({ grant_type: 'password', ...DEMO }));
    expect(r.body).toEqual({
      error: 'unsupported_grant_type',
      error_description:
        'grant_type password is not supported here. This server issues tokens only for grant_type=client_credentials.',
    });
  });

  it('authenticates before looking at grant_type', async () => {
    const server = await makeServer();
    expectError(
      await send(
        server,
        form({ grant_type: 'password', client_id: 'demo-client', client_secret: 'bad' }),
      ),
      401,
      'invalid_client',
    );
  });

  it('rejects a scope the client may not have as invalid_scope, naming it', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, ...DEMO, scope: 'read:users write:orders' }));
    expect(r.body).toEqual({
      error: 'invalid_scope',
      error_description:
        'Client demo-client may not have write:orders. Its allowed scopes: read:users. Ask only for those, or omit scope to get all of them.',
    });
    expect(r.status).toBe(400);
  });

  it('treats scopes as case-sensitive', async () => {
    const server = await makeServer();
    expectError(
      await send(server, form({ ...cc, ...DEMO, scope: 'READ:USERS' })),
      400,
      'invalid_scope',
      /may not have READ:USERS/,
    );
  });

  it('rejects malformed scope syntax (double space, quote, backslash, leading space)', async () => {
    const server = await makeServer();
    for (const scope of [
      'read:users  read:orders',
      'read:"users"',
      'read\\users',
      ' read:users',
      'read:users\t',
    ]) {
      expectError(
        await send(server, form({ ...cc, ...DEMO, scope })),
        400,
        'invalid_scope',
        /scope is malformed/,
      );
    }
  });

  it('refuses a client with no allowed scopes when scope is omitted', async () => {
    const server = await makeServer();
    await server.admin.putClient('empty', { client_secret: 'e', scopes: [] });
    const r = await send(server, form({ ...cc, client_id: 'empty', client_secret: 'e' }));
    expect(r.body).toEqual({
      error: 'invalid_scope',
      error_description:
        'Client empty is not allowed any scope. Register scopes for it (PUT /__admin/clients/empty).',
    });
  });

  it('down-scopes to the allowed part when scopePolicy is downscope', async () => {
    const server = await makeServer();
    await server.admin.updateSettings({ scopePolicy: 'downscope' });
    const r = await send(server, form({ ...cc, ...DEMO, scope: 'read:users write:orders' }));
    expect(r.status).toBe(200);
    expect((r.body as { scope: string }).scope).toBe('read:users');
  });

  it('still refuses an empty intersection under downscope', async () => {
    const server = await makeServer();
    await server.admin.updateSettings({ scopePolicy: 'downscope' });
    expectError(
      await send(server, form({ ...cc, ...DEMO, scope: 'write:orders' })),
      400,
      'invalid_scope',
    );
  });

  it('rejects an unknown audience as invalid_target', async () => {
    const server = await makeServer();
    const r = await send(server, form({ ...cc, ...DEMO, audience: 'https://other.example.com' }));
    expect(r.body).toEqual({
      error: 'invalid_target',
      error_description:
        'https://other.example.com is not an API this server issues tokens for. Use https://api.example.com, or omit audience and resource.',
    });
  });

  it('rejects a resource that is not absolute or has a fragment as invalid_target', async () => {
    const server = await makeServer();
    expectError(
      await send(server, form({ ...cc, ...DEMO, resource: 'api.example.com' })),
      400,
      'invalid_target',
      /not an absolute URI/,
    );
    expectError(
      await send(server, form({ ...cc, ...DEMO, resource: 'https://api.example.com#x' })),
      400,
      'invalid_target',
      /fragment/,
    );
  });

  it('rejects audience and resource that differ as invalid_target', async () => {
    const server = await makeServer();
    const r = await send(
      server,
      form({
        ...cc,
        ...DEMO,
        audience: 'https://api.example.com',
        resource: 'https://other.example.com',
      }),
    );
    expectError(r, 400, 'invalid_target', /different targets/);
  });
});

describe('token endpoint: rate limit', () => {
  it('answers the 6th request a minute from cron-sync with 429 and Retry-After, then frees a slot', async () => {
    const server = await makeServer();
    const creds = { ...cc, client_id: 'cron-sync', client_secret: 'cron-secret' };
    for (let i = 0; i < 5; i++) {
      expect((await send(server, form(creds))).status).toBe(200);
      server.wall.ms += 10_000;
    }
    // now 50 s after the first request: the first slot frees in 10 s
    const limited = await send(server, form(creds));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(limited.body).toEqual({
      error: 'too_many_requests',
      error_description:
        'Client cron-sync may request 5 tokens a minute and has used them all. Wait 10 seconds, and cache tokens until shortly before they expire instead of asking for a new one each call.',
    });
    server.wall.ms += 9_000;
    expect((await send(server, form(creds))).headers.get('retry-after')).toBe('1');
    server.wall.ms += 1_000;
    expect((await send(server, form(creds))).status).toBe(200);
  });

  it('uses the server clock: advancing it frees the window', async () => {
    const server = await makeServer();
    const creds = { ...cc, client_id: 'cron-sync', client_secret: 'cron-secret' };
    for (let i = 0; i < 5; i++) await send(server, form(creds));
    expect((await send(server, form(creds))).status).toBe(429);
    await server.admin.setClock({ advance: 60 });
    expect((await send(server, form(creds))).status).toBe(200);
  });

  it('does not count or limit requests that fail client authentication', async () => {
    const server = await makeServer();
    for (let i = 0; i < 8; i++) {
      expect(
        (await send(server, form({ ...cc, client_id: 'cron-sync', client_secret: 'bad' }))).status,
      ).toBe(401);
    }
    expect(
      (await send(server, form({ ...cc, client_id: 'cron-sync', client_secret: 'cron-secret' })))
        .status,
    ).toBe(200);
  });
});
