/**
 * The catalog of conformance checks: every check the runner can report, with its id, title, the
 * RFC section it comes from and its usual level. The runner records results against these ids;
 * docs/conformance.md explains each one.
 */

/** How strongly the RFC asks for the behaviour (RFC 2119 words, plus INFO for observations). */
export type Level = 'MUST' | 'SHOULD' | 'INFO';

/** What happened: pass, fail, skipped (with the reason) or observed (behaviour the RFCs leave open). */
export type Outcome = 'pass' | 'fail' | 'skipped' | 'observed';

export type Group =
  | 'discovery'
  | 'token'
  | 'access-token'
  | 'negative'
  | 'introspection'
  | 'revocation'
  | 'api';

export const GROUP_TITLES: Record<Group, string> = {
  discovery: 'Discovery and metadata',
  token: 'Token endpoint: happy paths',
  'access-token': 'JWT access token (RFC 9068)',
  negative: 'Token endpoint: negatives, edge cases and security',
  introspection: 'Introspection (RFC 7662)',
  revocation: 'Revocation (RFC 7009)',
  api: 'Resource API (RFC 6750)',
};

export interface CheckDefinition {
  group: Group;
  title: string;
  /** e.g. "RFC 6749 §5.1" */
  rfc: string;
  level: Level;
}

const check = (group: Group, level: Level, rfc: string, title: string): CheckDefinition => ({
  group,
  level,
  rfc,
  title,
});

export const CHECKS = {
  'discovery.metadata': check(
    'discovery',
    'MUST',
    'RFC 8414 §3, OIDC Discovery §4',
    'Metadata is published at a well-known URL as a JSON object',
  ),
  'discovery.issuer': check(
    'discovery',
    'MUST',
    'RFC 8414 §3.3',
    'The metadata issuer is identical to the issuer asked for',
  ),
  'discovery.token-endpoint': check(
    'discovery',
    'MUST',
    'RFC 8414 §2',
    'token_endpoint is present and an absolute URL',
  ),
  'discovery.tls': check(
    'discovery',
    'MUST',
    'RFC 6749 §3.2, RFC 8414 §2',
    'Issuer and endpoints use https',
  ),
  'discovery.response-types': check(
    'discovery',
    'MUST',
    'RFC 8414 §2',
    'response_types_supported is present (REQUIRED)',
  ),
  'discovery.grant-types': check(
    'discovery',
    'SHOULD',
    'RFC 8414 §2',
    'grant_types_supported lists client_credentials',
  ),
  'discovery.auth-methods': check(
    'discovery',
    'INFO',
    'RFC 8414 §2, RFC 6749 §2.3',
    'Client authentication methods advertised',
  ),
  'discovery.auth-signing-algs': check(
    'discovery',
    'MUST',
    'RFC 8414 §2',
    'JWT client auth advertises its signing algs, never "none"',
  ),
  'discovery.scopes': check('discovery', 'INFO', 'RFC 8414 §2', 'Scopes advertised'),
  'discovery.jwks': check(
    'discovery',
    'MUST',
    'RFC 8414 §2, RFC 7517 §5',
    'jwks_uri answers a JSON Web Key Set',
  ),
  'discovery.jwks-public-only': check(
    'discovery',
    'MUST',
    'RFC 7517 §9, RFC 7518 §6.2.2, §6.3.2',
    'The JWKS holds public keys only (no d, p, q, k ...)',
  ),
  'discovery.jwks-kid': check(
    'discovery',
    'SHOULD',
    'RFC 7517 §4.5',
    'Every key in the JWKS has a kid',
  ),

  'token.client-secret-basic': check(
    'token',
    'MUST',
    'RFC 6749 §4.4, §2.3.1',
    'Token with client_secret_basic (HTTP Basic)',
  ),
  'token.client-secret-post': check(
    'token',
    'MUST',
    'RFC 6749 §4.4, §2.3.1',
    'Token with client_secret_post (secret in the body)',
  ),
  'token.private-key-jwt': check(
    'token',
    'MUST',
    'RFC 7523 §2.2, §3',
    'Token with private_key_jwt (signed client assertion)',
  ),
  'token.content-type': check(
    'token',
    'MUST',
    'RFC 6749 §5.1',
    'Token response is application/json',
  ),
  'token.cache-control': check(
    'token',
    'MUST',
    'RFC 6749 §5.1',
    'Token response has Cache-Control: no-store',
  ),
  'token.pragma': check(
    'token',
    'SHOULD',
    'RFC 6749 §5.1',
    'Token response has Pragma: no-cache (dropped by OAuth 2.1)',
  ),
  'token.token-type': check(
    'token',
    'MUST',
    'RFC 6749 §5.1, §7.1, RFC 6750 §4',
    'token_type is Bearer (case-insensitive)',
  ),
  'token.expires-in': check(
    'token',
    'SHOULD',
    'RFC 6749 §5.1',
    'expires_in is a positive number of seconds',
  ),
  'token.no-refresh-token': check(
    'token',
    'SHOULD',
    'RFC 6749 §4.4.3',
    'No refresh_token for client credentials',
  ),
  'token.scope': check('token', 'INFO', 'RFC 6749 §3.3, §5.1', 'Granted scope'),
  'token.new-token-each-request': check(
    'token',
    'INFO',
    'RFC 6749 §4.4.3',
    'Two requests in a row: a new token or the same one',
  ),

  'access-token.format': check(
    'access-token',
    'INFO',
    'RFC 9068 §2',
    'Access token format (JWT or opaque)',
  ),
  'access-token.alg': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.1, RFC 8725 §3.1',
    'Signed with an asymmetric alg, never "none"',
  ),
  'access-token.typ': check('access-token', 'MUST', 'RFC 9068 §2.1', 'Header typ is at+jwt'),
  'access-token.signature': check(
    'access-token',
    'MUST',
    'RFC 9068 §4, RFC 7515',
    'Signature verifies against the JWKS',
  ),
  'access-token.iss': check('access-token', 'MUST', 'RFC 9068 §2.2', 'iss is the issuer'),
  'access-token.exp': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.2',
    'exp is present, in the future, and matches expires_in',
  ),
  'access-token.aud': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.2, RFC 8707 §2',
    'aud is present (and names the requested audience)',
  ),
  'access-token.sub': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.2',
    'sub is present (the client, for client credentials)',
  ),
  'access-token.client-id': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.2',
    'client_id is the client',
  ),
  'access-token.iat': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.2',
    'iat is present and not in the future',
  ),
  'access-token.jti': check(
    'access-token',
    'MUST',
    'RFC 9068 §2.2',
    'jti is present and differs between tokens',
  ),

  'negative.wrong-secret-basic': check(
    'negative',
    'MUST',
    'RFC 6749 §5.2',
    'Wrong secret with Basic: 401 invalid_client and WWW-Authenticate',
  ),
  'negative.wrong-secret-post': check(
    'negative',
    'MUST',
    'RFC 6749 §5.2',
    'Wrong secret in the body: invalid_client',
  ),
  'negative.unknown-client': check(
    'negative',
    'MUST',
    'RFC 6749 §5.2',
    'Unknown client_id: invalid_client',
  ),
  'negative.missing-grant-type': check(
    'negative',
    'MUST',
    'RFC 6749 §5.2',
    'Missing grant_type: 400 invalid_request',
  ),
  'negative.unsupported-grant-type': check(
    'negative',
    'MUST',
    'RFC 6749 §5.2',
    'Unknown grant_type: 400 unsupported_grant_type',
  ),
  'negative.unknown-scope': check(
    'negative',
    'MUST',
    'RFC 6749 §3.3, §5.1, §5.2',
    'Unknown scope: invalid_scope, or a down-scoped token that says so',
  ),
  'negative.many-scopes': check(
    'negative',
    'SHOULD',
    'RFC 6749 §3.3',
    'A 50-scope request gets a token or a clean 400, never a 5xx',
  ),
  'negative.duplicate-parameter': check(
    'negative',
    'SHOULD',
    'RFC 6749 §3.2, §5.2',
    'A parameter sent twice: 400 invalid_request',
  ),
  'negative.two-auth-methods': check(
    'negative',
    'SHOULD',
    'RFC 6749 §2.3',
    'Basic and client_secret in one request: refused',
  ),
  'negative.get-method': check(
    'negative',
    'SHOULD',
    'RFC 6749 §3.2',
    'GET on the token endpoint issues no token',
  ),
  'negative.credentials-in-query': check(
    'negative',
    'SHOULD',
    'RFC 6749 §2.3.1, §3.2',
    'Credentials in the query string do not authenticate',
  ),
  'negative.error-format': check(
    'negative',
    'MUST',
    'RFC 6749 §5.2',
    'Error answers are JSON with an error code',
  ),
  'negative.expired-assertion': check(
    'negative',
    'MUST',
    'RFC 7523 §3',
    'An expired client assertion: invalid_client',
  ),
  'negative.assertion-wrong-aud': check(
    'negative',
    'MUST',
    'RFC 7523 §3',
    'A client assertion for another audience: invalid_client',
  ),
  'negative.assertion-replay': check(
    'negative',
    'INFO',
    'RFC 7523 §3',
    'A client assertion used twice',
  ),

  'introspection.active': check(
    'introspection',
    'MUST',
    'RFC 7662 §2.2',
    'A live token introspects as active: true',
  ),
  'introspection.inactive': check(
    'introspection',
    'MUST',
    'RFC 7662 §2.2',
    'A made-up token introspects as active: false',
  ),
  'introspection.requires-auth': check(
    'introspection',
    'MUST',
    'RFC 7662 §2.1, §4',
    'Introspection without client authentication reveals nothing',
  ),

  'revocation.unknown-token': check(
    'revocation',
    'MUST',
    'RFC 7009 §2.2',
    'Revoking an unknown token answers 200',
  ),
  'revocation.revoke': check('revocation', 'MUST', 'RFC 7009 §2.2', 'Revoking a token answers 200'),
  'revocation.effective': check(
    'revocation',
    'SHOULD',
    'RFC 7009 §2, §2.2',
    'A revoked token is no longer active',
  ),

  'api.happy-path': check(
    'api',
    'MUST',
    'RFC 6750 §2.1',
    'The API accepts the token in Authorization: Bearer',
  ),
  'api.scheme-case': check(
    'api',
    'SHOULD',
    'RFC 9110 §11.1, RFC 6750 §2.1',
    'The API accepts the scheme in lower case (bearer)',
  ),
  'api.no-token': check(
    'api',
    'MUST',
    'RFC 6750 §3',
    'No token: 401 with WWW-Authenticate: Bearer',
  ),
  'api.no-token-no-error': check(
    'api',
    'SHOULD',
    'RFC 6750 §3.1',
    'No token: the challenge has no error code',
  ),
  'api.tampered-token': check('api', 'MUST', 'RFC 6750 §3.1', 'A tampered token is refused'),
  'api.tampered-invalid-token': check(
    'api',
    'SHOULD',
    'RFC 6750 §3.1',
    'A tampered token: 401 with error="invalid_token"',
  ),
  'api.alg-none': check(
    'api',
    'MUST',
    'RFC 9068 §4, RFC 8725 §3.1',
    'The token re-encoded with alg none is refused',
  ),
  'api.expired-token': check(
    'api',
    'MUST',
    'RFC 9068 §4, RFC 6750 §3.1',
    'An expired token: 401 invalid_token',
  ),
  'api.query-token': check(
    'api',
    'SHOULD',
    'RFC 6750 §2.3, RFC 9700 §4.3.2',
    'A token in the query string (?access_token=) is refused',
  ),
  'api.insufficient-scope': check(
    'api',
    'SHOULD',
    'RFC 6750 §3.1',
    'A route the token has no scope for: 403 insufficient_scope',
  ),
  'api.revoked-token': check(
    'api',
    'SHOULD',
    'RFC 7009 §2',
    'A revoked token is refused by the API',
  ),
} as const satisfies Record<string, CheckDefinition>;

export type CheckId = keyof typeof CHECKS;

/** One check's result in the report. */
export interface CheckResult {
  id: CheckId;
  group: Group;
  title: string;
  rfc: string;
  level: Level;
  outcome: Outcome;
  /** What was sent and seen, the reason for a skip, or the behaviour observed. Secrets masked. */
  detail: string;
}
