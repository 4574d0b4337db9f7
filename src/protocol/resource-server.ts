import { compactVerify } from 'jose';
import { leeway, type ServerContext } from './context.ts';
import {
  boundThumbprint,
  checkDpopProof,
  DPOP_ALGS,
  type DpopProof,
  dpopNonceHeaders,
} from './dpop.ts';
import {
  DpopChallenge,
  InsufficientScope,
  InvalidBearerRequest,
  InvalidToken,
  MissingToken,
  NotFound,
  OAuthError,
} from './errors.ts';
import { json, type ProtocolResponse } from './http.ts';
import { audienceIncludes, parseCompactJwt } from './jwt.ts';
import { mediaType, parsedOrThrow, readText } from './parse-body.ts';
import { type ParsedJson, parseJson } from './parse-json.ts';
import { redactForm, redactJson } from './redact.ts';
import { tokenTimeProblem } from './resource-checks.ts';
import { scopesOf } from './scope.ts';
import { SAMPLE_USERS } from './seed.ts';
import type { Order } from './state.ts';
import { check, checkAsync, type Trace } from './trace.ts';

/** The JWS algorithms an access token may use. Never none, never HMAC. */
export const ACCESS_TOKEN_ALGS = ['ES256', 'RS256'] as const;

/** What a verified access token says. */
export interface VerifiedToken {
  format: 'jwt' | 'opaque';
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  iat: number | undefined;
  exp: number;
  jti: string | undefined;
  /** The DPoP key the token is bound to (`cnf.jkt`), if it is. */
  jkt: string | undefined;
}

const fail = (context: ServerContext, check: string, description: string, detail: string) =>
  new InvalidToken(
    context.endpoints.apiOrigin,
    `The access token failed the ${check} check: ${description}`,
    detail,
  );

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Verify an access token with the resource server's ordered checks, recording each in `trace`.
 * A JWT: well-formed, alg, typ, kid, signature, iss, aud, exp/nbf/iat, not revoked. A token
 * with no dots is looked up as an opaque token. Throws InvalidToken naming the failed check.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export async function verifyAccessToken(
  token: string,
  context: ServerContext,
  trace: Trace,
): Promise<VerifiedToken> {
  const { endpoints, clock } = context;
  const now = clock.now();
  const skew = leeway(context);

  if (!token.includes('.')) {
    const record = check(trace, 'lookupOpaqueToken', () => {
      const found = context.state.opaque[token];
      if (!found) {
        throw fail(
          context,
          'lookup',
          'this server never issued it (or has forgotten it). Get a new token from the token endpoint.',
          'no dots, not in the opaque-token index',
        );
      }
      return found;
    });
    checkTimes(context, trace, { exp: record.exp, iat: record.iat }, now, skew);
    checkNotRevoked(context, trace, record.jti);
    return {
      format: 'opaque',
      iss: record.iss,
      sub: record.client_id,
      aud: record.aud,
      client_id: record.client_id,
      scope: record.scope,
      iat: record.iat,
      exp: record.exp,
      jti: record.jti,
      jkt: record.jkt,
    };
  }

  const { header, payload } = check(trace, 'checkWellFormed', () => {
    const parsed = parseCompactJwt(token);
    if (typeof parsed === 'string') {
      throw fail(
        context,
        'well-formed',
        `it is not a JWT (${parsed}). Send the access_token exactly as issued.`,
        parsed,
      );
    }
    return parsed;
  });

  const alg = check(trace, 'checkAlg', () => {
    const value = header.alg;
    if (!(ACCESS_TOKEN_ALGS as readonly unknown[]).includes(value)) {
      throw fail(
        context,
        'alg',
        `alg ${String(value)} is not accepted (only ${ACCESS_TOKEN_ALGS.join(', ')}; never none or HMAC).`,
        `header alg ${JSON.stringify(value)}`,
      );
    }
    return value as (typeof ACCESS_TOKEN_ALGS)[number];
  });

  check(trace, 'checkTyp', () => {
    const typ = str(header.typ);
    if (typ === undefined || !/^(application\/)?at\+jwt$/i.test(typ)) {
      throw fail(
        context,
        'typ',
        `typ is ${typ ?? 'missing'}, an access token has typ at+jwt (RFC 9068). Do not use an ID token or another JWT as an access token.`,
        `header typ ${JSON.stringify(header.typ)}`,
      );
    }
  });

  const key = check(trace, 'checkKid', () => {
    const kid = str(header.kid);
    const found = kid === undefined ? undefined : context.keys.find(kid);
    if (!found) {
      throw fail(
        context,
        'kid',
        `kid ${kid ?? '(missing)'} is not in the server's JWKS (${endpoints.jwks}); the key may have been retired. Get a new token.`,
        `kid ${JSON.stringify(header.kid)}; known: ${context.keys
          .jwks()
          .keys.map((k) => k.kid)
          .join(', ')}`,
      );
    }
    return found;
  });

  await checkAsync(trace, 'checkSignature', async () => {
    if (key.stored.alg !== alg) {
      throw fail(
        context,
        'signature',
        `the key ${key.stored.kid} is a ${key.stored.alg} key, the token says ${alg}.`,
        'alg/key mismatch',
      );
    }
    try {
      await compactVerify(token, key.publicKey, { algorithms: [alg] });
    } catch (error) {
      throw fail(
        context,
        'signature',
        'the signature does not match the header and payload. The token was changed or signed by someone else.',
        `compactVerify: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });

  check(trace, 'checkIssuer', () => {
    if (payload.iss !== endpoints.issuer) {
      throw fail(
        context,
        'iss',
        `iss is ${String(payload.iss)}, this API trusts only ${endpoints.issuer}. Get a token from that issuer.`,
        `iss ${JSON.stringify(payload.iss)}`,
      );
    }
  });

  check(trace, 'checkAudience', () => {
    if (!audienceIncludes(payload.aud, endpoints.audience)) {
      throw fail(
        context,
        'aud',
        `aud does not name this API (${endpoints.audience}). Request the token with audience or resource ${endpoints.audience}.`,
        `aud ${JSON.stringify(payload.aud)}`,
      );
    }
  });

  const times = checkTimes(context, trace, payload, now, skew);
  const jti = str(payload.jti);
  checkNotRevoked(context, trace, jti);
  const clientId = str(payload.client_id) ?? str(payload.sub) ?? '';
  return {
    format: 'jwt',
    iss: endpoints.issuer,
    sub: str(payload.sub) ?? clientId,
    aud: payload.aud as string | string[],
    client_id: clientId,
    scope: str(payload.scope) ?? '',
    iat: times.iat,
    exp: times.exp,
    jti,
    jkt: boundThumbprint(payload),
  };
}

function checkTimes(
  context: ServerContext,
  trace: Trace,
  claims: Record<string, unknown>,
  now: number,
  skew: number,
): { exp: number; iat: number | undefined } {
  return check(trace, 'checkTimes', () => {
    const problem = tokenTimeProblem(claims, now, skew);
    if (problem?.problem === 'missing') {
      throw fail(
        context,
        'exp',
        'it has no numeric exp claim. Use a token from the token endpoint.',
        `exp ${JSON.stringify(claims.exp)}`,
      );
    }
    if (problem?.problem === 'expired') {
      throw fail(
        context,
        'exp',
        `it expired ${now - problem.exp} seconds ago (allowed clock skew ${skew} s). Get a new token.`,
        `exp ${problem.exp}, server time ${now}, leeway ${skew}`,
      );
    }
    if (problem?.problem === 'not-yet') {
      throw fail(
        context,
        'nbf',
        `it is not valid until ${String(problem.nbf)} (server time ${now}, skew ${skew} s). Wait, or check the clocks.`,
        `nbf ${JSON.stringify(problem.nbf)}, server time ${now}`,
      );
    }
    if (problem?.problem === 'future') {
      throw fail(
        context,
        'iat',
        `it claims to be issued in the future (iat ${String(problem.iat)}, server time ${now}). Check the clocks.`,
        `iat ${JSON.stringify(problem.iat)}, server time ${now}`,
      );
    }
    const { exp, iat } = claims as { exp: number; iat?: unknown };
    return { exp, iat: typeof iat === 'number' ? iat : undefined };
  });
}

function checkNotRevoked(context: ServerContext, trace: Trace, jti: string | undefined): void {
  check(trace, 'checkNotRevoked', () => {
    if (jti !== undefined && context.state.revoked[jti] !== undefined) {
      throw fail(
        context,
        'revoked',
        'it was revoked. Get a new token.',
        `jti ${jti} is on the revocation list`,
      );
    }
  });
}

/** Paths of the resource API and the scope each needs. */
export type ApiRoute =
  | { action: 'listUsers'; scope: 'read:users' }
  | { action: 'listOrders'; scope: 'read:orders' }
  | { action: 'getOrder'; scope: 'read:orders'; id: string }
  | { action: 'createOrder'; scope: 'write:orders' };

/** `Authorization: Bearer <token>` or `Authorization: DPoP <token>` (RFC 6750 §2.1, RFC 9449 §7.1). */
const CREDENTIALS = /^(bearer|dpop) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** How the token was presented. */
type Scheme = 'Bearer' | 'DPoP';

/**
 * Re-shape a token check's refusal as a DPoP challenge: a request made with the DPoP scheme (or
 * with a DPoP-bound token) is told so in `WWW-Authenticate: DPoP`, naming the proof algorithms.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
function asDpopChallenge(error: unknown, nonce: Record<string, string>): unknown {
  if (error instanceof InvalidToken) {
    return new DpopChallenge('invalid_token', error.description, {
      algs: DPOP_ALGS,
      ...(error.detail !== undefined && { detail: error.detail }),
      ...(nonce['DPoP-Nonce'] !== undefined && { nonce: nonce['DPoP-Nonce'] }),
    });
  }
  return error;
}

/**
 * Serve one API request: refuse tokens outside the Authorization header, verify the bearer
 * token, check the route's scope, then act.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
export async function serveApi(
  request: Request,
  url: URL,
  route: ApiRoute,
  context: ServerContext,
  trace: Trace,
): Promise<ProtocolResponse> {
  const realm = context.endpoints.apiOrigin;

  check(trace, 'rejectQueryToken', () => {
    if (url.searchParams.has('access_token')) {
      throw new InvalidBearerRequest(
        realm,
        'The access token was sent in the query string, where logs and browser history keep it. Send it only in the Authorization: Bearer header.',
        'access_token query parameter present',
      );
    }
  });

  // Read whatever the request carries (not `request.body !== null`: Firefox has no `body`).
  const bodyText = (await readText(request)) || undefined;
  const bodyType = mediaType(request);
  // Parsed once, for the log and for the orders route; the log never holds the raw text.
  const bodyJson =
    bodyText !== undefined && bodyType === 'application/json' ? parseJson(bodyText) : undefined;
  if (bodyText !== undefined) {
    if (bodyType === 'application/x-www-form-urlencoded') {
      const pairs = [...new URLSearchParams(bodyText)];
      trace.requestBody = redactForm(pairs);
      check(trace, 'rejectBodyToken', () => {
        if (pairs.some(([k]) => k === 'access_token')) {
          throw new InvalidBearerRequest(
            realm,
            'The access token was sent in a form body. This API reads it only from the Authorization: Bearer header.',
            'access_token form parameter present',
          );
        }
      });
    } else if (bodyJson?.ok) {
      trace.requestBody = JSON.stringify(redactJson(bodyJson.value));
    } else {
      trace.requestBody = `[${bodyText.length} characters of ${bodyJson ? 'malformed JSON' : bodyType || 'untyped text'}, not logged: only JSON and form bodies are, redacted]`;
    }
  }

  const { scheme, token } = check(trace, 'extractBearerToken', () => {
    const header = request.headers.get('authorization');
    if (header === null || !/^(bearer|dpop)(\s|$)/i.test(header.trim())) {
      throw new MissingToken(
        realm,
        header === null
          ? 'No access token. Send Authorization: Bearer <access_token>.'
          : 'The Authorization header is neither a Bearer nor a DPoP token. Send Authorization: Bearer <access_token>.',
      );
    }
    const match = CREDENTIALS.exec(header.trim());
    if (!match) {
      const dpop = /^dpop/i.test(header.trim());
      const description = `The Authorization header is malformed. Send exactly: ${dpop ? 'DPoP' : 'Bearer'}, one space, the token.`;
      throw dpop
        ? new DpopChallenge('invalid_request', description, {
            algs: DPOP_ALGS,
            detail: 'DPoP credentials do not match the token68 syntax',
          })
        : new InvalidBearerRequest(
            realm,
            description,
            'Bearer credentials do not match the b64token syntax',
          );
    }
    return {
      scheme: (match[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer') as Scheme,
      token: match[2] as string,
    };
  });

  // The DPoP scheme: the proof first (it names the token in ath), then the token.
  let proof: DpopProof | undefined;
  if (scheme === 'DPoP') {
    proof = await checkDpopProof({ request, context, trace, audience: 'api', accessToken: token });
  }
  const nonce = scheme === 'DPoP' ? dpopNonceHeaders(context, 'api') : {};
  let verified: VerifiedToken;
  try {
    verified = await verifyAccessToken(token, context, trace);
  } catch (error) {
    throw scheme === 'DPoP' ? asDpopChallenge(error, nonce) : error;
  }
  trace.clientId = verified.client_id;

  // RFC 9449 §7.1 and §7.2: a DPoP-bound token only with a proof by its key, never as Bearer.
  const bound = verified.jkt;
  if (scheme === 'DPoP' || bound !== undefined) {
    check(trace, 'checkDpopBinding', () => {
      const refuse = (description: string, detail: string) =>
        new DpopChallenge('invalid_token', description, {
          algs: DPOP_ALGS,
          detail,
          ...(nonce['DPoP-Nonce'] !== undefined && { nonce: nonce['DPoP-Nonce'] }),
        });
      if (bound === undefined) {
        throw refuse(
          'The access token is not DPoP-bound (it has no cnf.jkt), so the DPoP scheme does not apply. Send it as Authorization: Bearer, or get a DPoP-bound token by sending a DPoP proof to the token endpoint.',
          'DPoP scheme with an unbound token',
        );
      }
      if (proof === undefined) {
        throw refuse(
          'The access token is DPoP-bound: it is only accepted with Authorization: DPoP and a DPoP proof signed by its key, never as a Bearer token.',
          `bound token (cnf.jkt ${bound}) sent with the Bearer scheme`,
        );
      }
      if (proof.jkt !== bound) {
        throw refuse(
          "The DPoP proof is signed by a different key than the one the access token is bound to. Only the key's holder can use this token.",
          `cnf.jkt ${bound}, proof key ${proof.jkt}`,
        );
      }
    });
  }

  check(trace, 'checkScope', () => {
    const granted = scopesOf(verified.scope);
    if (!granted.includes(route.scope)) {
      const description = `This call needs scope ${route.scope}; the token has ${granted.length ? granted.join(' ') : 'no scopes'}. Request a token with scope ${route.scope}.`;
      const detail = `token scope ${JSON.stringify(verified.scope)}`;
      throw scheme === 'DPoP'
        ? new DpopChallenge('insufficient_scope', description, {
            algs: DPOP_ALGS,
            scope: route.scope,
            detail,
          })
        : new InsufficientScope(realm, route.scope, description, detail);
    }
  });

  const noStore = { 'Cache-Control': 'no-store', ...nonce };
  switch (route.action) {
    case 'listUsers':
      return json(200, { users: SAMPLE_USERS }, noStore);
    case 'listOrders':
      return json(200, { orders: context.state.orders }, noStore);
    case 'getOrder': {
      const order = context.state.orders.find((o) => o.id === route.id);
      if (!order) throw new NotFound(`No order ${route.id}. List orders with GET /api/v1/orders.`);
      return json(200, order, noStore);
    }
    case 'createOrder': {
      const order = check(trace, 'validateOrder', () =>
        parseOrder(request, bodyText, bodyJson, verified.client_id, context),
      );
      context.state.orders.push(order);
      if (context.state.orders.length > 500)
        context.state.orders.splice(0, context.state.orders.length - 500);
      context.changed();
      return json(201, order, { ...noStore, Location: `${realm}/api/v1/orders/${order.id}` });
    }
  }
}

function parseOrder(
  request: Request,
  text: string | undefined,
  parsed: ParsedJson | undefined,
  clientId: string,
  context: ServerContext,
): Order {
  const invalid = (description: string, detail: string) =>
    new OAuthError('invalid_request', `${description} Send {"item": "Keyboard", "quantity": 1}.`, {
      detail,
    });
  if (text === undefined || text.trim() === '')
    throw invalid('The order body is empty.', 'no body');
  if (parsed === undefined) {
    throw invalid(
      'The order must be JSON with Content-Type: application/json.',
      `Content-Type ${request.headers.get('content-type')}`,
    );
  }
  const value = parsedOrThrow(
    parsed,
    'The order body is not valid JSON. Send {"item": "Keyboard", "quantity": 1}.',
  );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(
      'The order must be a JSON object.',
      `body is ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  const { item, quantity } = value as Record<string, unknown>;
  if (typeof item !== 'string' || item.trim() === '' || item.length > 100) {
    throw invalid(
      'item must be a non-empty string of at most 100 characters.',
      `item ${JSON.stringify(item)}`,
    );
  }
  if (
    typeof quantity !== 'number' ||
    !Number.isInteger(quantity) ||
    quantity < 1 ||
    quantity > 1000
  ) {
    throw invalid(
      'quantity must be a whole number from 1 to 1000.',
      `quantity ${JSON.stringify(quantity)}`,
    );
  }
  const id = `ord_${context.state.nextOrderNumber++}`;
  return {
    id,
    item: item.trim(),
    quantity,
    status: 'pending',
    created_by: clientId,
    created_at: context.clock.now(),
  };
}
