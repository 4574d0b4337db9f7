import { type AuthenticatedClient, authenticateClient } from './authenticate-client.ts';
import { pruneSoon, type ServerContext, stateMemory } from './context.ts';
import { checkDpopProof, type DpopProof, dpopNonceHeaders } from './dpop.ts';
import { type EndpointState, stepsEndpoint } from './endpoint.ts';
import { OAuthError, TooManyRequests } from './errors.ts';
import { json, NO_STORE } from './http.ts';
import { randomToken } from './jwt.ts';
import { signAccessToken } from './keys.ts';
import { type Params, parseBody, rejectDuplicateParams } from './parse-body.ts';
import { SCOPE_SYNTAX } from './scope.ts';
import type { IssuedToken } from './state.ts';
import { type NamedStep, step } from './trace.ts';

/** The token endpoint's answer on success (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  /** `DPoP` when the token is bound to the key of the request's DPoP proof (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
}

/** What the token endpoint's steps share. */
interface TokenRequest extends EndpointState {
  params?: Params;
  auth?: AuthenticatedClient;
  /** The request's DPoP proof, once checked: the token is bound to its key. */
  dpop?: DpopProof;
  scope?: string;
  audience?: string;
}

const hasDpopHeader = (t: TokenRequest) => t.request.headers.has('dpop');

const need = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('token endpoint step ran out of order');
  return value;
};

/**
 * The client credentials grant, as a checklist run in order. Each name is what the playground
 * shows the learner ("checked: client secret ✓, scope ✗").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export const TOKEN_STEPS: readonly NamedStep<TokenRequest>[] = [
  step('parseBody', async (t) => {
    const raw = await parseBody(t.request);
    t.trace.requestBody = raw.redacted;
    t.params = rejectDuplicateParams(raw, ['resource']);
  }),
  step('authenticateClient', async (t) => {
    t.auth = await authenticateClient(
      t.request,
      need(t.params),
      t.context,
      t.trace,
      t.context.endpoints.token,
    );
  }),
  // RFC 9449 §5.2 (dpop_bound_access_tokens): such a client's token requests must carry a proof.
  step(
    'requireDpop',
    (t) => {
      if (hasDpopHeader(t)) return;
      const id = need(t.auth).client.client_id;
      throw new OAuthError(
        'invalid_request',
        `Client ${id} must send a DPoP proof with every token request (it is registered with require_dpop). Add a DPoP header: a JWT signed with your DPoP key, with htm POST and htu this token endpoint.`,
        { detail: `${id} requires DPoP; no DPoP header` },
      );
    },
    (t) => need(t.auth).client.require_dpop === true,
  ),
  step(
    'validateDpopProof',
    async (t) => {
      t.dpop = await checkDpopProof({
        request: t.request,
        context: t.context,
        trace: t.trace,
        audience: 'token',
      });
    },
    hasDpopHeader,
  ),
  step('checkRateLimit', (t) => checkRateLimit(t.context, need(t.auth))),
  step('checkGrantType', (t) => {
    const grantType = need(t.params).get('grant_type');
    if (grantType === undefined) {
      throw new OAuthError(
        'invalid_request',
        'grant_type is missing. Send grant_type=client_credentials.',
        { detail: 'no grant_type parameter' },
      );
    }
    if (grantType !== 'client_credentials') {
      throw new OAuthError(
        'unsupported_grant_type',
        `grant_type ${grantType} is not supported here. This server issues tokens only for grant_type=client_credentials.`,
        { detail: `grant_type ${JSON.stringify(grantType)}` },
      );
    }
  }),
  step('checkScope', (t) => {
    t.scope = grantedScope(
      t.context,
      need(t.auth).client.client_id,
      need(t.auth).client.scopes,
      need(t.params).get('scope'),
    );
  }),
  step('checkAudience', (t) => {
    t.audience = requestedAudience(t.context, need(t.params));
  }),
  step('issueAccessToken', async (t) => {
    const { client } = need(t.auth);
    const options = {
      format: client.token_format,
      ttl: client.access_token_ttl,
      ...(t.dpop && { jkt: t.dpop.jkt }),
    };
    const reused = reusableToken(
      t.context,
      client.client_id,
      need(t.scope),
      need(t.audience),
      options,
    );
    const issued =
      reused ??
      (await issueAccessToken(
        t.context,
        client.client_id,
        need(t.scope),
        need(t.audience),
        options,
      ));
    rememberForReuse(t.context, issued);
    t.trace.detail = reused
      ? `returned the ${reused.record.format} token jti ${reused.record.jti} issued to ${client.client_id} earlier in this second (tokenReuse: same-second), exp ${reused.record.exp}`
      : `issued ${issued.record.format} token jti ${issued.record.jti} to ${client.client_id}, scope "${issued.record.scope}", exp ${issued.record.exp}${issued.record.jkt ? `, bound to DPoP key ${issued.record.jkt}` : ''}`;
    const body: TokenResponse = {
      access_token: issued.token,
      token_type: issued.record.jkt ? 'DPoP' : 'Bearer',
      // a reused token has lived part of its second: never claim more than it has left
      expires_in: reused
        ? Math.max(0, reused.record.exp - t.context.clock.now())
        : client.access_token_ttl,
      scope: issued.record.scope,
    };
    t.response = json(200, body, {
      ...NO_STORE,
      ...(t.dpop && dpopNonceHeaders(t.context, 'token')),
    });
  }),
];

/**
 * `POST /oauth/token`: run the checklist, answer the token or the first failure.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export const tokenEndpoint = stepsEndpoint<TokenRequest>(TOKEN_STEPS);

/**
 * A sliding 60-second window per client on the server clock; over the limit: 429 with
 * Retry-After = seconds until the oldest request leaves the window.
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4
 */
export function checkRateLimit(context: ServerContext, auth: AuthenticatedClient): void {
  const { client } = auth;
  const limit = client.rate_limit_per_minute;
  if (limit === null) return;
  const nowMs = context.clock.nowMs();
  const windowStart = nowMs - 60_000;
  const recent = (context.state.rateLimits[client.client_id] ?? []).filter(
    (t) => t > windowStart && t <= nowMs,
  );
  if (recent.length >= limit) {
    const oldest = recent[recent.length - limit] ?? nowMs;
    const retryAfter = Math.max(1, Math.ceil((oldest + 60_000 - nowMs) / 1000));
    context.state.rateLimits[client.client_id] = recent;
    throw new TooManyRequests(
      retryAfter,
      `Client ${client.client_id} may request ${limit} tokens a minute and has used them all. Wait ${retryAfter} seconds, and cache tokens until shortly before they expire instead of asking for a new one each call.`,
      `${recent.length} requests in the last 60 s (limit ${limit}); next slot in ${retryAfter}s`,
    );
  }
  recent.push(nowMs);
  context.state.rateLimits[client.client_id] = recent;
  context.changed();
}

/**
 * The scope to grant: RFC 6749 §3.3 syntax, omitted means all the client's scopes, any scope
 * the client may not have is invalid_scope (or, with scopePolicy 'downscope', dropped).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function grantedScope(
  context: ServerContext,
  clientId: string,
  allowed: readonly string[],
  requested: string | undefined,
): string {
  if (requested === undefined) {
    if (allowed.length === 0) {
      throw new OAuthError(
        'invalid_scope',
        `Client ${clientId} is not allowed any scope. Register scopes for it (PUT /__admin/clients/${clientId}).`,
        { detail: 'no scope requested and the client has none' },
      );
    }
    return allowed.join(' ');
  }
  if (!SCOPE_SYNTAX.test(requested)) {
    throw new OAuthError(
      'invalid_scope',
      'scope is malformed. Separate scopes with single spaces and use no quotes, backslashes or control characters, e.g. scope=read:users read:orders.',
      { detail: `scope ${JSON.stringify(requested)} does not match RFC 6749 §3.3` },
    );
  }
  const wanted = [...new Set(requested.split(' '))];
  const refused = wanted.filter((s) => !allowed.includes(s));
  if (refused.length === 0) return wanted.join(' ');
  const grantable = wanted.filter((s) => allowed.includes(s));
  const allowedText = allowed.length ? allowed.join(' ') : 'none';
  if (context.state.settings.scopePolicy === 'downscope' && grantable.length > 0) {
    return grantable.join(' ');
  }
  throw new OAuthError(
    'invalid_scope',
    `Client ${clientId} may not have ${refused.join(' ')}. Its allowed scopes: ${allowedText}. Ask only for those, or omit scope to get all of them.`,
    {
      detail: `requested ${wanted.join(' ')}; refused ${refused.join(' ')}; policy ${context.state.settings.scopePolicy}`,
    },
  );
}

function normalizeUri(value: string): string | undefined {
  if (value.includes('#')) return undefined;
  try {
    return new URL(value).href;
  } catch {
    return undefined;
  }
}

/**
 * The audience of the token: `audience` (vendor style) or `resource` (RFC 8707, may repeat);
 * omitted means the API. Not an absolute URI without fragment, unknown, or several different
 * targets: invalid_target.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function requestedAudience(context: ServerContext, params: Params): string {
  const api = context.endpoints.audience;
  const given = [...params.all('audience'), ...params.all('resource')];
  if (given.length === 0) return api;
  const apiNormal = normalizeUri(api);
  const normalized = new Set<string>();
  for (const value of given) {
    const n = normalizeUri(value);
    if (n === undefined) {
      throw new OAuthError(
        'invalid_target',
        `${value} is not an absolute URI without a fragment. Use the API's URI: ${api}.`,
        { detail: `target ${JSON.stringify(value)} is not an absolute URI without fragment` },
      );
    }
    normalized.add(n);
  }
  if (normalized.size > 1) {
    throw new OAuthError(
      'invalid_target',
      `The request names different targets (${given.join(', ')}). This server issues tokens for one API: ${api}.`,
      { detail: `targets ${given.join(', ')}` },
    );
  }
  if (!normalized.has(apiNormal ?? api)) {
    throw new OAuthError(
      'invalid_target',
      `${given[0]} is not an API this server issues tokens for. Use ${api}, or omit audience and resource.`,
      { detail: `unknown target ${JSON.stringify(given[0])}` },
    );
  }
  return api;
}

const reuseKey = (clientId: string, scope: string, audience: string, jkt = '') =>
  `${clientId}\n${scope}\n${audience}\n${jkt}`;

/**
 * With `tokenReuse: same-second`, the token this client got for the same scope and audience
 * earlier in the current server second, if it is still good (not revoked, same key, same format
 * and lifetime). RFC 6749 neither requires nor forbids this; some servers cache their answers.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3
 */
export function reusableToken(
  context: ServerContext,
  clientId: string,
  scope: string,
  audience: string,
  options: { format: 'jwt' | 'opaque'; ttl: number; jkt?: string },
): { token: string; record: IssuedToken } | undefined {
  if (context.state.settings.tokenReuse !== 'same-second') return undefined;
  const last = stateMemory(context).lastIssued.get(
    reuseKey(clientId, scope, audience, options.jkt),
  );
  if (!last) return undefined;
  const { record } = last;
  const usable =
    record.iat === context.clock.now() &&
    record.format === options.format &&
    record.exp - record.iat === options.ttl &&
    context.state.revoked[record.jti] === undefined &&
    (record.format === 'opaque'
      ? context.state.opaque[last.token] !== undefined
      : last.kid === context.keys.active().stored.kid);
  return usable ? { token: last.token, record } : undefined;
}

function rememberForReuse(context: ServerContext, issued: { token: string; record: IssuedToken }) {
  if (context.state.settings.tokenReuse !== 'same-second') return;
  const { record } = issued;
  // one entry per client, scope and audience: the map stays as small as the client list
  stateMemory(context).lastIssued.set(
    reuseKey(record.client_id, record.scope, record.aud, record.jkt),
    {
      ...issued,
      kid: record.format === 'jwt' ? context.keys.active().stored.kid : undefined,
    },
  );
}

/** How many issued tokens the index keeps. */
export const ISSUED_INDEX_CAPACITY = 500;

/**
 * Sign (or mint an opaque) access token and remember it. With `jkt`, the token is bound to that
 * DPoP key: a JWT carries `cnf: {jkt}`, an opaque token's record keeps it for introspection.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6
 */
export async function issueAccessToken(
  context: ServerContext,
  clientId: string,
  scope: string,
  audience: string,
  options: { format: 'jwt' | 'opaque'; ttl: number; jkt?: string },
): Promise<{ token: string; record: IssuedToken }> {
  const iat = context.clock.now();
  const record: IssuedToken = {
    jti: crypto.randomUUID(),
    client_id: clientId,
    scope,
    aud: audience,
    iss: context.endpoints.issuer,
    iat,
    exp: iat + options.ttl,
    format: options.format,
    ...(options.jkt !== undefined && { jkt: options.jkt }),
  };
  let token: string;
  if (options.format === 'opaque') {
    token = randomToken(32);
    context.state.opaque[token] = record;
    stateMemory(context).opaqueAdded++;
  } else {
    token = await signAccessToken(
      context.keys.active(),
      {
        iss: record.iss,
        sub: clientId,
        aud: audience,
        client_id: clientId,
        scope,
        iat,
        exp: record.exp,
        jti: record.jti,
        ...(record.jkt !== undefined && { cnf: { jkt: record.jkt } }),
      },
      context.options.signer,
    );
  }
  const issued = context.state.issued;
  issued.push(record);
  if (issued.length > ISSUED_INDEX_CAPACITY + 50)
    issued.splice(0, issued.length - ISSUED_INDEX_CAPACITY);
  pruneSoon(context);
  context.changed();
  return { token, record };
}
