/**
 * The client-assertion audience rule of draft-ietf-oauth-rfc7523bis, as CONTRACT.md (Additions)
 * settles it: a typed `client-authentication+jwt` assertion names the issuer identifier as one
 * string; an untyped one may name the issuer or the token endpoint (`assertionAudience: legacy`,
 * the default) or nothing but the typed form passes (`strict`); `exp` at most an hour ahead.
 */
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASSERTION_CHECKS } from '../../src/protocol/index.ts';
import { form, ISSUER, lastLog, makeServer, send, T0 } from './helpers.ts';

const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;
let pair: Awaited<ReturnType<typeof generateKeyPair>>;
let publicJwk: Awaited<ReturnType<typeof exportJWK>>;

beforeAll(async () => {
  pair = await generateKeyPair('ES256');
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
});

const server = () => makeServer({ signingClientJwks: { keys: [publicJwk] } });

let counter = 0;
function assertion(claims: JWTPayload = {}, typ?: string) {
  return new SignJWT({
    iss: 'signing-client',
    sub: 'signing-client',
    aud: ISSUER,
    exp: T0 + 60,
    iat: T0,
    jti: `aud-${++counter}`,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...(typ !== undefined ? { typ } : {}) })
    .sign(pair.privateKey);
}

const TYPED = 'client-authentication+jwt';

async function exchange(s: Awaited<ReturnType<typeof server>>, jwt: string, path = '/oauth/token') {
  const extra: Record<string, string> =
    path === '/oauth/token' ? { grant_type: 'client_credentials' } : { token: 'x' };
  const r = await send(
    s,
    form({ ...extra, client_assertion_type: TYPE, client_assertion: jwt }, {}, path),
  );
  const step = lastLog(s).steps.find((x) => x.name === 'checkAssertionAudience');
  return { ...r, step, description: (r.body as { error_description?: string })?.error_description };
}

describe('client assertion audience (draft-ietf-oauth-rfc7523bis)', () => {
  it('accepts a typed assertion whose aud is the issuer identifier, as one string', async () => {
    const s = await server();
    const r = await exchange(s, await assertion({}, TYPED));
    expect(r.status).toBe(200);
    expect(r.step).toEqual({
      name: 'checkAssertionAudience',
      ok: true,
      note: 'typed: aud is the issuer identifier',
    });
  });

  it('runs its checks in the order ASSERTION_CHECKS lists (what the assertion lab shows)', async () => {
    const s = await server();
    await exchange(s, await assertion({}, TYPED));
    const names = lastLog(s).steps.map((x) => x.name);
    const ran = names.filter((n) => ASSERTION_CHECKS.some((c) => c.name === n));
    expect(ran).toEqual(ASSERTION_CHECKS.map((c) => c.name));
  });

  it('reads typ case-insensitively and with the application/ prefix (RFC 7515 §4.1.9)', async () => {
    const s = await server();
    for (const typ of ['Client-Authentication+JWT', 'application/client-authentication+jwt']) {
      const r = await exchange(s, await assertion({ aud: TOKEN_ENDPOINT }, typ));
      expect(r.status, typ).toBe(401);
      expect(r.step?.ok).toBe(false);
    }
  });

  it('refuses a typed assertion whose aud is the token endpoint, naming the rule and the attack', async () => {
    const s = await server();
    const r = await exchange(s, await assertion({ aud: TOKEN_ENDPOINT }, TYPED));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'invalid_client' });
    expect(r.description).toContain(
      "so its aud must be this server's issuer identifier as its only value, one string",
    );
    expect(r.description).toContain(`Its aud is the endpoint URL ${TOKEN_ENDPOINT}`);
    expect(r.step?.ok).toBe(false);
    expect(lastLog(s).error?.detail).toBe(
      `typed assertion, aud "${TOKEN_ENDPOINT}", issuer ${ISSUER}`,
    );
  });

  it('refuses a typed assertion whose aud is an array, even [issuer] alone', async () => {
    const s = await server();
    for (const aud of [[ISSUER], [ISSUER, TOKEN_ENDPOINT], [TOKEN_ENDPOINT]]) {
      const r = await exchange(s, await assertion({ aud }, TYPED));
      expect(r.status, JSON.stringify(aud)).toBe(401);
      expect(r.description).toContain('Its aud is an array');
    }
  });

  it('refuses a typed assertion for another server or another endpoint of this one', async () => {
    const s = await server();
    const other = await exchange(s, await assertion({ aud: 'https://evil.example' }, TYPED));
    expect(other.status).toBe(401);
    expect(other.description).toContain('Its aud is "https://evil.example", not this server.');
    const introspection = await exchange(
      s,
      await assertion({ aud: `${ISSUER}/oauth/introspect` }, TYPED),
      '/oauth/introspect',
    );
    expect(introspection.status).toBe(401);
    expect(introspection.description).toContain('endpoint URL');
  });

  it('legacy (the default): an untyped assertion may name the issuer or the token endpoint', async () => {
    const s = await server();
    expect(s.admin.settings().assertionAudience).toBe('legacy');
    const issuer = await exchange(s, await assertion({}, 'JWT'));
    expect(issuer.status).toBe(200);
    expect(issuer.step?.note).toBe('untyped: aud is the issuer identifier');
    const endpoint = await exchange(s, await assertion({ aud: TOKEN_ENDPOINT }));
    expect(endpoint.status).toBe(200);
    expect(endpoint.step?.note).toBe(
      'untyped: aud names the server as RFC 7523 allowed (assertionAudience legacy)',
    );
    const array = await exchange(
      s,
      await assertion({ aud: ['https://x.example', TOKEN_ENDPOINT] }),
    );
    expect(array.status).toBe(200);
    const elsewhere = await exchange(s, await assertion({ aud: 'https://evil.example/token' }));
    expect(elsewhere.status).toBe(401);
  });

  it('strict: refuses every untyped assertion, and still accepts the typed, issuer-audience one', async () => {
    const s = await server();
    await s.admin.updateSettings({ assertionAudience: 'strict' });
    for (const aud of [ISSUER, TOKEN_ENDPOINT]) {
      const r = await exchange(s, await assertion({ aud }, 'JWT'));
      expect(r.status, aud).toBe(401);
      expect(r.description).toContain('assertionAudience: strict');
      expect(r.step?.ok).toBe(false);
    }
    expect((await exchange(s, await assertion({}, TYPED))).status).toBe(200);
    expect((await exchange(s, await assertion({ aud: TOKEN_ENDPOINT }, TYPED))).status).toBe(401);
  });

  it('the setting validates, persists in the settings, and reset puts legacy back', async () => {
    const s = await server();
    await expect(s.admin.updateSettings({ assertionAudience: 'sometimes' })).rejects.toThrow(
      /assertionAudience must be "legacy"/,
    );
    expect((await s.admin.updateSettings({ assertionAudience: 'strict' })).assertionAudience).toBe(
      'strict',
    );
    await s.admin.reset({ only: ['settings'] });
    expect(s.admin.settings().assertionAudience).toBe('legacy');
  });

  it('refuses any assertion (typed or not) whose exp is more than an hour after the server clock', async () => {
    const s = await server();
    for (const typ of [TYPED, undefined]) {
      const r = await exchange(s, await assertion({ exp: T0 + 3601 }, typ));
      expect(r.status).toBe(401);
      expect(r.description).toMatch(/too long-lived/);
    }
    expect((await exchange(s, await assertion({ exp: T0 + 3600 }, TYPED))).status).toBe(200);
  });
});
