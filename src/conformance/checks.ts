/**
 * The catalog of conformance checks: every check the runner can report, with its id, title and
 * the RFC rule (rules.ts) of its usual verdict, which gives its level. The runner records results
 * against these ids; docs/conformance.md lists each one with its rules.
 */
import { RULES, type RuleId } from './rules.ts';

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
  /** The rule of the check's usual verdict; its level is the check's level. */
  rule: RuleId;
  /** Rules other verdicts of this check may cite (a different level for a named case). */
  also: readonly RuleId[];
}

const check = (
  group: Group,
  title: string,
  rule: RuleId,
  also: readonly RuleId[] = [],
): CheckDefinition => ({ group, title, rule, also });

export const CHECKS = {
  'discovery.metadata': check(
    'discovery',
    'Metadata is published at a well-known URL as a JSON object',
    'metadataResponse',
  ),
  'discovery.issuer': check(
    'discovery',
    'The metadata issuer is identical to the issuer asked for',
    'issuerIdentical',
  ),
  'discovery.token-endpoint': check(
    'discovery',
    'token_endpoint is present and an absolute URL',
    'tokenEndpointRequired',
  ),
  'discovery.tls': check('discovery', 'Issuer and endpoints use https', 'tlsRequired'),
  'discovery.response-types': check(
    'discovery',
    'response_types_supported is present (REQUIRED)',
    'responseTypesRequired',
  ),
  'discovery.grant-types': check(
    'discovery',
    'grant_types_supported, when published, lists client_credentials',
    'grantTypesListed',
    ['grantTypesOptional'],
  ),
  'discovery.auth-methods': check(
    'discovery',
    'Client authentication methods advertised',
    'authMethodsOptional',
  ),
  'discovery.auth-signing-algs': check(
    'discovery',
    'JWT client auth advertises its signing algs, never "none"',
    'authSigningAlgs',
  ),
  'discovery.scopes': check('discovery', 'scopes_supported is published', 'scopesRecommended'),
  'discovery.jwks': check('discovery', 'jwks_uri answers a JSON Web Key Set', 'jwksDocument'),
  'discovery.jwks-public-only': check(
    'discovery',
    'The JWKS holds public keys only (no d, p, q, k ...)',
    'privateKeysProtected',
  ),
  'discovery.jwks-kid': check(
    'discovery',
    'Keys in the JWKS have distinct kid values',
    'distinctKids',
  ),

  'token.client-secret-basic': check(
    'token',
    'Token with client_secret_basic (HTTP Basic)',
    'basicSupported',
    ['authMethodsOptional'],
  ),
  'token.client-secret-post': check(
    'token',
    'Token with client_secret_post (secret in the body)',
    'advertisedMethodWorks',
    ['authMethodsOptional'],
  ),
  'token.private-key-jwt': check(
    'token',
    'Token with private_key_jwt (signed client assertion)',
    'advertisedMethodWorks',
    ['authMethodsOptional'],
  ),
  'token.content-type': check('token', 'Token response is application/json', 'tokenJson'),
  'token.cache-control': check('token', 'Token response has Cache-Control: no-store', 'noStore'),
  'token.pragma': check('token', 'Token response has Pragma: no-cache', 'noStore'),
  'token.token-type': check(
    'token',
    'token_type is Bearer (case-insensitive)',
    'tokenTypeRequired',
  ),
  'token.expires-in': check(
    'token',
    'expires_in is a positive number of seconds',
    'expiresInRecommended',
  ),
  'token.no-refresh-token': check(
    'token',
    'No refresh_token for client credentials',
    'noRefreshToken',
  ),
  'token.scope': check('token', 'Granted scope', 'scopeMayDiffer', ['scopeMustBeNamed']),
  'token.new-token-each-request': check(
    'token',
    'Two requests in a row: a new token or the same one',
    'tokenIssued',
  ),

  'access-token.format': check(
    'access-token',
    'Access token format (JWT or opaque)',
    'tokenFormatOpen',
  ),
  'access-token.alg': check(
    'access-token',
    'Signed, never with "none" (asymmetric RECOMMENDED)',
    'signedNotNone',
    ['asymmetricRecommended', 'outsideProfile'],
  ),
  'access-token.typ': check('access-token', 'Header typ is at+jwt', 'typAtJwt', ['outsideProfile']),
  'access-token.signature': check(
    'access-token',
    'Signature verifies against the JWKS',
    'signatureVerifies',
    ['outsideProfile'],
  ),
  'access-token.iss': check('access-token', 'iss is the issuer', 'issRequired', ['outsideProfile']),
  'access-token.exp': check(
    'access-token',
    'exp is present, in the future, and matches expires_in',
    'expRequired',
    ['outsideProfile'],
  ),
  'access-token.aud': check(
    'access-token',
    'aud is present (and names the requested audience)',
    'audRequired',
    ['outsideProfile'],
  ),
  'access-token.sub': check(
    'access-token',
    'sub is present (the client, for client credentials)',
    'subRequired',
    ['subIsClient', 'outsideProfile'],
  ),
  'access-token.client-id': check('access-token', 'client_id is the client', 'clientIdRequired', [
    'outsideProfile',
  ]),
  'access-token.iat': check('access-token', 'iat is present and not in the future', 'iatRequired', [
    'outsideProfile',
  ]),
  'access-token.jti': check(
    'access-token',
    'jti is present and differs between tokens',
    'jtiRequired',
    ['outsideProfile'],
  ),

  'negative.wrong-secret-basic': check(
    'negative',
    'Wrong secret with Basic: 401 invalid_client and WWW-Authenticate',
    'invalidClientBasic',
  ),
  'negative.wrong-secret-post': check(
    'negative',
    'Wrong secret in the body: invalid_client',
    'invalidClient',
  ),
  'negative.unknown-client': check(
    'negative',
    'Unknown client_id: invalid_client',
    'invalidClient',
    ['invalidClientBasic'],
  ),
  'negative.missing-grant-type': check(
    'negative',
    'Missing grant_type: 400 invalid_request',
    'invalidRequest',
  ),
  'negative.unsupported-grant-type': check(
    'negative',
    'Unknown grant_type: 400 unsupported_grant_type',
    'unsupportedGrantType',
  ),
  'negative.unknown-scope': check(
    'negative',
    'Unknown scope: 400 invalid_scope, or a token that says which scope it carries',
    'errorCodeFromList',
    ['scopeMayDiffer', 'scopeMustBeNamed', 'scopeErrorCode', 'noScopeBeyondClient'],
  ),
  'negative.many-scopes': check(
    'negative',
    '50 made-up scopes: 400 invalid_scope, or a token that says which scope it carries',
    'errorCodeFromList',
    ['scopeMayDiffer', 'scopeMustBeNamed', 'scopeErrorCode', 'noScopeBeyondClient'],
  ),
  'negative.forbidden-scope': check(
    'negative',
    'A scope the client may not have (named by --forbidden-api) is never issued',
    'noScopeBeyondClient',
    ['scopeMayDiffer', 'scopeMustBeNamed', 'errorCodeFromList', 'scopeErrorCode'],
  ),
  'negative.duplicate-parameter': check(
    'negative',
    'A parameter sent twice: 400 invalid_request',
    'parameterOnce',
  ),
  'negative.two-auth-methods': check(
    'negative',
    'Basic and client_secret in one request',
    'oneAuthMethodClient',
  ),
  'negative.get-method': check('negative', 'GET on the token endpoint', 'postMethodClient'),
  'negative.credentials-in-query': check(
    'negative',
    'Credentials in the query string do not authenticate',
    'credentialsNotInUri',
  ),
  'negative.error-format': check(
    'negative',
    'Error answers are JSON with an error code',
    'errorFormat',
  ),
  'negative.expired-assertion': check(
    'negative',
    'An expired client assertion: invalid_client',
    'assertionExpiry',
  ),
  'negative.assertion-wrong-aud': check(
    'negative',
    'A client assertion for another audience: invalid_client',
    'assertionAudience',
  ),
  'negative.assertion-replay': check(
    'negative',
    'A client assertion used twice',
    'assertionReplay',
  ),

  'introspection.active': check(
    'introspection',
    'A live token introspects as active: true',
    'introspectionResponse',
    ['introspectionMayHide', 'introspectionCallerChosen'],
  ),
  'introspection.inactive': check(
    'introspection',
    'A made-up token introspects as active: false',
    'introspectionResponse',
  ),
  'introspection.requires-auth': check(
    'introspection',
    'Introspection without client authentication reveals nothing',
    'introspectionRequiresAuth',
  ),

  'revocation.unknown-token': check(
    'revocation',
    'Revoking an unknown token answers 200',
    'revocation200',
  ),
  'revocation.revoke': check(
    'revocation',
    'Revoking an access token answers 200',
    'revocation200',
    ['accessTokenRevocation'],
  ),
  'revocation.effective': check(
    'revocation',
    'A revoked token is no longer active',
    'revocationImmediate',
  ),

  'api.happy-path': check(
    'api',
    'The API accepts the token in Authorization: Bearer',
    'headerMethodSupported',
  ),
  'api.scheme-case': check(
    'api',
    'The API accepts the scheme in lower case (bearer)',
    'schemeCaseInsensitive',
  ),
  'api.no-token': check('api', 'No token: 401 with WWW-Authenticate: Bearer', 'challengeRequired', [
    'validateToken',
  ]),
  'api.no-token-no-error': check(
    'api',
    'No token: the challenge has no error code',
    'noErrorWithoutCredentials',
  ),
  'api.tampered-token': check('api', 'A tampered token is refused', 'validateToken'),
  'api.tampered-invalid-token': check(
    'api',
    'A tampered token: 401 with error="invalid_token"',
    'invalidToken401',
    ['challengeRequired'],
  ),
  'api.alg-none': check('api', 'The token re-encoded with alg none is refused', 'rejectNone', [
    'validateToken',
  ]),
  'api.expired-token': check(
    'api',
    'An expired token is refused: 401 invalid_token',
    'validateToken',
    ['challengeRequired', 'invalidToken401'],
  ),
  'api.query-token': check('api', 'A token in the query string (?access_token=)', 'queryTokenMay'),
  'api.insufficient-scope': check(
    'api',
    'A route the token has no scope for is refused: 403 insufficient_scope',
    'validateToken',
    ['challengeRequired', 'insufficientScope403'],
  ),
  'api.revoked-token': check('api', 'A revoked token is refused by the API', 'revocationImmediate'),
} as const satisfies Record<string, CheckDefinition>;

export type CheckId = keyof typeof CHECKS;

/** The level and the rule a check's usual verdict has. */
export function checkLevel(id: CheckId): Level {
  return RULES[CHECKS[id].rule].level;
}

/** The rules a check may cite: its own first, then the others. */
export function checkRules(id: CheckId): RuleId[] {
  return [CHECKS[id].rule, ...CHECKS[id].also];
}

/** One check's result in the report. */
export interface CheckResult {
  id: CheckId;
  group: Group;
  title: string;
  /** Where the rule that decided this verdict is: "RFC 6749 §5.1". */
  rfc: string;
  level: Level;
  /** The sentence that decided this verdict's level. */
  rule: { ref: string; quote: string; reading?: string };
  outcome: Outcome;
  /** What was sent and seen, the reason for a skip, or the behaviour observed. Secrets masked. */
  detail: string;
}
