/**
 * The happy paths: a token with each client authentication method the user can prove, the token
 * response's shape, and the access token itself when it is a JWT.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 */
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { CheckId, Level } from './checks.ts';
import type { ClientAuthMethod } from './client-auth.ts';
import { type ConformanceRun, metaString } from './conformance-run.ts';
import { jsonObject, type ProbeResponse, summarize } from './http-probe.ts';

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

/** One token per usable method; the shape checks run on every success. */
export async function checkTokenHappyPaths(run: ConformanceRun): Promise<IssuedToken[]> {
  const issued: IssuedToken[] = [];
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
    await run.attempt(id, async () => {
      const response = await run.requestToken(method);
      const body = jsonObject(response);
      const accessToken = body?.access_token;
      if (response.status === 200 && typeof accessToken === 'string' && accessToken !== '') {
        run.keepSecret(accessToken);
        run.pass(id, `200, ${describeGrant(body ?? {})}`);
        issued.push({ accessToken, body: body ?? {}, response });
      } else {
        run.fail(id, `${summarize(response)}${describeError(body)}`);
      }
    });
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
      token === first?.accessToken
        ? 'the same token came back (the server caches tokens per client)'
        : 'a new token each time',
    );
  });
  return issued;
}

function describeGrant(body: Record<string, unknown>): string {
  const parts = [`token_type ${JSON.stringify(body.token_type)}`];
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
  const types = [...new Set(issued.map((t) => JSON.stringify(t.body.token_type)))];
  run.expect(
    'token.token-type',
    all((t) => typeof t.body.token_type === 'string' && /^bearer$/i.test(t.body.token_type)),
    `token_type ${types.join(' | ')}`,
  );
  const expires = [...new Set(issued.map((t) => JSON.stringify(t.body.expires_in)))];
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
  run.observe(
    'token.scope',
    `${scopes.join(' | ')}${run.options.scope ? ` (asked for ${JSON.stringify(run.options.scope)})` : ' (no scope asked for)'}`,
  );
}

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
  const level: Level = profile ? 'MUST' : 'SHOULD';
  run.observe(
    'access-token.format',
    `JWT, alg ${String(header.alg)}, typ ${JSON.stringify(header.typ ?? null)}${profile ? ' (RFC 9068 profile)' : ' (not the RFC 9068 profile: its claim rules are reported as SHOULD)'}`,
  );
  const alg = String(header.alg ?? '');
  run.expect(
    'access-token.alg',
    alg !== '' && alg.toLowerCase() !== 'none' && !alg.startsWith('HS'),
    alg.toLowerCase() === 'none'
      ? 'alg none: an unsigned token anyone can forge'
      : alg.startsWith('HS')
        ? `${alg} is symmetric: a resource server that can verify it can also forge it`
        : `alg ${alg}`,
  );
  run.expect(
    'access-token.typ',
    profile,
    `typ ${JSON.stringify(header.typ ?? null)}`,
    profile ? 'MUST' : 'SHOULD',
  );

  const jwksUri = metaString(run.metadata, 'jwks_uri');
  if (!jwksUri) run.skip('access-token.signature', 'no jwks_uri to verify with');
  else
    await run.attempt('access-token.signature', async () => {
      const jwks = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: run.options.timeoutMs,
        ...(run.fetcher ? { [customFetch]: run.fetcher } : {}),
      });
      try {
        const { protectedHeader } = await jwtVerify(first.accessToken, jwks, {
          clockTolerance: SKEW,
        });
        run.pass(
          'access-token.signature',
          `verified with kid ${JSON.stringify(protectedHeader.kid ?? null)}`,
          level,
        );
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        run.fail(
          'access-token.signature',
          `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`,
          level,
        );
      }
    });

  const issuer = run.options.issuer;
  run.expect(
    'access-token.iss',
    claims.iss === issuer,
    `iss ${JSON.stringify(claims.iss ?? null)}${claims.iss === issuer ? '' : `, expected ${JSON.stringify(issuer)}`}`,
    level,
  );

  const t = now();
  const exp = claims.exp;
  const expiresIn = first.body.expires_in;
  if (typeof exp !== 'number') run.fail('access-token.exp', 'no numeric exp', level);
  else {
    const left = exp - t;
    const matches = typeof expiresIn !== 'number' || Math.abs(left - expiresIn) <= SKEW;
    run.expect(
      'access-token.exp',
      left > -SKEW && matches,
      `exp in ${left} s${typeof expiresIn === 'number' ? `, expires_in ${expiresIn}` : ''}${matches ? '' : ' (they disagree by more than 5 minutes)'}`,
      level,
    );
  }

  const aud = claims.aud;
  const audList = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const wanted = run.options.audience ?? run.options.resource;
  run.expect(
    'access-token.aud',
    audList.length > 0 && (wanted === undefined || audList.includes(wanted)),
    `aud ${JSON.stringify(aud ?? null)}${wanted && !audList.includes(wanted) ? `, expected it to include ${JSON.stringify(wanted)}` : ''}`,
    level,
  );

  const clientId = run.options.clientId;
  if (typeof claims.sub !== 'string') run.fail('access-token.sub', 'no sub', level);
  else
    run.expect(
      'access-token.sub',
      claims.sub === clientId,
      claims.sub === clientId
        ? `sub is the client_id`
        : `sub ${JSON.stringify(claims.sub)} is not the client_id (RFC 9068 §2.2: it SHOULD identify the client for client credentials)`,
      claims.sub === clientId ? level : 'SHOULD',
    );

  run.expect(
    'access-token.client-id',
    claims.client_id === clientId,
    `client_id ${JSON.stringify(claims.client_id ?? null)}${claims.client_id === clientId ? '' : `, expected ${JSON.stringify(clientId)}`}`,
    level,
  );

  const iat = claims.iat;
  run.expect(
    'access-token.iat',
    typeof iat === 'number' && iat <= t + SKEW,
    typeof iat === 'number' ? `iat ${iat - t} s from now` : 'no numeric iat',
    level,
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
  run.expect(
    'access-token.jti',
    typeof claims.jti === 'string' && claims.jti !== '' && distinct,
    typeof claims.jti !== 'string'
      ? 'no jti'
      : distinct
        ? `${jtis.length} token(s), ${jtis.length} distinct jti`
        : 'two tokens share a jti',
    level,
  );
}
