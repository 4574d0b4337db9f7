import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { form, ISSUER, lastLog, makeServer, send, T0 } from './helpers.ts';

const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
let pair: Awaited<ReturnType<typeof generateKeyPair>>;
let publicJwk: Awaited<ReturnType<typeof exportJWK>>;

beforeAll(async () => {
  pair = await generateKeyPair('ES256');
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
});

const server = () => makeServer({ signingClientJwks: { keys: [publicJwk] } });

let counter = 0;
async function assertion(
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
  key = pair.privateKey,
) {
  return new SignJWT({
    iss: 'signing-client',
    sub: 'signing-client',
    aud: ISSUER,
    exp: T0 + 120,
    iat: T0,
    jti: `jti-${++counter}`,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header })
    .sign(key);
}

const request = (client_assertion: string, extra: Record<string, string> = {}) =>
  form({
    grant_type: 'client_credentials',
    client_assertion_type: TYPE,
    client_assertion,
    ...extra,
  });

describe('private_key_jwt client authentication (RFC 7523)', () => {
  it('issues a token for a valid assertion and logs each assertion check', async () => {
    const s = await server();
    const r = await send(s, request(await assertion(), { scope: 'read:orders' }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'read:orders' });
    expect(lastLog(s).steps.map((x) => x.name)).toEqual([
      'parseBody',
      'selectClientAuthMethod',
      'checkAssertionType',
      'checkAssertionFormat',
      'checkAssertionAlg',
      'identifyClient',
      'checkAssertionSignature',
      'checkAssertionAudience',
      'checkAssertionExpiry',
      'checkAssertionReplay',
      'authenticateClient',
      'checkRateLimit',
      'checkGrantType',
      'checkScope',
      'checkAudience',
      'issueAccessToken',
    ]);
    expect(lastLog(s).request.body).toContain('client_assertion=%5Bredacted%5D');
  });

  it('accepts aud naming the token endpoint, as an array member', async () => {
    const s = await server();
    const r = await send(
      s,
      request(await assertion({ aud: ['https://x.example', `${ISSUER}/oauth/token`] })),
    );
    expect(r.status).toBe(200);
  });

  it('accepts a matching body client_id', async () => {
    const s = await server();
    expect(
      (await send(s, request(await assertion(), { client_id: 'signing-client' }))).status,
    ).toBe(200);
  });

  it('rejects a replayed assertion (same jti) as invalid_client', async () => {
    const s = await server();
    const a = await assertion();
    expect((await send(s, request(a))).status).toBe(200);
    const r = await send(s, request(a));
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: 'invalid_client',
      error_description:
        'This client_assertion was already used. Make a new assertion with a new jti for every request.',
    });
    expect(lastLog(s).error?.detail).toMatch(/^jti jti-\d+ replayed/);
  });

  it('rejects an assertion whose aud names another server', async () => {
    const s = await server();
    const r = await send(s, request(await assertion({ aud: 'https://evil.example.com' })));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toBe(
      "The assertion's aud must name this server. Set aud to https://auth.example.com (or https://auth.example.com/oauth/token).",
    );
  });

  it('rejects an expired assertion, beyond the leeway', async () => {
    const s = await server();
    const r = await send(s, request(await assertion({ exp: T0 - 61 })));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(
      /^The assertion has expired/,
    );
  });

  it('accepts an assertion expired by less than the leeway', async () => {
    const s = await server();
    expect((await send(s, request(await assertion({ exp: T0 - 59 })))).status).toBe(200);
  });

  it('rejects an assertion without exp or without jti', async () => {
    const s = await server();
    const noExp = await new SignJWT({
      iss: 'signing-client',
      sub: 'signing-client',
      aud: ISSUER,
      jti: 'x',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(pair.privateKey);
    expect(
      ((await send(s, request(noExp))).body as { error_description: string }).error_description,
    ).toMatch(/no numeric exp/);
    const noJti = await assertion({ jti: undefined });
    expect(
      ((await send(s, request(noJti))).body as { error_description: string }).error_description,
    ).toMatch(/no jti/);
  });

  it('rejects an assertion signed by another key', async () => {
    const s = await server();
    const other = await generateKeyPair('ES256');
    const r = await send(s, request(await assertion({}, {}, other.privateKey)));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(
      /signature does not verify/,
    );
  });

  it('rejects an unknown kid', async () => {
    const s = await server();
    const r = await send(s, request(await assertion({}, { kid: 'nope' })));
    expect((r.body as { error_description: string }).error_description).toMatch(
      /No registered key of signing-client matches the assertion's kid nope/,
    );
  });

  it('rejects alg none and HMAC assertions', async () => {
    const s = await server();
    const enc = (v: unknown) =>
      btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const none = `${enc({ alg: 'none' })}.${enc({ iss: 'signing-client', sub: 'signing-client', aud: ISSUER, exp: T0 + 60, jti: 'n' })}.`;
    const r = await send(s, request(none));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(
      /signed with alg none/,
    );
    const hs = await new SignJWT({
      iss: 'signing-client',
      sub: 'signing-client',
      aud: ISSUER,
      exp: T0 + 60,
      jti: 'h',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect(
      ((await send(s, request(hs))).body as { error_description: string }).error_description,
    ).toMatch(/signed with alg HS256/);
  });

  it('rejects iss different from sub, and a body client_id different from iss', async () => {
    const s = await server();
    expect(
      ((await send(s, request(await assertion({ sub: 'demo-client' })))).body as { error: string })
        .error,
    ).toBe('invalid_client');
    const r = await send(s, request(await assertion(), { client_id: 'demo-client' }));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(
      /client_id parameter differs/,
    );
  });

  it('rejects an assertion for a client registered with a secret', async () => {
    const s = await server();
    const r = await send(s, request(await assertion({ iss: 'demo-client', sub: 'demo-client' })));
    expect((r.body as { error_description: string }).error_description).toMatch(
      /authenticates with a client_secret/,
    );
  });

  it('rejects a wrong client_assertion_type as invalid_request', async () => {
    const s = await server();
    const r = await send(
      s,
      form({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:x',
        client_assertion: await assertion(),
      }),
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: 'invalid_request',
      error_description: `client_assertion_type urn:x is not supported. Send ${TYPE}.`,
    });
  });

  it('rejects a malformed assertion as invalid_client', async () => {
    const s = await server();
    const r = await send(s, request('not-a-jwt'));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(
      /not a well-formed JWT/,
    );
  });

  it('without registered keys, says how to register one', async () => {
    const s = await makeServer();
    const r = await send(s, request(await assertion()));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toBe(
      'Client signing-client has no public key registered. Register one: PUT /__admin/clients/signing-client with {"jwks":{"keys":[<your public JWK>]},"scopes":[...]}.',
    );
    await s.admin.putClient('signing-client', {
      jwks: { keys: [publicJwk] },
      scopes: ['read:users'],
    });
    expect((await send(s, request(await assertion()))).status).toBe(200);
  });

  it('forgets a seen jti once its assertion has lived out, so memory does not grow forever', async () => {
    const s = await server();
    await send(s, request(await assertion({ jti: 'once', exp: T0 + 30 })));
    expect(Object.keys(s.snapshot().seenAssertions)).toEqual(['signing-client once']);
    s.wall.ms += 3600_000; // an hour of real time
    await send(s, request(await assertion({ exp: T0 + 3700, iat: T0 + 3600 })));
    expect(Object.keys(s.snapshot().seenAssertions)).not.toContain('signing-client once');
  });

  it('refuses an assertion that expires more than an hour after the server clock', async () => {
    const s = await server();
    const r = await send(s, request(await assertion({ exp: T0 + 3601 })));
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: 'invalid_client',
      error_description:
        'The assertion expires more than 60 minutes from now: too long-lived for the server to remember its jti. Set exp a few minutes ahead.',
    });
    expect(lastLog(s).steps.at(-2)).toEqual({ name: 'checkAssertionExpiry', ok: false });
    expect(Object.keys(s.snapshot().seenAssertions)).toEqual([]);
    // Exactly an hour is allowed, on the server clock as moved.
    expect((await send(s, request(await assertion({ exp: T0 + 3600 })))).status).toBe(200);
    await s.admin.setClock({ advance: 86400 });
    const later = await assertion({ exp: T0 + 86400 + 3600, iat: T0 + 86400 });
    expect((await send(s, request(later))).status).toBe(200);
  });

  it('keeps refusing a replay after the clock moves forward past exp and back', async () => {
    const s = await server();
    const a = await assertion({ exp: T0 + 120 });
    expect((await send(s, request(a))).status).toBe(200);
    // Forward two hours: the assertion is expired there, and the server prunes what it can.
    await s.admin.setClock({ advance: 7200 });
    const other = await assertion({ exp: T0 + 7200 + 60, iat: T0 + 7200 });
    expect((await send(s, request(other))).status).toBe(200);
    // Back again: the assertion is live once more, and still a replay.
    await s.admin.setClock({ advance: -7200 });
    const r = await send(s, request(a));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(/already used/);
  });

  it('keeps refusing a replay of an assertion used while the clock was set back', async () => {
    const s = await server();
    await s.admin.setClock({ advance: -7200 });
    const a = await assertion({ exp: T0 - 7200 + 120, iat: T0 - 7200 });
    expect((await send(s, request(a))).status).toBe(200);
    // The clock back to the wall clock (the assertion is long dead there), then back again.
    await s.admin.setClock({ set: T0 });
    s.wall.ms += 20_000;
    expect((await send(s, request(await assertion({ exp: T0 + 120 })))).status).toBe(200);
    await s.admin.setClock({ advance: -7200 });
    const r = await send(s, request(a));
    expect(r.status).toBe(401);
    expect((r.body as { error_description: string }).error_description).toMatch(/already used/);
  });
});
