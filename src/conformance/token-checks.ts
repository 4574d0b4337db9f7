/**
 * The happy paths: a token with each client authentication method the user can prove, the token
 * response's shape, and the access token itself when it is a JWT.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { CHECKS, type CheckId } from './checks.ts';
import type { ClientAuthMethod } from './client-auth.ts';
import { type ConformanceRun, metaString } from './conformance-run.ts';
import { jsonObject, type ProbeResponse, summarize } from './http-probe.ts';
import type { RuleId } from './rules.ts';
import { claimedScope, grantedScopes } from './scope-grading.ts';

const METHOD_CHECKS: Record<ClientAuthMethod, CheckId> = {
  client_secret_basic: 'token.client-secret-basic',
  client_secret_post: 'token.client-secret-post',
  private_key_jwt: 'token.private-key-jwt',
};

/** A token the server issued, for the checks that follow. */
export interface IssuedToken {
  accessToken: string;
  body: Record<string, unknown>;
  response: ProbeResponse;
}

const SHAPE_CHECKS = [
  'token.content-type',
  'token.cache-control',
  'token.pragma',
  'token.token-type',
  'token.expires-in',
  'token.no-refresh-token',
  'token.scope',
  'token.new-token-each-request',
] as const;

interface Attempt {
  method: ClientAuthMethod;
  id: CheckId;
  response?: ProbeResponse;
  /** A network failure, said in words. */
  error?: string;
  token?: IssuedToken;
}

/** "401 invalid_client (Client authentication failed...)": an answer with its description. */
function describeAnswer(response: ProbeResponse): string {
  return `${summarize(response)}${describeError(jsonObject(response))}`;
}

/**
 * An OAuth refusal: 400, 401 or 403 with a JSON error code, or a bare 401 or 403 (counted as
 * invalid_client: the server would not authenticate the client). Undefined for anything else.
 */
function refusalCode(response: ProbeResponse | undefined): string | undefined {
  if (!response || ![400, 401, 403].includes(response.status)) return undefined;
  const error = jsonObject(response)?.error;
  if (typeof error === 'string') return error;
  return response.status === 400 ? undefined : 'invalid_client';
}

const isSecretMethod = (m: ClientAuthMethod) => m !== 'private_key_jwt';

/** What to check when every token request was refused, by the first error code. */
function refusalHint(run: ConformanceRun, code: string, methods: ClientAuthMethod[]): string {
  if (code === 'invalid_client') {
    const secret = methods.some(isSecretMethod);
    const key = methods.includes('private_key_jwt');
    if (secret && key) return 'Check --client-id, --client-secret and --private-key.';
    if (key)
      return 'Check --client-id, and that the server holds the public key of --private-key for this client.';
    return 'Check --client-id and --client-secret.';
  }
  if (code === 'unauthorized_client')
    return 'The client may not use the client credentials grant: allow it for this client.';
  if (code === 'invalid_scope') return `Check --scope: ${run.options.clientId} may not have it.`;
  if (code === 'invalid_target') return 'Check --resource and --audience.';
  return '';
}

/** The methods' list, "a, b and c". */
const list = (items: string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** discovery.auth-methods: what the metadata advertises, and what this run used. */
function observeAuthMethods(run: ConformanceRun, attempts: Attempt[]): void {
  const advertised = run.advertisedMethods;
  const published = advertised
    ? `[${advertised.join(', ')}]`
    : 'absent (the default is client_secret_basic)';
  if (run.unadvertised.length > 0) {
    const accepted = attempts.filter((a) => a.token).map((a) => a.method);
    const refused = attempts.filter((a) => !a.token).map((a) => a.method);
    run.observe(
      'discovery.auth-methods',
      `${published}; the credentials given fit none of these, so each was tried: ${
        accepted.length === 0
          ? 'none was accepted'
          : `${list(accepted)} ${accepted.length === 1 ? 'was' : 'were'} accepted all the same${refused.length ? `, ${list(refused)} not` : ''}`
      }`,
    );
    return;
  }
  const notAdvertised = (['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const)
    .filter((m) => !run.methods.includes(m))
    .filter((m) => (m === 'private_key_jwt' ? run.assertionKey : run.options.clientSecret))
    .map((m) => `${m} not advertised`);
  run.observe(
    'discovery.auth-methods',
    `${published}; testing ${run.methods.join(', ')}${notAdvertised.length ? ` (${notAdvertised.join('; ')})` : ''}`,
  );
}

/**
 * One token per usable method; the shape checks run on every success. When every request is
 * refused (wrong credentials, a client not allowed the grant), the run stops there and says so:
 * nothing after it could be checked, and none of it is the server's failure.
 */
export async function checkTokenHappyPaths(run: ConformanceRun): Promise<IssuedToken[]> {
  const attempts: Attempt[] = [];
  for (const [method, id] of Object.entries(METHOD_CHECKS) as [ClientAuthMethod, CheckId][]) {
    if (!run.methods.includes(method)) {
      const reason =
        method === 'private_key_jwt'
          ? run.assertionKey
            ? 'the server does not advertise private_key_jwt'
            : 'no --private-key given'
          : run.options.clientSecret
            ? `the server does not advertise ${method}`
            : 'no --client-secret given';
      run.skip(id, reason);
      continue;
    }
    const attempt: Attempt = { method, id };
    attempts.push(attempt);
    try {
      const response = await run.requestToken(method);
      attempt.response = response;
      const body = jsonObject(response);
      const accessToken = body?.access_token;
      if (response.status === 200 && typeof accessToken === 'string' && accessToken !== '') {
        run.keepSecret(accessToken);
        attempt.token = { accessToken, body: body ?? {}, response };
      }
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error);
    }
  }
  observeAuthMethods(run, attempts);

  const issued = attempts.flatMap((a) => (a.token ? [a.token] : []));
  const codes = attempts.map((a) => refusalCode(a.response));
  if (issued.length === 0 && attempts.length > 0 && codes.every((c) => c !== undefined)) {
    // Every request refused in OAuth's own words: the credentials or the client's set-up, which
    // the runner cannot tell from a broken server. Say what came back; do not blame the server.
    const first = codes[0] ?? '';
    const answers = attempts.map((a) => `${a.method}: ${a.response ? summarize(a.response) : ''}`);
    const unlisted = run.unadvertised.length
      ? ` (the metadata lists ${run.advertisedMethods ? `[${run.advertisedMethods.join(', ')}]` : 'no methods, so client_secret_basic'}, which none of the credentials given fit)`
      : '';
    const what =
      first === 'invalid_client'
        ? `the server refused the credentials for ${run.options.clientId}`
        : `the server refused every token request for ${run.options.clientId}`;
    const hint = refusalHint(run, first, run.methods);
    run.stopped = {
      reason: `${what}: ${answers.join('; ')}${unlisted}.${hint ? ` ${hint}` : ''}`,
      short: what,
    };
    for (const a of attempts) {
      if (a.response) run.skip(a.id, `refused: ${describeAnswer(a.response)}`);
    }
    run.skipAll(SHAPE_CHECKS, `not run: ${what}`);
    return [];
  }

  for (const a of attempts) {
    const advertised = !run.unadvertised.includes(a.method);
    const grant = a.token ? `200, ${describeGrant(a.token.body)}` : undefined;
    if (grant) {
      if (advertised) run.pass(a.id, grant);
      else
        run.pass(a.id, `${grant} (not advertised, accepted all the same)`, 'authMethodsOptional');
      continue;
    }
    const answer = a.error ?? (a.response ? describeAnswer(a.response) : 'no answer');
    if (!advertised) {
      run.skip(a.id, `not advertised; tried anyway: ${answer}`);
      continue;
    }
    // A key (or a secret) refused while the other credential works: most likely not the one
    // the server holds for this client, which the runner cannot tell from a server fault.
    const sameKind = attempts.filter((o) => isSecretMethod(o.method) === isSecretMethod(a.method));
    if (refusalCode(a.response) === 'invalid_client' && sameKind.every((o) => !o.token)) {
      run.skip(
        a.id,
        `refused: ${answer}. ${a.method === 'private_key_jwt' ? 'Is the public key of --private-key the one the server holds for this client?' : 'Is --client-secret right?'}`,
      );
      continue;
    }
    run.fail(a.id, answer);
  }
  if (issued.length === 0) {
    run.skipAll(SHAPE_CHECKS, 'no token was issued');
    return issued;
  }
  checkShape(run, issued);
  await run.attempt('token.new-token-each-request', async () => {
    const first = issued[0];
    const again = await run.requestToken(run.primaryMethod);
    const token = jsonObject(again)?.access_token;
    if (again.status !== 200 || typeof token !== 'string') {
      run.observe(
        'token.new-token-each-request',
        `the second request answered ${summarize(again)}`,
      );
      return;
    }
    run.keepSecret(token);
    run.observe(
      'token.new-token-each-request',
      token === first?.accessToken ? sameTokenAgain(token) : 'a new token each time',
    );
  });
  return issued;
}

/** What the same token twice means: a cache, or two identical JWTs that no jti tells apart. */
function sameTokenAgain(token: string): string {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    return 'the same token came back: the server hands out a token it issued before';
  }
  if (typeof claims.jti === 'string' && claims.jti !== '')
    return `the same token came back (same jti): the server hands out a token it issued before`;
  return 'the same JWT came back. It has no jti, so two tokens with the same claims issued within one second are the same bytes: this need not be a cache';
}

/** A JSON value for a report line, or "absent". */
const shown = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));

function describeGrant(body: Record<string, unknown>): string {
  const parts = [`token_type ${shown(body.token_type)}`];
  if (body.expires_in !== undefined) parts.push(`expires_in ${JSON.stringify(body.expires_in)}`);
  if (body.scope !== undefined) parts.push(`scope ${JSON.stringify(body.scope)}`);
  return parts.join(', ');
}

function describeError(body: Record<string, unknown> | undefined): string {
  const description = body?.error_description;
  return typeof description === 'string' ? ` (${description})` : '';
}

/** RFC 6749 §5.1 on every successful token response. */
function checkShape(run: ConformanceRun, issued: IssuedToken[]): void {
  const all = (test: (t: IssuedToken) => boolean) => issued.every(test);
  const header = (t: IssuedToken, name: string) => t.response.headers.get(name) ?? '';
  const contentTypes = [...new Set(issued.map((t) => header(t, 'content-type') || 'none'))];
  run.expect(
    'token.content-type',
    all((t) => /^application\/json\b/i.test(header(t, 'content-type'))),
    `Content-Type: ${contentTypes.join(' | ')}`,
  );
  const cacheControls = [...new Set(issued.map((t) => header(t, 'cache-control') || 'absent'))];
  run.expect(
    'token.cache-control',
    all((t) => /(^|,)\s*no-store\s*(,|$)/i.test(header(t, 'cache-control'))),
    `Cache-Control: ${cacheControls.join(' | ')}`,
  );
  const pragmas = [...new Set(issued.map((t) => header(t, 'pragma') || 'absent'))];
  run.expect(
    'token.pragma',
    all((t) => /no-cache/i.test(header(t, 'pragma'))),
    `Pragma: ${pragmas.join(' | ')}`,
  );
  const types = [...new Set(issued.map((t) => shown(t.body.token_type)))];
  run.expect(
    'token.token-type',
    all((t) => typeof t.body.token_type === 'string' && /^bearer$/i.test(t.body.token_type)),
    `token_type ${types.join(' | ')}`,
  );
  const expires = [...new Set(issued.map((t) => shown(t.body.expires_in)))];
  run.expect(
    'token.expires-in',
    all((t) => {
      // A numeric string is a common deviation; RFC 6749 §5.1 shows a JSON number.
      const v = t.body.expires_in;
      return typeof v === 'number' && Number.isInteger(v) && v > 0;
    }),
    `expires_in ${expires.join(' | ')}`,
  );
  const withRefresh = issued.filter((t) => t.body.refresh_token !== undefined).length;
  run.expect(
    'token.no-refresh-token',
    withRefresh === 0,
    withRefresh === 0 ? 'none' : `${withRefresh} response(s) carried a refresh_token`,
  );
  const scopes = [...new Set(issued.map((t) => JSON.stringify(t.body.scope ?? null)))];
  const asked = run.options.scope?.split(' ') ?? [];
  // No scope field says "as asked" (RFC 6749 §5.1); a JWT can say otherwise.
  const unnamed = issued.find((t) => {
    const claim = t.body.scope === undefined ? claimedScope(t.accessToken) : undefined;
    return claim !== undefined && !sameScopes(claim, asked);
  });
  if (run.options.scope && unnamed) {
    run.fail(
      'token.scope',
      `no scope field, but the token's claims name ${JSON.stringify(claimedScope(unnamed.accessToken)?.join(' ') ?? '')}, not the ${JSON.stringify(run.options.scope)} asked for`,
      'scopeMustBeNamed',
    );
    return;
  }
  const more = issued
    .flatMap((t) => grantedScopes(t.body, asked).scopes)
    .filter((s, i, all) => !asked.includes(s) && all.indexOf(s) === i);
  run.observe(
    'token.scope',
    `${scopes.join(' | ')}${run.options.scope ? ` (asked for ${JSON.stringify(run.options.scope)}${more.length ? `; more than asked: ${more.join(' ')}` : ''})` : ' (no scope asked for)'}`,
  );
}

const sameScopes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((s) => b.includes(s));

const JWT_CHECKS = [
  'access-token.alg',
  'access-token.typ',
  'access-token.signature',
  'access-token.iss',
  'access-token.exp',
  'access-token.aud',
  'access-token.sub',
  'access-token.client-id',
  'access-token.iat',
  'access-token.jti',
] as const;

/** A JWK without its private members. */
function publicPart(key: unknown): JWK {
  const {
    d: _d,
    p: _p,
    q: _q,
    dp: _dp,
    dq: _dq,
    qi: _qi,
    oth: _oth,
    k: _k,
    ...rest
  } = typeof key === 'object' && key !== null ? (key as JWK) : {};
  return rest;
}

/** Five minutes: the most clock skew the checks forgive (the article's limit). */
const SKEW = 300;

/**
 * RFC 9068 on a JWT access token. When the token declares the profile (typ at+jwt) its claim
 * rules are MUSTs; a JWT without it is allowed by RFC 6749 (tokens are opaque to clients), so the
 * same rules are reported as SHOULD.
 */
export async function checkJwtAccessToken(
  run: ConformanceRun,
  issued: IssuedToken[],
  now = () => Math.floor(Date.now() / 1000),
): Promise<void> {
  const first = issued[0];
  if (!first) {
    run.skip('access-token.format', 'no token was issued');
    run.skipAll(JWT_CHECKS, 'no token was issued');
    return;
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(first.accessToken);
    claims = decodeJwt(first.accessToken);
  } catch {
    run.observe('access-token.format', 'opaque (not a JWT): only the server can read it');
    run.skipAll(JWT_CHECKS, 'the access token is opaque');
    return;
  }
  const profile = /^(application\/)?at\+jwt$/i.test(String(header.typ ?? ''));
  // A token that claims the profile is held to its MUSTs; one that does not, to SHOULD.
  const claimRule = (own: RuleId): RuleId => (profile ? own : 'outsideProfile');
  /** Pass under the check's own rule; fail under the profile's, or as SHOULD outside it. */
  const grade = (id: CheckId, ok: boolean, detail: string) =>
    ok ? run.pass(id, detail) : run.fail(id, detail, claimRule(CHECKS[id].rule));
  run.observe(
    'access-token.format',
    `JWT, alg ${String(header.alg)}, typ ${JSON.stringify(header.typ ?? null)}${profile ? ' (RFC 9068 profile)' : ' (not the RFC 9068 profile: its claim rules are reported as SHOULD)'}`,
  );
  const alg = String(header.alg ?? '');
  const symmetric = /^HS\d+$/i.test(alg);
  if (alg === '' || alg.toLowerCase() === 'none')
    run.fail(
      'access-token.alg',
      'alg none: an unsigned token anyone can forge',
      claimRule('signedNotNone'),
    );
  else if (symmetric)
    run.fail(
      'access-token.alg',
      `alg ${alg} is symmetric: whoever can verify these tokens can also make them (RFC 9068 §2.1 RECOMMENDS asymmetric signing)`,
      'asymmetricRecommended',
    );
  else run.pass('access-token.alg', `alg ${alg}`);
  grade('access-token.typ', profile, `typ ${JSON.stringify(header.typ ?? null)}`);

  const jwksUri = metaString(run.metadata, 'jwks_uri');
  if (symmetric)
    run.skip(
      'access-token.signature',
      `an ${alg} signature is checked with a shared secret, which a JWKS never publishes: it cannot be checked from the JWKS`,
    );
  else if (alg === '' || alg.toLowerCase() === 'none')
    run.skip('access-token.signature', 'the token is not signed (see access-token.alg)');
  else if (!jwksUri) run.skip('access-token.signature', 'no jwks_uri to verify with');
  else
    await run.attempt('access-token.signature', async () => {
      const published = jsonObject(await run.send(jwksUri))?.keys;
      if (!Array.isArray(published)) {
        run.fail('access-token.signature', `${jwksUri} answered no key set to verify with`);
        return;
      }
      // Only the public half of each key: a leaked private member is discovery.jwks-public-only's
      // finding, and must not stop the signature from being checked.
      const jwks = createLocalJWKSet({ keys: published.map(publicPart) });
      try {
        const { protectedHeader } = await jwtVerify(first.accessToken, jwks, {
          clockTolerance: SKEW,
        });
        run.pass(
          'access-token.signature',
          `verified with kid ${JSON.stringify(protectedHeader.kid ?? null)}`,
        );
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        run.fail(
          'access-token.signature',
          `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`,
          claimRule('signatureVerifies'),
        );
      }
    });

  const issuer = run.options.issuer;
  grade(
    'access-token.iss',
    claims.iss === issuer,
    `iss ${JSON.stringify(claims.iss ?? null)}${claims.iss === issuer ? '' : `, expected ${JSON.stringify(issuer)}`}`,
  );

  const t = now();
  const exp = claims.exp;
  const expiresIn = first.body.expires_in;
  if (typeof exp !== 'number') grade('access-token.exp', false, 'no numeric exp');
  else {
    const left = exp - t;
    const matches = typeof expiresIn !== 'number' || Math.abs(left - expiresIn) <= SKEW;
    grade(
      'access-token.exp',
      left > -SKEW && matches,
      `exp in ${left} s${typeof expiresIn === 'number' ? `, expires_in ${expiresIn}` : ''}${matches ? '' : ' (they disagree by more than 5 minutes)'}`,
    );
  }

  const aud = claims.aud;
  const audList = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const wanted = run.options.audience ?? run.options.resource;
  grade(
    'access-token.aud',
    audList.length > 0 && (wanted === undefined || audList.includes(wanted)),
    `aud ${JSON.stringify(aud ?? null)}${wanted && !audList.includes(wanted) ? `, expected it to include ${JSON.stringify(wanted)}` : ''}`,
  );

  const clientId = run.options.clientId;
  if (typeof claims.sub !== 'string') grade('access-token.sub', false, 'no sub');
  else if (claims.sub === clientId) run.pass('access-token.sub', 'sub is the client_id');
  else
    run.fail(
      'access-token.sub',
      `sub ${JSON.stringify(claims.sub)} is not the client_id (RFC 9068 §2.2: it SHOULD identify the client for client credentials)`,
      'subIsClient',
    );

  grade(
    'access-token.client-id',
    claims.client_id === clientId,
    `client_id ${JSON.stringify(claims.client_id ?? null)}${claims.client_id === clientId ? '' : `, expected ${JSON.stringify(clientId)}`}`,
  );

  const iat = claims.iat;
  grade(
    'access-token.iat',
    typeof iat === 'number' && iat <= t + SKEW,
    typeof iat === 'number' ? `iat ${iat - t} s from now` : 'no numeric iat',
  );

  // A server that hands the same token out twice (token reuse) has not reused a jti.
  const tokens = [...new Set(issued.map((i) => i.accessToken))];
  const jtis = tokens.map((token) => {
    try {
      return decodeJwt(token).jti;
    } catch {
      return undefined;
    }
  });
  const distinct = new Set(jtis).size === jtis.length;
  grade(
    'access-token.jti',
    typeof claims.jti === 'string' && claims.jti !== '' && distinct,
    typeof claims.jti !== 'string'
      ? 'no jti'
      : distinct
        ? `${jtis.length} token(s), ${jtis.length} distinct jti`
        : 'two tokens share a jti',
  );
}
