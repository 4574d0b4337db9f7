/**
 * Introspection, revocation and the resource API, each when the user's server has one.
 * @see https://www.rfc-editor.org/rfc/rfc7662
 * @see https://www.rfc-editor.org/rfc/rfc7009
 * @see https://www.rfc-editor.org/rfc/rfc6750
 */
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import type { CheckId } from './checks.ts';
import { type ConformanceRun, metaString } from './conformance-run.ts';
import { jsonObject, type ProbeResponse, summarize } from './http-probe.ts';
import type { IssuedToken } from './token-checks.ts';

/** POST `token` to an endpoint with the primary client authentication (or none). */
async function postToken(
  run: ConformanceRun,
  url: string,
  token: string,
  authenticate = true,
): Promise<ProbeResponse> {
  const method = run.primaryMethod;
  const auth = authenticate && method ? await run.auth(method) : { headers: {}, form: [] };
  return run.send(url, {
    method: 'POST',
    headers: auth.headers,
    form: [['token', token], ...auth.form],
  });
}

const isActive = (r: ProbeResponse) => r.status === 200 && jsonObject(r)?.active === true;

export async function checkIntrospection(
  run: ConformanceRun,
  issued: IssuedToken[],
): Promise<void> {
  const ids = [
    'introspection.active',
    'introspection.inactive',
    'introspection.requires-auth',
  ] as const;
  const url = metaString(run.metadata, 'introspection_endpoint');
  const token = issued[0]?.accessToken;
  if (!url) return run.skipAll(ids, 'no introspection_endpoint in the metadata');
  if (!token || !run.primaryMethod) return run.skipAll(ids, 'no token was issued');

  await run.attempt('introspection.active', async () => {
    const r = await postToken(run, url, token);
    const body = jsonObject(r) ?? {};
    const named = ['client_id', 'scope', 'exp', 'sub', 'aud', 'iss']
      .filter((k) => body[k] !== undefined)
      .join(', ');
    if (isActive(r))
      run.pass('introspection.active', `active: true, with ${named || 'no other members'}`);
    else if (r.status === 200 && body.active === false)
      // §2.2 lets a server answer false when the caller may not introspect this token (some
      // servers only let the resource server introspect, or never introspect their JWTs).
      run.fail(
        'introspection.active',
        'active: false for the token just issued, to the client it was issued to (RFC 7662 §2.2 allows this when the caller may not introspect it: try as the resource server)',
        'SHOULD',
      );
    else
      run.fail('introspection.active', `${summarize(r)}: no boolean "active" in a 200 JSON answer`);
  });
  await run.attempt('introspection.inactive', async () => {
    const r = await postToken(run, url, `conformance-not-a-token-${crypto.randomUUID()}`);
    const body = jsonObject(r);
    run.expect(
      'introspection.inactive',
      r.status === 200 && body?.active === false,
      r.status === 200 ? `active: ${JSON.stringify(body?.active ?? null)}` : summarize(r),
    );
  });
  await run.attempt('introspection.requires-auth', async () => {
    const r = await postToken(run, url, token, false);
    run.expect(
      'introspection.requires-auth',
      !isActive(r),
      isActive(r)
        ? 'anyone can introspect tokens: answered active: true without client authentication'
        : `without client authentication: ${summarize(r)}`,
    );
  });
}

/** Revoke a fresh token (not the one the API checks use) and see that it stops working. */
export async function checkRevocation(run: ConformanceRun): Promise<string | undefined> {
  const ids = ['revocation.unknown-token', 'revocation.revoke', 'revocation.effective'] as const;
  const url = metaString(run.metadata, 'revocation_endpoint');
  if (!url) {
    run.skipAll(ids, 'no revocation_endpoint in the metadata');
    return undefined;
  }
  if (!run.primaryMethod) {
    run.skipAll(ids, 'no usable client authentication');
    return undefined;
  }
  await run.attempt('revocation.unknown-token', async () => {
    const r = await postToken(run, url, `conformance-not-a-token-${crypto.randomUUID()}`);
    run.expect('revocation.unknown-token', r.status === 200, summarize(r));
  });
  let revoked: string | undefined;
  await run.attempt(['revocation.revoke', 'revocation.effective'], async () => {
    const issued = await run.requestToken();
    const token = jsonObject(issued)?.access_token;
    if (issued.status !== 200 || typeof token !== 'string') {
      run.skipAll(
        ['revocation.revoke', 'revocation.effective'],
        `no token to revoke (${summarize(issued)})`,
      );
      return;
    }
    run.keepSecret(token);
    const r = await postToken(run, url, token);
    run.expect('revocation.revoke', r.status === 200, summarize(r));
    if (r.status !== 200) return run.skip('revocation.effective', 'the revocation failed');
    revoked = token;
    const introspection = metaString(run.metadata, 'introspection_endpoint');
    if (!introspection)
      return run.skip(
        'revocation.effective',
        'no introspection endpoint to ask (see api.revoked-token)',
      );
    if (run.results.get('introspection.active')?.outcome !== 'pass')
      return run.skip(
        'revocation.effective',
        'introspection does not show this client its live tokens as active, so it cannot show a revocation (see api.revoked-token)',
      );
    const after = await postToken(run, introspection, token);
    run.expect(
      'revocation.effective',
      after.status === 200 && jsonObject(after)?.active === false,
      `introspection after revoking: ${after.status === 200 ? `active: ${JSON.stringify(jsonObject(after)?.active ?? null)}` : summarize(after)}`,
    );
  });
  return revoked;
}

const API_CHECKS: CheckId[] = [
  'api.happy-path',
  'api.scheme-case',
  'api.no-token',
  'api.no-token-no-error',
  'api.tampered-token',
  'api.tampered-invalid-token',
  'api.alg-none',
  'api.expired-token',
  'api.query-token',
  'api.insufficient-scope',
  'api.revoked-token',
];

/** Parse `error="..."` out of a Bearer challenge. */
function challengeError(challenge: string): string | undefined {
  return /\berror="([^"]*)"/i.exec(challenge)?.[1];
}

const ok = (r: ProbeResponse) => r.status >= 200 && r.status < 300;

/** The same claims and header with alg none and no signature. */
function unsigned(token: string): string | undefined {
  try {
    const header = { ...decodeProtectedHeader(token), alg: 'none' };
    const claims = decodeJwt(token);
    const encode = (v: unknown) => base64url.encode(JSON.stringify(v));
    return `${encode(header)}.${encode(claims)}.`;
  } catch {
    return undefined;
  }
}

/** One character of the signature (or of an opaque token) changed. */
function tampered(token: string): string {
  const at = token.lastIndexOf('.') === -1 ? token.length - 1 : token.length - 2;
  const c = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + c + token.slice(at + 1);
}

/**
 * The API with the issued token, good and spoiled. Runs before revocation: a server that reuses
 * tokens may hand out this very token as the "fresh" one revocation then kills.
 */
export async function checkApi(run: ConformanceRun, issued: IssuedToken[]): Promise<void> {
  const api = run.options.api;
  if (!api) return run.skipAll(API_CHECKS, 'no --api given');
  const token = issued[0]?.accessToken;
  if (!token) return run.skipAll(API_CHECKS, 'no token was issued');
  const get = (headers: Record<string, string>, url = api) => run.send(url, { headers });

  await run.attempt('api.happy-path', async () => {
    const r = await get({ authorization: `Bearer ${token}` });
    run.expect('api.happy-path', ok(r), `GET ${api}: ${summarize(r)}`);
  });
  await run.attempt('api.scheme-case', async () => {
    const r = await get({ authorization: `bearer ${token}` });
    run.expect('api.scheme-case', ok(r), `Authorization: bearer ...: ${summarize(r)}`);
  });
  await run.attempt(['api.no-token', 'api.no-token-no-error'], async () => {
    const r = await get({});
    const challenge = r.headers.get('www-authenticate') ?? '';
    run.expect(
      'api.no-token',
      r.status === 401 && /\bbearer\b/i.test(challenge),
      `${r.status}, WWW-Authenticate: ${challenge || 'absent'}`,
    );
    const error = challengeError(challenge);
    if (r.status !== 401) run.skip('api.no-token-no-error', 'the answer was not a 401');
    else
      run.expect(
        'api.no-token-no-error',
        error === undefined,
        error === undefined ? 'no error code' : `error="${error}"`,
      );
  });
  await run.attempt(['api.tampered-token', 'api.tampered-invalid-token'], async () => {
    const r = await get({ authorization: `Bearer ${tampered(token)}` });
    const challenge = r.headers.get('www-authenticate') ?? '';
    run.expect(
      'api.tampered-token',
      !ok(r) && r.status < 500,
      ok(r) ? `${r.status}: a token with a changed signature was ACCEPTED` : summarize(r),
    );
    run.expect(
      'api.tampered-invalid-token',
      r.status === 401 && challengeError(challenge) === 'invalid_token',
      `${r.status}, WWW-Authenticate: ${challenge || 'absent'}`,
    );
  });
  const none = unsigned(token);
  if (!none) run.skip('api.alg-none', 'the token is opaque');
  else
    await run.attempt('api.alg-none', async () => {
      const r = await get({ authorization: `Bearer ${none}` });
      run.expect(
        'api.alg-none',
        !ok(r) && r.status < 500,
        ok(r) ? `${r.status}: an unsigned (alg none) token was ACCEPTED` : summarize(r),
      );
    });
  const expired = run.options.expiredToken;
  if (!expired) run.skip('api.expired-token', 'no --expired-token given');
  else
    await run.attempt('api.expired-token', async () => {
      const r = await get({ authorization: `Bearer ${expired}` });
      const challenge = r.headers.get('www-authenticate') ?? '';
      run.expect(
        'api.expired-token',
        r.status === 401 && challengeError(challenge) === 'invalid_token',
        `${r.status}, WWW-Authenticate: ${challenge || 'absent'}`,
      );
    });
  const forbidden = run.options.forbiddenApi;
  if (!forbidden) run.skip('api.insufficient-scope', 'no --forbidden-api given');
  else
    await run.attempt('api.insufficient-scope', async () => {
      const r = await get({ authorization: `Bearer ${token}` }, forbidden);
      const challenge = r.headers.get('www-authenticate') ?? '';
      if (ok(r))
        run.fail(
          'api.insufficient-scope',
          `${r.status}: GET ${forbidden} accepted a token without its scope`,
          'MUST',
        );
      else
        run.expect(
          'api.insufficient-scope',
          r.status === 403 && challengeError(challenge) === 'insufficient_scope',
          `GET ${forbidden}: ${r.status}, WWW-Authenticate: ${challenge || 'absent'}`,
        );
    });
  await run.attempt('api.query-token', async () => {
    const url = new URL(api);
    url.searchParams.set('access_token', token);
    const r = await get({}, url.href);
    run.expect(
      'api.query-token',
      !ok(r) && r.status < 500,
      ok(r) ? `${r.status}: the token was accepted from the URL` : summarize(r),
    );
  });
}

/** After revocation: the API refuses the revoked token. */
export async function checkApiRevoked(
  run: ConformanceRun,
  revoked: string | undefined,
): Promise<void> {
  const api = run.options.api;
  if (!api) return run.skip('api.revoked-token', 'no --api given');
  if (!revoked)
    return run.skip('api.revoked-token', 'no token was revoked (no revocation endpoint?)');
  await run.attempt('api.revoked-token', async () => {
    const r = await run.send(api, { headers: { authorization: `Bearer ${revoked}` } });
    run.expect(
      'api.revoked-token',
      !ok(r) && r.status < 500,
      ok(r)
        ? `${r.status}: still accepted after revocation (a self-contained JWT lives until exp unless the API asks the server)`
        : summarize(r),
    );
  });
}
