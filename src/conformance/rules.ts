/**
 * The RFC sentences that decide every level the runner reports. A check names the rule of its
 * usual verdict and any other rule one of its verdicts may cite (a 400 unsupported_token_type at
 * revocation is graded by RFC 7009 §2's SHOULD, not §2.2's 200). The level comes from the rule,
 * never from the check: one sentence, one level, in one place.
 *
 * How a sentence becomes a level:
 * - a MUST, MUST NOT, REQUIRED or SHALL on the server is MUST; SHOULD, SHOULD NOT, RECOMMENDED
 *   is SHOULD; MAY and OPTIONAL are INFO (the report says what it saw);
 * - RFC 6749 states much of its protocol in the indicative ("The authorization server responds
 *   with an HTTP 400"): such a statement defines the protocol and is graded MUST;
 * - a rule that binds only the client (RFC 6749 §2.3: "The client MUST NOT use more than one
 *   authentication method") says nothing of what the server does with such a request: INFO;
 * - a rule that forbids a message outright ("Request and response parameters MUST NOT be included
 *   more than once") is graded SHOULD when a server acts on that message anyway.
 * `reading` says how a sentence is applied where the keyword alone does not tell.
 */
/** How strongly the RFC asks for the behaviour (RFC 2119 words, plus INFO for observations). */
export type Level = 'MUST' | 'SHOULD' | 'INFO';

export interface Rule {
  level: Level;
  /** Where the sentence is: "RFC 6749 §5.1". */
  ref: string;
  /** The sentence, verbatim (shortened only with "..."). */
  quote: string;
  /** How the runner applies it, where the keyword alone does not decide. */
  reading?: string;
}

const rule = (level: Level, ref: string, quote: string, reading?: string): Rule =>
  reading === undefined ? { level, ref, quote } : { level, ref, quote, reading };

export const RULES = {
  // Discovery (RFC 8414)
  metadataResponse: rule(
    'MUST',
    'RFC 8414 §3.2',
    'A successful response MUST use the 200 OK HTTP status code and return a JSON object using the "application/json" content type that contains a set of claims as its members that are a subset of the metadata values defined in Section 2.',
  ),
  issuerIdentical: rule(
    'MUST',
    'RFC 8414 §3.3',
    'The "issuer" value returned MUST be identical to the authorization server\'s issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.',
  ),
  tokenEndpointRequired: rule(
    'MUST',
    'RFC 8414 §2',
    "token_endpoint: URL of the authorization server's token endpoint [RFC6749]. This is REQUIRED unless only the implicit grant type is supported.",
  ),
  tlsRequired: rule(
    'MUST',
    'RFC 6749 §3.2',
    'Since requests to the token endpoint result in the transmission of clear-text credentials (in the HTTP request and response), the authorization server MUST require the use of TLS as described in Section 1.6 when sending requests to the token endpoint.',
    'http on localhost or 127.0.0.1 is skipped: a local test server, not a deployment',
  ),
  responseTypesRequired: rule(
    'MUST',
    'RFC 8414 §2',
    'response_types_supported: REQUIRED. JSON array containing a list of the OAuth 2.0 "response_type" values that this authorization server supports.',
  ),
  grantTypesListed: rule(
    'SHOULD',
    'RFC 8414 §2',
    'grant_types_supported: OPTIONAL. JSON array containing a list of the OAuth 2.0 grant type values that this authorization server supports.',
    'a list the server publishes should name the grant it serves; no keyword makes that a MUST',
  ),
  grantTypesOptional: rule(
    'INFO',
    'RFC 8414 §2',
    'grant_types_supported: OPTIONAL. ... If omitted, the default value is "["authorization_code", "implicit"]".',
    'absent is allowed: the server then simply does not advertise client_credentials',
  ),
  authMethodsOptional: rule(
    'INFO',
    'RFC 8414 §2',
    'token_endpoint_auth_methods_supported: OPTIONAL. JSON array containing a list of client authentication methods supported by this token endpoint. ... If omitted, the default is "client_secret_basic".',
    "the list says what to try first; when the credentials fit none of it, each is tried anyway, and a refusal is the credentials' answer, not a failure of the server",
  ),
  authSigningAlgs: rule(
    'MUST',
    'RFC 8414 §2',
    'token_endpoint_auth_signing_alg_values_supported: ... This metadata entry MUST be present if either of these authentication methods are specified in the "token_endpoint_auth_methods_supported" entry. ... The value "none" MUST NOT be used.',
  ),
  scopesRecommended: rule(
    'SHOULD',
    'RFC 8414 §2',
    'scopes_supported: RECOMMENDED. JSON array containing a list of the OAuth 2.0 [RFC6749] "scope" values that this authorization server supports.',
  ),
  jwksDocument: rule(
    'MUST',
    'RFC 8414 §2',
    "jwks_uri: OPTIONAL. URL of the authorization server's JWK Set [JWK] document. The referenced document contains the signing key(s) the client uses to validate signatures from the authorization server.",
    'optional to publish; once published, the URL must answer a JWK Set',
  ),
  privateKeysProtected: rule(
    'MUST',
    'RFC 7517 §9.2',
    'Private and symmetric keys MUST be protected from disclosure to unintended parties.',
  ),
  distinctKids: rule(
    'SHOULD',
    'RFC 7517 §4.5',
    'When "kid" values are used within a JWK Set, different keys within the JWK Set SHOULD use distinct "kid" values.',
    'kid itself is OPTIONAL: a key without one is noted, not failed',
  ),

  // Token endpoint: happy paths (RFC 6749)
  basicSupported: rule(
    'MUST',
    'RFC 6749 §2.3.1',
    'The authorization server MUST support the HTTP Basic authentication scheme for authenticating clients that were issued a client password.',
  ),
  advertisedMethodWorks: rule(
    'MUST',
    'RFC 8414 §2',
    'token_endpoint_auth_methods_supported: ... JSON array containing a list of client authentication methods supported by this token endpoint.',
    'a method the metadata advertises is one the token endpoint supports; one it does not advertise is tried only when nothing else fits, and is not graded',
  ),
  tokenJson: rule(
    'MUST',
    'RFC 6749 §5.1',
    'The parameters are included in the entity-body of the HTTP response using the "application/json" media type as defined by [RFC4627].',
  ),
  noStore: rule(
    'MUST',
    'RFC 6749 §5.1',
    'The authorization server MUST include the HTTP "Cache-Control" response header field [RFC2616] with a value of "no-store" in any response containing tokens, credentials, or other sensitive information, as well as the "Pragma" response header field [RFC2616] with a value of "no-cache".',
  ),
  tokenTypeRequired: rule(
    'MUST',
    'RFC 6749 §5.1',
    'token_type: REQUIRED. The type of the token issued as described in Section 7.1. Value is case insensitive.',
    'a client credentials client of RFC 6750 expects Bearer',
  ),
  expiresInRecommended: rule(
    'SHOULD',
    'RFC 6749 §5.1',
    'expires_in: RECOMMENDED. The lifetime in seconds of the access token.',
  ),
  noRefreshToken: rule('SHOULD', 'RFC 6749 §4.4.3', 'A refresh token SHOULD NOT be included.'),
  scopeMayDiffer: rule(
    'INFO',
    'RFC 6749 §3.3',
    "The authorization server MAY fully or partially ignore the scope requested by the client, based on the authorization server policy or the resource owner's instructions.",
  ),
  scopeMustBeNamed: rule(
    'MUST',
    'RFC 6749 §3.3',
    'If the issued access token scope is different from the one requested by the client, the authorization server MUST include the "scope" response parameter to inform the client of the actual scope granted.',
  ),
  tokenIssued: rule(
    'INFO',
    'RFC 6749 §4.4.3',
    'If the access token request is valid and authorized, the authorization server issues an access token as described in Section 5.1.',
    'nothing says the token must be a new one each time',
  ),

  // JWT access tokens (RFC 9068)
  tokenFormatOpen: rule(
    'INFO',
    'RFC 6749 §1.4',
    'The string is usually opaque to the client.',
    'RFC 9068 is one format among others; its rules apply to a token that declares it',
  ),
  signedNotNone: rule(
    'MUST',
    'RFC 9068 §2.1',
    'JWT access tokens MUST be signed. ... JWT access tokens MUST NOT use "none" as the signing algorithm.',
  ),
  asymmetricRecommended: rule(
    'SHOULD',
    'RFC 9068 §2.1',
    'Although JWT access tokens can use any signing algorithm, use of asymmetric cryptography is RECOMMENDED as it simplifies the process of acquiring validation information for resource servers (see Section 4).',
  ),
  typAtJwt: rule(
    'MUST',
    'RFC 9068 §2.1',
    'JWT access tokens MUST include this media type in the "typ" header parameter to explicitly declare that the JWT represents an access token complying with this profile.',
  ),
  outsideProfile: rule(
    'SHOULD',
    'RFC 9068, Abstract',
    'This specification defines a profile for issuing OAuth 2.0 access tokens in JSON Web Token (JWT) format.',
    "a JWT without typ at+jwt does not claim the profile (RFC 6749 leaves the format open), so the profile's rules are reported as SHOULD for it",
  ),
  signatureVerifies: rule(
    'MUST',
    'RFC 9068 §4',
    'The resource server MUST validate the signature of all incoming JWT access tokens according to [RFC7515] using the algorithm specified in the JWT "alg" Header Parameter. ... The resource server MUST use the keys provided by the authorization server.',
    'the keys the authorization server provides are its jwks_uri (RFC 8414 §2): a token its own JWKS cannot verify, no resource server can',
  ),
  issRequired: rule(
    'MUST',
    'RFC 9068 §2.2',
    'iss: REQUIRED - as defined in Section 4.1.1 of [RFC7519].',
  ),
  expRequired: rule(
    'MUST',
    'RFC 9068 §2.2',
    'exp: REQUIRED - as defined in Section 4.1.4 of [RFC7519].',
    'and it agrees with expires_in (5 minutes of clock skew allowed)',
  ),
  audRequired: rule(
    'MUST',
    'RFC 9068 §2.2',
    'aud: REQUIRED - as defined in Section 4.1.3 of [RFC7519]. See Section 3 for indications on how an authorization server should determine the value of "aud" depending on the request.',
  ),
  subRequired: rule(
    'MUST',
    'RFC 9068 §2.2',
    'sub: REQUIRED - as defined in Section 4.1.2 of [RFC7519].',
  ),
  subIsClient: rule(
    'SHOULD',
    'RFC 9068 §2.2',
    'In cases of access tokens obtained through grants where no resource owner is involved, such as the client credentials grant, the value of "sub" SHOULD correspond to an identifier the authorization server uses to indicate the client application.',
  ),
  clientIdRequired: rule(
    'MUST',
    'RFC 9068 §2.2',
    'client_id: REQUIRED - as defined in Section 4.3 of [RFC8693].',
  ),
  iatRequired: rule(
    'MUST',
    'RFC 9068 §2.2',
    'iat: REQUIRED - as defined in Section 4.1.6 of [RFC7519]. This claim identifies the time at which the JWT access token was issued.',
  ),
  jtiRequired: rule(
    'MUST',
    'RFC 9068 §2.2, RFC 7519 §4.1.7',
    'jti: REQUIRED - as defined in Section 4.1.7 of [RFC7519]. / The identifier value MUST be assigned in a manner that ensures that there is a negligible probability that the same value will be accidentally assigned to a different data object.',
  ),

  // Token endpoint errors (RFC 6749 §5.2, RFC 7523)
  invalidClientBasic: rule(
    'MUST',
    'RFC 6749 §5.2',
    'invalid_client: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). ... If the client attempted to authenticate via the "Authorization" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the "WWW-Authenticate" response header field matching the authentication scheme used by the client.',
  ),
  invalidClient: rule(
    'MUST',
    'RFC 6749 §5.2',
    'invalid_client: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The authorization server MAY return an HTTP 401 (Unauthorized) status code to indicate which HTTP authentication schemes are supported.',
  ),
  invalidRequest: rule(
    'MUST',
    'RFC 6749 §5.2',
    'The authorization server responds with an HTTP 400 (Bad Request) status code (unless specified otherwise) ... invalid_request: The request is missing a required parameter, includes an unsupported parameter value (other than grant type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for authenticating the client, or is otherwise malformed.',
  ),
  unsupportedGrantType: rule(
    'MUST',
    'RFC 6749 §5.2',
    'unsupported_grant_type: The authorization grant type is not supported by the authorization server.',
  ),
  errorCodeFromList: rule(
    'MUST',
    'RFC 6749 §5.2',
    'The authorization server responds with an HTTP 400 (Bad Request) status code (unless specified otherwise) and includes the following parameters with the response: error: REQUIRED. A single ASCII [USASCII] error code from the following: ... invalid_scope: The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.',
    'a refused scope is 400 invalid_scope; a code outside the list, a 5xx or an unknown scope granted fails this MUST',
  ),
  scopeErrorCode: rule(
    'SHOULD',
    'RFC 6749 §5.2',
    'invalid_scope: The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.',
    'another §5.2 code is a code of the list, but it tells the client the wrong thing',
  ),
  noScopeBeyondClient: rule(
    'MUST',
    'RFC 6749 §5.2, §4.4',
    'invalid_scope: The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner. / The client can request an access token using only its client credentials ... when the client is requesting access to the protected resources under its control, or those of another resource owner that have been previously arranged with the authorization server.',
    'a scope the client may not have (one the API at --forbidden-api names in its 403) is refused or left out, never issued',
  ),
  parameterOnce: rule(
    'SHOULD',
    'RFC 6749 §3.2',
    'Request and response parameters MUST NOT be included more than once.',
    'the sentence forbids the message; a server that acts on it anyway is graded SHOULD',
  ),
  oneAuthMethodClient: rule(
    'INFO',
    'RFC 6749 §2.3',
    'The client MUST NOT use more than one authentication method in each request.',
    'binds the client: a server may refuse such a request (invalid_request) or take one method',
  ),
  postMethodClient: rule(
    'INFO',
    'RFC 6749 §3.2',
    'The client MUST use the HTTP "POST" method when making access token requests.',
    'binds the client: what a server answers to a GET is its own choice',
  ),
  credentialsNotInUri: rule(
    'SHOULD',
    'RFC 6749 §2.3.1',
    'The parameters can only be transmitted in the request-body and MUST NOT be included in the request URI.',
    'the sentence forbids the message; a server that authenticates it anyway is graded SHOULD',
  ),
  errorFormat: rule(
    'MUST',
    'RFC 6749 §5.2',
    'error: REQUIRED. A single ASCII [USASCII] error code from the following: ... The parameters are included in the entity-body of the HTTP response using the "application/json" media type as defined by [RFC4627].',
  ),
  assertionExpiry: rule(
    'MUST',
    'RFC 7523 §3',
    'The authorization server MUST reject any JWT with an expiration time that has passed, subject to allowable clock skew between systems.',
  ),
  assertionAudience: rule(
    'MUST',
    'RFC 7523 §3',
    'The authorization server MUST reject any JWT that does not contain its own identity as the intended audience.',
  ),
  assertionReplay: rule(
    'INFO',
    'RFC 7523 §3',
    'The authorization server MAY ensure that JWTs are not replayed by maintaining the set of used "jti" values for the length of time for which the JWT would be considered valid based on the applicable "exp" instant.',
  ),

  // Introspection (RFC 7662)
  introspectionResponse: rule(
    'MUST',
    'RFC 7662 §2.2, §2.3',
    'active: REQUIRED. Boolean indicator of whether or not the presented token is currently active. / Note that a properly formed and authorized query for an inactive or otherwise invalid token (or a token the protected resource is not allowed to know about) is not considered an error response by this specification. In these cases, the authorization server MUST instead respond with an introspection response with the "active" field set to "false".',
  ),
  introspectionMayHide: rule(
    'INFO',
    'RFC 7662 §2.2',
    'If the introspection call is properly authorized but the token is not active, does not exist on this server, or the protected resource is not allowed to introspect this particular token, then the authorization server MUST return an introspection response with the "active" field set to "false".',
    'the runner asks as the client, which may not be allowed to introspect its own token: active: false is then the right answer',
  ),
  introspectionCallerChosen: rule(
    'INFO',
    'RFC 7662 §2.1',
    'To prevent token scanning attacks, the endpoint MUST also require some form of authorization to access this endpoint, such as client authentication as described in OAuth 2.0 [RFC6749] or a separate OAuth 2.0 access token such as the bearer token described in OAuth 2.0 Bearer Token Usage [RFC6750].',
    'the server decides who may introspect: refusing the client (401 or 403) is allowed',
  ),
  introspectionRequiresAuth: rule(
    'MUST',
    'RFC 7662 §2.1',
    'To prevent token scanning attacks, the endpoint MUST also require some form of authorization to access this endpoint, such as client authentication as described in OAuth 2.0 [RFC6749] or a separate OAuth 2.0 access token such as the bearer token described in OAuth 2.0 Bearer Token Usage [RFC6750].',
  ),

  // Revocation (RFC 7009)
  revocation200: rule(
    'MUST',
    'RFC 7009 §2.2',
    'The authorization server responds with HTTP status code 200 if the token has been revoked successfully or if the client submitted an invalid token.',
  ),
  accessTokenRevocation: rule(
    'SHOULD',
    'RFC 7009 §2',
    'Implementations MUST support the revocation of refresh tokens and SHOULD support the revocation of access tokens (see Implementation Note).',
    '§2.2.1 defines the answer of a server that does not: unsupported_token_type ("the client tried to revoke an access token on a server not supporting this feature")',
  ),
  revocationImmediate: rule(
    'SHOULD',
    'RFC 7009 §2.1',
    'The invalidation takes place immediately, and the token cannot be used again after the revocation. In practice, there could be a propagation delay, for example, in which some servers know about the invalidation while others do not. Implementations should minimize that window.',
  ),

  // Resource server (RFC 6750, RFC 6749 §7)
  headerMethodSupported: rule(
    'MUST',
    'RFC 6750 §2.1',
    'Clients SHOULD make authenticated requests with a bearer token using the "Authorization" request header field with the "Bearer" HTTP authorization scheme. Resource servers MUST support this method.',
  ),
  schemeCaseInsensitive: rule(
    'MUST',
    'RFC 9110 §11.1',
    'It uses a case-insensitive token to identify the authentication scheme.',
    '"bearer" is the Bearer scheme: refusing it refuses the method RFC 6750 §2.1 says resource servers MUST support',
  ),
  challengeRequired: rule(
    'MUST',
    'RFC 6750 §3',
    'If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP "WWW-Authenticate" response header field.',
  ),
  noErrorWithoutCredentials: rule(
    'SHOULD',
    'RFC 6750 §3.1',
    'If the request lacks any authentication information (e.g., the client was unaware that authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD NOT include an error code or other error information.',
  ),
  validateToken: rule(
    'MUST',
    'RFC 6749 §7',
    'The resource server MUST validate the access token and ensure that it has not expired and that its scope covers the requested resource.',
  ),
  invalidToken401: rule(
    'SHOULD',
    'RFC 6750 §3.1',
    'invalid_token: The access token provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code.',
  ),
  rejectNone: rule(
    'MUST',
    'RFC 9068 §4',
    'The resource server MUST reject any JWT in which the value of "alg" is "none".',
  ),
  queryTokenMay: rule(
    'INFO',
    'RFC 6750 §2.3',
    'Resource servers MAY support this method.',
    'RFC 9700 §4.3.2 ("Clients MUST NOT pass access tokens in a URI query parameter") binds the client; the OAuth 2.1 draft would have resource servers ignore such tokens',
  ),
  insufficientScope403: rule(
    'SHOULD',
    'RFC 6750 §3.1',
    'insufficient_scope: The request requires higher privileges than provided by the access token. The resource server SHOULD respond with the HTTP 403 (Forbidden) status code and MAY include the "scope" attribute with the scope necessary to access the protected resource.',
  ),
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;
