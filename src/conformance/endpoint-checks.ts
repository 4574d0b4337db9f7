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
import { errorOf, grantedScopes } from './scope-grading.ts';
import type { IssuedToken } from './token-checks.ts';

/** POST `token` to an endpoint with the client authentication it lists (or none). */
async function postToken(
  run: ConformanceRun,
  endpoint: 'introspection' | 'revocation',
  url: string,
  token: string,
  authenticate = true,
): Promise<ProbeResponse> {
  const method = run.methodFor(endpoint);
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

  let mayIntrospect = true;
  await run.attempt('introspection.active', async () => {
    const r = await postToken(run, 'introspection', url, token);
    const body = jsonObject(r) ?? {};
    const named = ['client_id', 'scope', 'exp', 'sub', 'aud', 'iss']
      .filter((k) => body[k] !== undefined)
      .join(', ');
    if (isActive(r))
      run.pass('introspection.active', `active: true, with ${named || 'no other members'}`);
    else if (r.status === 200 && body.active === false)
      run.observe(
        'introspection.active',
        'active: false for the token just issued, asked by the client it was issued to: RFC 7662 §2.2 lets a server answer so to a caller that may not introspect this token (ask as the resource server)',
        'introspectionMayHide',
      );
    else if (r.status === 401 || r.status === 403) {
      mayIntrospect = false;
      run.observe(
        'introspection.active',
        `${summarize(r)}: this client may not introspect (RFC 7662 §2.1: the server decides who may; ask as the resource server)`,
        'introspectionCallerChosen',
      );
    } else
      run.fail(
        'introspection.active',
        `${summarize(r)}, expected 200 with "active"${
          r.status >= 400 && r.status < 500
            ? ': RFC 7662 §2.3 answers a token this client may not introspect with active: false, not an error'
            : ''
        }`,
      );
  });
  if (!mayIntrospect) {
    run.skip('introspection.inactive', 'this client may not introspect (introspection.active)');
  }
  await run.attempt('introspection.inactive', async () => {
    const r = await postToken(
      run,
      'introspection',
      url,
      `conformance-not-a-token-${crypto.randomUUID()}`,
    );
    const body = jsonObject(r);
    run.expect(
      'introspection.inactive',
      r.status === 200 && body?.active === false,
      r.status === 200 ? `active: ${JSON.stringify(body?.active ?? null)}` : summarize(r),
    );
  });
  await run.attempt('introspection.requires-auth', async () => {
    const r = await postToken(run, 'introspection', url, token, false);
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
    const r = await postToken(
      run,
      'revocation',
      url,
      `conformance-not-a-token-${crypto.randomUUID()}`,
    );
    run.expect(
      'revocation.unknown-token',
      r.status === 200,
      r.status === 200 ? summarize(r) : `${summarize(r)}, expected 200`,
    );
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
    const r = await postToken(run, 'revocation', url, token);
    if (r.status === 400 && errorOf(r) === 'unsupported_token_type') {
      run.fail(
        'revocation.revoke',
        `${summarize(r)}: this server does not revoke access tokens (RFC 7009 §2.2.1 defines this answer; §2 only SHOULD-supports revoking them)`,
        'accessTokenRevocation',
      );
      return run.skip('revocation.effective', 'the server does not revoke access tokens');
    }
    run.expect(
      'revocation.revoke',
      r.status === 200,
      r.status === 200 ? summarize(r) : `${summarize(r)}, expected 200`,
    );
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
    const after = await postToken(run, 'introspection', introspection, token);
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

/** The scopes a Bearer challenge names (`scope="a b"`). */
function challengeScopes(challenge: string): string[] {
  return (/\bscope="([^"]*)"/i.exec(challenge)?.[1] ?? '').split(' ').filter((s) => s !== '');
}

const ok = (r: ProbeResponse) => r.status >= 200 && r.status < 300;

/** WWW-Authenticate, when it names the Bearer scheme; undefined otherwise. */
function bearerChallenge(r: ProbeResponse): string | undefined {
  const challenge = r.headers.get('www-authenticate') ?? '';
  return /\bbearer\b/i.test(challenge) ? challenge : undefined;
}

/**
 * Grade how the API refused a token it must refuse: without a Bearer challenge the answer breaks
 * RFC 6750 §3's MUST; with one, the status and error code are §3.1's SHOULD.
 */
function gradeRefusal(
  run: ConformanceRun,
  id: CheckId,
  r: ProbeResponse,
  expected: { status: 401 | 403; error: 'invalid_token' | 'insufficient_scope' },
  lead = '',
): void {
  const raw = r.headers.get('www-authenticate');
  const challenge = bearerChallenge(r);
  if (challenge === undefined) {
    run.fail(
      id,
      `${lead}${r.status} ${raw ? `with WWW-Authenticate: ${raw}, not a Bearer challenge` : 'without WWW-Authenticate'} (RFC 6750 §3: MUST include it when the token does not enable access)`,
      'challengeRequired',
    );
    return;
  }
  const error = challengeError(challenge);
  const good = r.status === expected.status && error === expected.error;
  const detail = `${lead}${r.status}, WWW-Authenticate: ${challenge}`;
  if (good) run.pass(id, detail);
  else
    run.fail(
      id,
      `${detail}, expected ${expected.status} error="${expected.error}"`,
      expected.error === 'invalid_token' ? 'invalidToken401' : 'insufficientScope403',
    );
}

/**
 * Call the API at --forbidden-api with the token, once: its 403 names the scope this client may
 * not have (asked for next, by negative.forbidden-scope), and api.insufficient-scope grades it.
 */
export async function probeForbiddenApi(run: ConformanceRun, issued: IssuedToken[]): Promise<void> {
  const url = run.options.forbiddenApi;
  const first = issued[0];
  if (!url || !first) return;
  try {
    const response = await run.send(url, {
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    const asked = run.options.scope?.split(' ') ?? [];
    const has = grantedScopes(first.body, asked).scopes;
    const challenge = response.headers.get('www-authenticate') ?? '';
    const named = challengeScopes(challenge).filter((s) => !has.includes(s));
    run.forbiddenProbe = { response, named };
    // The API took the token: whatever the token carries beyond what was asked is a scope it
    // should not have had (the tester says this client may not call that API).
    const added = run.options.scope ? has.filter((s) => !asked.includes(s)) : [];
    run.forbiddenScopes = ok(response) ? added : named;
  } catch {
    // No answer: api.insufficient-scope asks again and records why.
    run.forbiddenProbe = undefined;
  }
}

/** A JWT whose header says alg none. */
function isUnsigned(token: string): boolean {
  try {
    return String(decodeProtectedHeader(token).alg ?? '').toLowerCase() === 'none';
  } catch {
    return false;
  }
}

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
  const first = issued[0];
  if (!first) return run.skipAll(API_CHECKS, 'no token was issued');
  const token = first.accessToken;
  if (isUnsigned(token)) {
    // A resource server must refuse this token (RFC 9068 §4): the checks that need one it
    // accepts cannot be made with it, and its refusal is no fault of the API.
    run.skipAll(
      [
        'api.happy-path',
        'api.scheme-case',
        'api.insufficient-scope',
        'api.query-token',
        'api.revoked-token',
      ],
      'the token is unsigned (see access-token.alg): no resource server may accept it',
    );
  }
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
    if (ok(r))
      run.fail('api.no-token', `${r.status}: the API answered without a token`, 'validateToken');
    else
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
    run.expect(
      'api.tampered-token',
      !ok(r) && r.status < 500,
      ok(r) ? `${r.status}: a token with a changed signature was ACCEPTED` : summarize(r),
    );
    if (ok(r)) run.skip('api.tampered-invalid-token', 'the tampered token was accepted');
    else
      gradeRefusal(run, 'api.tampered-invalid-token', r, { status: 401, error: 'invalid_token' });
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
      if (ok(r)) run.fail('api.expired-token', `${r.status}: an expired token was ACCEPTED`);
      else gradeRefusal(run, 'api.expired-token', r, { status: 401, error: 'invalid_token' });
    });
  const forbidden = run.options.forbiddenApi;
  if (!forbidden) run.skip('api.insufficient-scope', 'no --forbidden-api given');
  else
    await run.attempt('api.insufficient-scope', async () => {
      const r =
        run.forbiddenProbe?.response ??
        (await get({ authorization: `Bearer ${token}` }, forbidden));
      if (!ok(r)) {
        gradeRefusal(
          run,
          'api.insufficient-scope',
          r,
          { status: 403, error: 'insufficient_scope' },
          `GET ${forbidden}: `,
        );
        return;
      }
      // The API took it. If the token carries scopes beyond those asked for, the authorization
      // server put them there, and the API is right to honour them.
      const asked = run.options.scope?.split(' ') ?? [];
      const added = run.options.scope
        ? grantedScopes(first.body, asked).scopes.filter((s) => !asked.includes(s))
        : [];
      if (added.length > 0)
        run.skip(
          'api.insufficient-scope',
          `the API accepted a token that carries ${added.join(' ')}, which the authorization server added (see negative.forbidden-scope): accepting it is right`,
        );
      else
        run.fail(
          'api.insufficient-scope',
          `${r.status}: GET ${forbidden} accepted a token without its scope (the token carries ${JSON.stringify(grantedScopes(first.body, asked).scopes.join(' '))})`,
        );
    });
  await run.attempt('api.query-token', async () => {
    const url = new URL(api);
    url.searchParams.set('access_token', token);
    const r = await get({}, url.href);
    run.observe(
      'api.query-token',
      ok(r)
        ? `${r.status}: accepted from the URL (RFC 6750 §2.3: resource servers MAY; RFC 9700 §4.3.2: clients MUST NOT send it so)`
        : `refused: ${summarize(r)}`,
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
  if (!revoked) {
    const revoke = run.results.get('revocation.revoke');
    return run.skip(
      'api.revoked-token',
      revoke?.outcome === 'skipped' || revoke === undefined
        ? 'no token was revoked (no revocation endpoint?)'
        : 'no token was revoked (see revocation.revoke)',
    );
  }
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
