/**
 * OAuth errors as protocol values: one union of wire codes, one base class, subclasses only where
 * the status or the challenge header differs, and one serializer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-12.2
 */

/**
 * The `error` codes the RFCs this server follows define for its endpoints: RFC 6749 §5.2 (token
 * endpoint), RFC 8707 §2 (`invalid_target`), RFC 7009 §2.2.1 (`unsupported_token_type`) and
 * RFC 6750 §3.1 (the resource server), and RFC 9449 §12.2 (DPoP: `invalid_dpop_proof`,
 * `use_dpop_nonce`, at the token endpoint and the resource server alike). The one list: lessons
 * expect these, the explanations explain these.
 */
export const RFC_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
  'invalid_dpop_proof',
  'use_dpop_nonce',
] as const;

export type RfcErrorCode = (typeof RFC_ERROR_CODES)[number];

/**
 * The `error` codes this server can answer: the RFC codes, then the playground's own for
 * non-OAuth situations (a server fault, an unknown path, a wrong method, a rate limit, a missing
 * token), because RFC 6750 §3.1 forbids an error code when no credentials were sent.
 * `temporarily_unavailable` is RFC 6749 §4.1.2.1's name for a 503, which an injected fault
 * (`PUT /__admin/faults`) answers.
 */
export const OAUTH_ERROR_CODES = [
  ...RFC_ERROR_CODES,
  'server_error',
  'temporarily_unavailable',
  'not_found',
  'method_not_allowed',
  'too_many_requests',
  'missing_token',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export interface OAuthErrorOptions {
  status?: number;
  /** What the server knew: logged, shown in the playground, never sent to the client. */
  detail?: string;
  headers?: Record<string, string>;
}

/** An error the server answers with `{error, error_description}`. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  /** Public: plain words saying what was wrong and how to fix it. */
  readonly description: string;
  /** Private: never reaches the response body. */
  readonly detail: string | undefined;
  readonly extraHeaders: Record<string, string>;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.code = code;
    this.status = options.status ?? 400;
    this.description = description;
    this.detail = options.detail;
    this.extraHeaders = options.headers ?? {};
  }

  /** Response headers besides Content-Type. */
  headers(): Record<string, string> {
    return this.extraHeaders;
  }
}

/**
 * 401 invalid_client. With `basicRealm` (the client tried the Authorization header) it carries
 * the Basic challenge RFC 6749 §5.2 requires; otherwise no challenge.
 */
export class InvalidClient extends OAuthError {
  readonly basicRealm: string | undefined;
  constructor(description: string, detail: string, basicRealm?: string) {
    super('invalid_client', description, { status: 401, detail });
    this.name = 'InvalidClient';
    this.basicRealm = basicRealm;
  }
  override headers(): Record<string, string> {
    return this.basicRealm === undefined
      ? {}
      : { 'WWW-Authenticate': `Basic realm="${challengeValue(this.basicRealm)}"` };
  }
}

/** Base of the resource server's errors: each carries a Bearer challenge (RFC 6750 §3). */
export abstract class BearerError extends OAuthError {
  readonly realm: string;
  constructor(
    code: OAuthErrorCode,
    description: string,
    realm: string,
    status: number,
    detail?: string,
  ) {
    super(code, description, { status, detail });
    this.realm = realm;
  }
  /**
   * The challenge's auth-params. With an error they lead with it, in exactly the shape
   * CONTRACT.md gives (`Bearer error="invalid_token", error_description="..."`); only the bare
   * challenge names the realm.
   */
  protected challengeAttributes(): string {
    return `error="${this.code}", error_description="${challengeValue(this.description)}"`;
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': `Bearer ${this.challengeAttributes()}` };
  }
}

/** 401 with a bare `Bearer realm` challenge: no credentials at all (RFC 6750 §3.1: no error code). */
export class MissingToken extends BearerError {
  constructor(realm: string, description: string) {
    super('missing_token', description, realm, 401);
    this.name = 'MissingToken';
  }
  protected override challengeAttributes(): string {
    return `realm="${challengeValue(this.realm)}"`;
  }
}

/** 400 invalid_request with a Bearer challenge (a token in the query string or the body). */
export class InvalidBearerRequest extends BearerError {
  constructor(realm: string, description: string, detail?: string) {
    super('invalid_request', description, realm, 400, detail);
    this.name = 'InvalidBearerRequest';
  }
}

/** 401 invalid_token: the token failed one of the resource server's checks. */
export class InvalidToken extends BearerError {
  constructor(realm: string, description: string, detail?: string) {
    super('invalid_token', description, realm, 401, detail);
    this.name = 'InvalidToken';
  }
}

/** 403 insufficient_scope, naming the scope the route needs. */
export class InsufficientScope extends BearerError {
  readonly scope: string;
  constructor(realm: string, scope: string, description: string, detail?: string) {
    super('insufficient_scope', description, realm, 403, detail);
    this.name = 'InsufficientScope';
    this.scope = scope;
  }
  protected override challengeAttributes(): string {
    // The description travels in the JSON body; the challenge names the scope to ask for.
    return `error="insufficient_scope", scope="${challengeValue(this.scope)}"`;
  }
}

/**
 * A refusal at the resource server for a request made with the DPoP scheme (or a DPoP-bound token
 * sent as Bearer): 401 (403 for a missing scope) with a `WWW-Authenticate: DPoP` challenge naming
 * the error and the proof algorithms the server accepts, and, for `use_dpop_nonce`, the nonce to
 * retry with in `DPoP-Nonce`.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export class DpopChallenge extends OAuthError {
  readonly algs: readonly string[];
  readonly scope: string | undefined;
  readonly nonce: string | undefined;
  constructor(
    code: Extract<
      OAuthErrorCode,
      | 'invalid_request'
      | 'invalid_token'
      | 'invalid_dpop_proof'
      | 'use_dpop_nonce'
      | 'insufficient_scope'
    >,
    description: string,
    options: { algs: readonly string[]; detail?: string; scope?: string; nonce?: string },
  ) {
    super(code, description, {
      status: code === 'insufficient_scope' ? 403 : code === 'invalid_request' ? 400 : 401,
      detail: options.detail,
    });
    this.name = 'DpopChallenge';
    this.algs = options.algs;
    this.scope = options.scope;
    this.nonce = options.nonce;
  }
  override headers(): Record<string, string> {
    const params = [`error="${this.code}"`];
    // As for Bearer, a missing scope is named, and its description travels in the JSON body.
    if (this.scope !== undefined) params.push(`scope="${challengeValue(this.scope)}"`);
    else params.push(`error_description="${challengeValue(this.description)}"`);
    params.push(`algs="${this.algs.join(' ')}"`);
    return {
      'WWW-Authenticate': `DPoP ${params.join(', ')}`,
      ...(this.nonce !== undefined ? { 'DPoP-Nonce': this.nonce } : {}),
    };
  }
}

/** 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3). */
export class TooManyRequests extends OAuthError {
  readonly retryAfter: number;
  constructor(retryAfter: number, description: string, detail: string) {
    super('too_many_requests', description, {
      status: 429,
      detail,
      headers: { 'Retry-After': String(retryAfter) },
    });
    this.name = 'TooManyRequests';
    this.retryAfter = retryAfter;
  }
}

/** 405 with the Allow header (RFC 9110 §15.5.6). */
export class MethodNotAllowed extends OAuthError {
  constructor(allow: readonly string[], method: string, path: string) {
    super('method_not_allowed', `${path} does not accept ${method}. Use ${allow.join(' or ')}.`, {
      status: 405,
      headers: { Allow: allow.join(', ') },
    });
    this.name = 'MethodNotAllowed';
  }
}

/** 404 for a path on our hosts that nothing serves. */
export class NotFound extends OAuthError {
  constructor(description: string) {
    super('not_found', description, { status: 404 });
    this.name = 'NotFound';
  }
}

/**
 * Make a string safe inside a quoted WWW-Authenticate attribute: RFC 6750 §3 allows only
 * %x20-21 / %x23-5B / %x5D-7E in error_description, so `"` and `\` and non-ASCII are replaced.
 */
export function challengeValue(value: string): string {
  return value
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
}

/** The one serializer: the JSON body of any error (RFC 6749 §5.2). `detail` never appears. */
export function errorBody(error: OAuthError): { error: OAuthErrorCode; error_description: string } {
  return { error: error.code, error_description: error.description };
}
