import { OAUTH_ERROR_CODES, type OAuthErrorCode } from '../protocol/data.ts';
import type { HttpRequestModel } from './http-request.ts';
import { findChallenge, parseWwwAuthenticate } from './parse-www-authenticate.ts';
import { getHeader, type RecordedExchange } from './send-request.ts';

/**
 * Every error the mock servers can answer with: the protocol core's one list, so a code added
 * there without an explanation here fails the typecheck (`errorExplanations` is a Record of it).
 */
export type ExplainedError = OAuthErrorCode;

export const explainedErrors: readonly ExplainedError[] = OAUTH_ERROR_CODES;

/** Where a rule comes from: an RFC section, with its link. */
export interface RfcReference {
  /** "RFC 6749 §5.2" */
  label: string;
  title: string;
  url: string;
}

/** What an error means and how to fix it, in plain words. */
export interface ErrorExplanation {
  code: ExplainedError;
  /** The HTTP status this error comes with (for `invalid_request`, the token endpoint's). */
  status: number;
  title: string;
  meaning: string;
  /** The first reference is the one that defines the code. */
  references: RfcReference[];
  /** Things to check or change, most likely first. */
  fix: string[];
}

/** An explanation applied to one exchange. */
export interface Explanation extends ErrorExplanation {
  /** What the server said (`error_description`), when it said anything. */
  serverSays?: string;
  /** Hints read from this request and response (what was sent, what the server asked for). */
  hints: string[];
}

const rfc = (n: number, section: string, title: string): RfcReference => ({
  label: `RFC ${n} §${section}`,
  title,
  url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}`,
});

const TOKEN_ERRORS = rfc(6749, '5.2', 'Error Response (token endpoint)');
const BEARER_ERRORS = rfc(6750, '3.1', 'Error Codes (protected resources)');

/** The explanations, one per error. */
export const errorExplanations: Readonly<Record<ExplainedError, ErrorExplanation>> = {
  invalid_request: {
    code: 'invalid_request',
    status: 400,
    title: 'The request is malformed',
    meaning:
      'The server could not read the request as OAuth defines it: a required parameter is missing (such as grant_type), a parameter is sent twice, the body is neither a form nor JSON, or the client authenticated in more than one way at once. At the API, it also means the token was sent somewhere other than the Authorization header.',
    references: [
      TOKEN_ERRORS,
      BEARER_ERRORS,
      rfc(6749, '3.2', 'Token Endpoint (parameters sent at most once)'),
      rfc(6750, '2.3', 'URI Query Parameter (why tokens do not belong in URLs)'),
    ],
    fix: [
      'Send grant_type=client_credentials.',
      'Send each parameter once, with Content-Type: application/x-www-form-urlencoded (or application/json).',
      'Authenticate one way only: either the Authorization: Basic header or client_id + client_secret in the body, not both.',
      'At the API, send the token only as Authorization: Bearer <token>, never as ?access_token= in the URL.',
    ],
  },
  invalid_client: {
    code: 'invalid_client',
    status: 401,
    title: 'The client could not be authenticated',
    meaning:
      'The server does not accept who you say you are: the client_id is unknown, the client_secret is wrong, the client sent no credentials, or its JWT assertion is invalid, expired or replayed. The server does not say which, so that an attacker cannot learn which client ids exist.',
    references: [
      TOKEN_ERRORS,
      rfc(6749, '2.3.1', 'Client Password'),
      rfc(7523, '3', 'JWT Format and Processing Requirements'),
    ],
    fix: [
      'Check the client_id and client_secret for typos and stray spaces (secrets are case-sensitive).',
      'With Basic auth, encode base64(form-urlencode(client_id) + ":" + form-urlencode(client_secret)).',
      "With private_key_jwt, sign a fresh assertion: header typ client-authentication+jwt; iss and sub = client_id; aud = the authorization server's issuer identifier, one string; a new jti; exp in the near future.",
    ],
  },
  invalid_grant: {
    code: 'invalid_grant',
    status: 400,
    title: 'The grant is invalid',
    meaning:
      'The authorization grant (an authorization code, refresh token or assertion grant) is invalid, expired, revoked or was issued to another client. The client credentials grant has no such grant: the client’s own credentials are the grant, so a bad secret gives invalid_client instead.',
    references: [TOKEN_ERRORS, rfc(6749, '4.4', 'Client Credentials Grant')],
    fix: [
      'For machine-to-machine calls use grant_type=client_credentials with no code or refresh_token.',
      'If you use another grant, get a fresh code or token: they are single-use and short-lived.',
    ],
  },
  unauthorized_client: {
    code: 'unauthorized_client',
    status: 400,
    title: 'This client may not use this grant',
    meaning:
      'The client authenticated fine, but it is not registered for the grant type it asked for (for example, a client set up only for the authorization code flow asking for client_credentials).',
    references: [TOKEN_ERRORS],
    fix: [
      'Use a client that is registered for the client credentials grant, or enable the grant for this client on the authorization server.',
    ],
  },
  unsupported_grant_type: {
    code: 'unsupported_grant_type',
    status: 400,
    title: 'The server does not support this grant type',
    meaning:
      'grant_type names a flow the authorization server does not offer here. This server issues tokens only for the client credentials grant.',
    references: [
      TOKEN_ERRORS,
      rfc(6749, '4.4.2', 'Access Token Request (client credentials)'),
      rfc(8414, '2', 'Authorization Server Metadata (grant_types_supported)'),
    ],
    fix: [
      'Send grant_type=client_credentials, spelled exactly so (lower case, underscore).',
      'Check grant_types_supported in the server metadata (/.well-known/oauth-authorization-server).',
    ],
  },
  invalid_scope: {
    code: 'invalid_scope',
    status: 400,
    title: 'The scope is not allowed',
    meaning:
      'The client asked for a scope it may not have, a scope that does not exist, or a malformed scope. Scopes are space-delimited and case-sensitive: read:user is not read:users.',
    references: [TOKEN_ERRORS, rfc(6749, '3.3', 'Access Token Scope')],
    fix: [
      'Ask only for scopes this client is allowed (or leave scope out to get all of them).',
      'Separate several scopes with single spaces, not commas: scope=read:users read:orders.',
      'Check the spelling and case of every scope against scopes_supported in the server metadata.',
    ],
  },
  invalid_target: {
    code: 'invalid_target',
    status: 400,
    title: 'The target API is unknown',
    meaning:
      'The resource (RFC 8707) or audience parameter names an API this server does not issue tokens for, or one this client may not call.',
    references: [rfc(8707, '2', 'Resource Parameter (invalid_target)')],
    fix: [
      'Leave resource/audience out to get a token for the default API, or use the API’s exact identifier (scheme, host, no trailing slash).',
    ],
  },
  unsupported_token_type: {
    code: 'unsupported_token_type',
    status: 400,
    title: 'The server cannot revoke this kind of token',
    meaning:
      'The revocation endpoint does not support revoking the type of token named by token_type_hint (or found). Unknown or already revoked tokens are not this error: revoking them succeeds quietly.',
    references: [rfc(7009, '2.2.1', 'Error Response (revocation)')],
    fix: ['Revoke access tokens with token_type_hint=access_token, or leave the hint out.'],
  },
  invalid_token: {
    code: 'invalid_token',
    status: 401,
    title: 'The API refused the access token',
    meaning:
      'The resource server checked the token and one check failed: it is malformed, signed with an algorithm or key the API does not trust, has the wrong typ, issuer or audience, has expired (or is not yet valid), or was revoked. error_description names the check.',
    references: [
      BEARER_ERRORS,
      rfc(9068, '4', 'Validating JWT Access Tokens'),
      rfc(7519, '4.1.4', '"exp" (Expiration Time) Claim'),
    ],
    fix: [
      'Paste the token into the JWT inspector and run the checks to see which one fails.',
      'If it expired, get a new token (cache tokens for expires_in minus a minute, then refresh).',
      'Make sure the token was issued by this issuer for this API (iss and aud).',
    ],
  },
  invalid_dpop_proof: {
    code: 'invalid_dpop_proof',
    status: 401,
    title: 'The DPoP proof was refused',
    meaning:
      'The request used DPoP, and its proof failed a check: it is missing or not one well-formed JWT, its typ is not dpop+jwt, its alg is not an asymmetric one on the list, its jwk is missing or private, its signature does not verify, its htm or htu name another request, its iat is outside the window, its ath names another token, or its jti was used before. The token endpoint answers it with 400, the API with 401 and a DPoP challenge.',
    references: [
      rfc(9449, '4.3', 'Checking DPoP Proofs'),
      rfc(9449, '7.1', 'The DPoP Authentication Scheme'),
    ],
    fix: [
      'Make a new proof for every request: a fresh jti, iat now, htm the method, htu the URL without its query.',
      'At the API, add ath: the base64url SHA-256 hash of the access token, and use Authorization: DPoP.',
      'Sign the proof with the private key whose public half is in its jwk header.',
    ],
  },
  use_dpop_nonce: {
    code: 'use_dpop_nonce',
    status: 400,
    title: 'The server wants a nonce in the DPoP proof',
    meaning:
      'The server hands out nonces and this proof did not carry the current one. It is not a failure so much as the first half of a round trip: the DPoP-Nonce header of this answer holds the nonce to put in the next proof. The token endpoint answers 400, the API 401 with a DPoP challenge.',
    references: [
      rfc(9449, '8', 'Authorization Server-Provided Nonce'),
      rfc(9449, '9', 'Resource Server-Provided Nonce'),
    ],
    fix: [
      'Make a new proof with the nonce claim set to the DPoP-Nonce header of this answer, and send the request again.',
      'Keep using that nonce until the server sends a new one in a DPoP-Nonce header.',
    ],
  },
  insufficient_scope: {
    code: 'insufficient_scope',
    status: 403,
    title: 'The token lacks the scope this endpoint needs',
    meaning:
      'The token is valid, but it was not granted the permission this endpoint requires. The scope parameter of the WWW-Authenticate header names the scope needed.',
    references: [BEARER_ERRORS, rfc(6749, '3.3', 'Access Token Scope')],
    fix: [
      'Request a new token with the scope named in WWW-Authenticate (the client must be allowed that scope).',
      'Scopes are matched exactly: read:user does not grant read:users.',
    ],
  },
  server_error: {
    code: 'server_error',
    status: 500,
    title: 'The server failed',
    meaning:
      'The authorization server hit an unexpected condition. It is the server’s fault, not the request’s. This mock answers it only when a fault was injected on purpose (PUT /__admin/faults, the Server page’s Faults panel); otherwise seeing it is a bug worth reporting.',
    references: [rfc(6749, '4.1.2.1', 'Error Response (server_error)')],
    fix: [
      'Retry later with backoff; if it persists, report it with the x-request-id of the response.',
    ],
  },
  temporarily_unavailable: {
    code: 'temporarily_unavailable',
    status: 503,
    title: 'The server is unavailable for now',
    meaning:
      'The server is overloaded or down for maintenance, and says so with 503. It may say when to try again in Retry-After. Here it is an injected fault (PUT /__admin/faults), to practise what a resilient client does.',
    references: [
      rfc(6749, '4.1.2.1', 'Error Response (temporarily_unavailable)'),
      rfc(9110, '15.6.4', '503 Service Unavailable'),
    ],
    fix: [
      'Retry later, after Retry-After when it is given, else with exponential backoff and jitter.',
      'Keep using a cached token that is still valid instead of failing the call.',
    ],
  },
  missing_token: {
    code: 'missing_token',
    status: 401,
    title: 'No access token was sent',
    meaning:
      'The API needs a bearer token and the request had none. The server answers with a Bearer challenge and, as RFC 6750 asks, without an error code: the client simply did not try to authenticate.',
    references: [BEARER_ERRORS, rfc(6750, '2.1', 'Authorization Request Header Field')],
    fix: [
      'Get a token from the token endpoint first.',
      'Send it as the header Authorization: Bearer <access_token> (one space after Bearer).',
    ],
  },
  too_many_requests: {
    code: 'too_many_requests',
    status: 429,
    title: 'Too many requests',
    meaning:
      'The client went over its rate limit. Retry-After says how many seconds to wait before trying again. Clients that fetch a new token before every API call hit this first.',
    references: [rfc(6585, '4', '429 Too Many Requests'), rfc(9110, '10.2.3', 'Retry-After')],
    fix: [
      'Wait the number of seconds in Retry-After before the next token request; do not retry in a loop.',
      'Cache the token and reuse it until shortly before it expires (expires_in minus 60 seconds).',
    ],
  },
  method_not_allowed: {
    code: 'method_not_allowed',
    status: 405,
    title: 'Wrong HTTP method for this endpoint',
    meaning:
      'The path exists but does not accept this method. The Allow header lists the methods it does accept.',
    references: [rfc(9110, '15.5.6', '405 Method Not Allowed'), rfc(9110, '10.2.1', 'Allow')],
    fix: [
      'Use a method listed in the Allow header: the token endpoint takes POST, discovery and the API reads take GET.',
    ],
  },
  not_found: {
    code: 'not_found',
    status: 404,
    title: 'No such endpoint',
    meaning: 'Nothing answers at this path on this host.',
    references: [
      rfc(9110, '15.5.5', '404 Not Found'),
      rfc(8414, '3', 'Obtaining Authorization Server Metadata'),
    ],
    fix: [
      'Check the host and path: the token endpoint is on the issuer (/oauth/token), the API on its own host (/api/v1/...).',
      'Read the endpoint URLs from the server metadata at /.well-known/oauth-authorization-server instead of guessing.',
    ],
  },
};

function isExplained(code: string | undefined): code is ExplainedError {
  return code !== undefined && (explainedErrors as readonly string[]).includes(code);
}

function bodyField(exchange: RecordedExchange, field: string): string | undefined {
  const json = exchange.json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const v = (json as Record<string, unknown>)[field];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function requestParams(request: HttpRequestModel): Map<string, string[]> {
  const params = new Map<string, string[]>();
  const add = (k: string, v: string) => params.set(k, [...(params.get(k) ?? []), v]);
  const type = (getHeader(request.headers, 'content-type') ?? '').toLowerCase();
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(request.body);
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [k, v] of Object.entries(parsed))
          add(k, typeof v === 'string' ? v : JSON.stringify(v));
      }
    } catch {
      // a body that is not JSON is its own hint, below
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(request.body)) add(k, v);
  }
  return params;
}

function hintsFor(code: ExplainedError, exchange: RecordedExchange): string[] {
  const hints: string[] = [];
  const { request } = exchange;
  const params = requestParams(request);
  const sent = (k: string) => params.get(k)?.[0];
  const authorization = getHeader(request.headers, 'authorization');
  const contentType = getHeader(request.headers, 'content-type');
  const challenges = parseWwwAuthenticate(getHeader(exchange.headers, 'www-authenticate') ?? '');
  switch (code) {
    case 'invalid_request': {
      if (/[?&]access_token=/.test(request.url)) {
        hints.push(
          'The URL carries ?access_token=: the API refuses tokens in the query string. Use the Authorization header.',
        );
      }
      if (request.method === 'POST' && request.url.includes('/oauth/')) {
        if (contentType === undefined) hints.push('The request has no Content-Type header.');
        else if (!/application\/(json|x-www-form-urlencoded)/i.test(contentType)) {
          hints.push(
            `Content-Type is ${contentType}; the token endpoint reads application/x-www-form-urlencoded or application/json.`,
          );
        }
        if (request.url.endsWith('/token') && sent('grant_type') === undefined && params.size > 0) {
          hints.push('The body has no grant_type.');
        }
        const twice = [...params].filter(([, v]) => v.length > 1).map(([k]) => k);
        if (twice.length > 0) hints.push(`Sent more than once: ${twice.join(', ')}.`);
        const methods = [
          authorization !== undefined && /^basic\s/i.test(authorization)
            ? 'the Basic header'
            : undefined,
          sent('client_secret') !== undefined ? 'client_secret in the body' : undefined,
          sent('client_assertion') !== undefined ? 'client_assertion in the body' : undefined,
        ].filter((m) => m !== undefined);
        if (methods.length > 1)
          hints.push(
            `The client authenticated ${methods.length} ways at once: ${methods.join(' and ')}.`,
          );
      }
      break;
    }
    case 'invalid_client':
      if (authorization !== undefined && /^basic\s/i.test(authorization)) {
        hints.push(
          'You used HTTP Basic: check that the header decodes to client_id:client_secret.',
        );
      } else if (sent('client_assertion') !== undefined) {
        hints.push(
          'You used a client assertion: check its iss, sub, aud, exp and that its jti is new.',
        );
      } else if (sent('client_id') === undefined) {
        hints.push('The request carries no client_id at all.');
      } else if (sent('client_secret') === undefined) {
        hints.push(`client_id ${sent('client_id')} was sent without a client_secret.`);
      }
      break;
    case 'unsupported_grant_type': {
      const g = sent('grant_type');
      if (g !== undefined) hints.push(`You sent grant_type=${g}.`);
      break;
    }
    case 'invalid_scope': {
      const s = sent('scope');
      if (s !== undefined) {
        hints.push(`You asked for: ${s.split(' ').filter(Boolean).join(', ')}.`);
        if (s.includes(',')) hints.push('The scope contains commas: separate scopes with spaces.');
      }
      break;
    }
    case 'invalid_target': {
      const t = sent('resource') ?? sent('audience');
      if (t !== undefined) hints.push(`You asked for a token for ${t}.`);
      break;
    }
    case 'use_dpop_nonce': {
      const nonce = getHeader(exchange.headers, 'dpop-nonce');
      if (nonce !== undefined)
        hints.push(`DPoP-Nonce: ${nonce} — put it in the nonce claim of the next proof.`);
      break;
    }
    case 'temporarily_unavailable':
    case 'server_error': {
      const retryAfter = getHeader(exchange.headers, 'retry-after');
      if (retryAfter !== undefined)
        hints.push(`Retry-After: ${retryAfter} — wait that long before trying again.`);
      break;
    }
    case 'insufficient_scope': {
      const needed = (findChallenge(challenges, 'bearer') ?? findChallenge(challenges, 'dpop'))
        ?.params.scope;
      if (needed !== undefined) hints.push(`This endpoint needs the scope ${needed}.`);
      break;
    }
    case 'missing_token':
      if (authorization !== undefined) {
        hints.push(
          `An Authorization header was sent ("${authorization.split(' ')[0]} ..."), but not as "Bearer <token>".`,
        );
      }
      break;
    case 'too_many_requests': {
      const retryAfter = getHeader(exchange.headers, 'retry-after');
      if (retryAfter !== undefined)
        hints.push(`Retry-After: ${retryAfter} — wait that long before the next request.`);
      break;
    }
    case 'method_not_allowed': {
      const allow = getHeader(exchange.headers, 'allow');
      if (allow !== undefined)
        hints.push(`You sent ${request.method}; this endpoint allows ${allow}.`);
      break;
    }
    case 'not_found':
      hints.push(`Nothing at ${request.method} ${request.url}.`);
      break;
    default:
      break;
  }
  return hints;
}

/**
 * Explain a failed exchange in plain words: what the error means, where the rule comes from, and
 * how to fix the request. Reads the status (404, 405, 429 first), then the JSON body's `error`,
 * then the `error` of a `WWW-Authenticate` challenge, and takes a bare 401 Bearer challenge as a
 * missing token. Undefined for successes and for errors it does not know.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function explainResponse(exchange: RecordedExchange): Explanation | undefined {
  if (exchange.status < 400) return undefined;
  const challenges = parseWwwAuthenticate(getHeader(exchange.headers, 'www-authenticate') ?? '');
  const challengeError = challenges.find((c) => c.params.error !== undefined)?.params;
  const bodyError = bodyField(exchange, 'error');
  let code: ExplainedError | undefined;
  if (exchange.status === 429) code = 'too_many_requests';
  else if (exchange.status === 405) code = 'method_not_allowed';
  else if (exchange.status === 404) code = 'not_found';
  else if (isExplained(bodyError)) code = bodyError;
  else if (isExplained(challengeError?.error)) code = challengeError.error;
  else if (exchange.status === 401 && findChallenge(challenges, 'bearer')) code = 'missing_token';
  if (code === undefined) return undefined;
  const explanation: Explanation = { ...errorExplanations[code], hints: hintsFor(code, exchange) };
  const says = bodyField(exchange, 'error_description') ?? challengeError?.error_description;
  if (says !== undefined) explanation.serverSays = says;
  return explanation;
}
