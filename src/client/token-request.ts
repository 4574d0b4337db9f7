import type { JWK } from 'jose';
import {
  type AssertionShape,
  basicCredentials,
  decodeBasicCredentials,
  type HttpRequestModel,
} from './http-request.ts';

/**
 * How the client proves who it is at the token endpoint.
 * - `client_secret_post_json`: id and secret in a JSON body (what the seed article sends; not
 *   in RFC 6749, which asks for a form body, but many servers and our mock accept it)
 * - `client_secret_post`: id and secret in a form body (RFC 6749 §2.3.1)
 * - `client_secret_basic`: HTTP Basic `Authorization` header (RFC 6749 §2.3.1)
 * - `private_key_jwt`: a signed JWT assertion in a form body (RFC 7523 §2.2)
 */
export type ClientAuthMethod =
  | 'client_secret_post_json'
  | 'client_secret_post'
  | 'client_secret_basic'
  | 'private_key_jwt';

export const clientAuthMethods: readonly ClientAuthMethod[] = [
  'client_secret_post_json',
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
];

/** The request builder's model. Empty strings mean "leave the parameter out". */
export interface TokenRequestForm {
  /** `client_credentials` normally; other values exist to show `unsupported_grant_type`. */
  grantType: string;
  clientId: string;
  /** Unused by `private_key_jwt`. */
  clientSecret: string;
  authMethod: ClientAuthMethod;
  /** Scope tokens; sent space-delimited (RFC 6749 §3.3), omitted when empty. */
  scope: string[];
  /** Vendor-style target API (Auth0 and others). */
  audience?: string;
  /** RFC 8707 resource indicator. */
  resource?: string;
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface BuildTokenRequestOptions {
  /** The authorization server, e.g. `https://auth.example.com`. */
  issuer: string;
  /** From discovery; default `${issuer}/oauth/token`. */
  tokenEndpoint?: string;
  /** Private key for `private_key_jwt` (its `alg` and `kid` go into the assertion header). */
  privateJwk?: JWK;
  /** Signing alg when the JWK has none (default ES256). */
  alg?: string;
  /** Wall clock in ms (default `Date.now`). */
  now?: () => number;
  /** For the assertion's `jti` (default `crypto.randomUUID`). */
  jti?: () => string;
  /** Assertion lifetime in seconds (default 60). */
  assertionLifetime?: number;
}

/** The token endpoint of an issuer as the mock serves it. */
export function tokenEndpointOf(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/oauth/token`;
}

function tokenParams(form: TokenRequestForm): [string, string][] {
  const params: [string, string][] = [];
  if (form.grantType !== '') params.push(['grant_type', form.grantType]);
  return params;
}

function targetParams(form: TokenRequestForm): [string, string][] {
  const params: [string, string][] = [];
  const scope = form.scope.filter((s) => s !== '').join(' ');
  if (scope !== '') params.push(['scope', scope]);
  if (form.audience) params.push(['audience', form.audience]);
  if (form.resource) params.push(['resource', form.resource]);
  return params;
}

/** The explicit `typ` of a client authentication JWT (draft-ietf-oauth-rfc7523bis). */
export const CLIENT_ASSERTION_JWT_TYPE = 'client-authentication+jwt';

/**
 * Sign a client assertion for `private_key_jwt` the way draft-ietf-oauth-rfc7523bis (updating
 * RFC 7523 §3) asks: header `typ: client-authentication+jwt`; `aud` = the authorization server's
 * issuer identifier (RFC 8414) as a single string, never the token endpoint URL nor an array;
 * `iss` = `sub` = client_id, a fresh `jti`, `iat` now and `exp` a minute later.
 *
 * The draft's reason: an audience that is an endpoint URL can be set by a malicious authorization
 * server (it lists the honest server's token endpoint as its own), which then replays the client's
 * assertion at the honest server. An issuer identifier is the one value the client validates
 * (RFC 8414 §3.3).
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-rfc7523bis/
 */
export async function signClientAssertion(
  clientId: string,
  issuer: string,
  privateJwk: JWK,
  options: Pick<BuildTokenRequestOptions, 'alg' | 'now' | 'jti' | 'assertionLifetime'> & {
    /**
     * Another shape, to show what servers accept (`{{$assertion}}`): this `aud` instead of the
     * issuer, and no `typ` when `untyped`. Clients sign the default.
     */
    shape?: AssertionShape;
  } = {},
): Promise<string> {
  // jose loads on first signature: most lessons never sign, and the first paint does not wait.
  const { importJWK, SignJWT } = await import('jose');
  const alg = privateJwk.alg ?? options.alg ?? 'ES256';
  const key = await importJWK(privateJwk, alg);
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  const header: { alg: string; typ?: string; kid?: string } = { alg };
  if (options.shape?.typ !== 'untyped') header.typ = CLIENT_ASSERTION_JWT_TYPE;
  if (privateJwk.kid) header.kid = privateJwk.kid;
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(options.shape?.audience ?? issuer)
    .setJti((options.jti ?? (() => crypto.randomUUID()))())
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.assertionLifetime ?? 60))
    .sign(key);
}

/**
 * Build the token request a form describes: a client credentials grant (RFC 6749 §4.4.2) with
 * the chosen client authentication. Async because `private_key_jwt` signs an assertion; throws a
 * TypeError when that method has no `privateJwk`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export async function buildTokenRequest(
  form: TokenRequestForm,
  options: BuildTokenRequestOptions,
): Promise<HttpRequestModel> {
  const url = options.tokenEndpoint ?? tokenEndpointOf(options.issuer);
  const formType = 'application/x-www-form-urlencoded';
  const formBody = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
  switch (form.authMethod) {
    case 'client_secret_post_json': {
      const body: Record<string, string> = {};
      for (const [k, v] of tokenParams(form)) body[k] = v;
      if (form.clientId !== '') body.client_id = form.clientId;
      if (form.clientSecret !== '') body.client_secret = form.clientSecret;
      for (const [k, v] of targetParams(form)) body[k] = v;
      return {
        method: 'POST',
        url,
        headers: [['Content-Type', 'application/json']],
        body: JSON.stringify(body),
      };
    }
    case 'client_secret_post': {
      const pairs = tokenParams(form);
      if (form.clientId !== '') pairs.push(['client_id', form.clientId]);
      if (form.clientSecret !== '') pairs.push(['client_secret', form.clientSecret]);
      pairs.push(...targetParams(form));
      return { method: 'POST', url, headers: [['Content-Type', formType]], body: formBody(pairs) };
    }
    case 'client_secret_basic':
      return {
        method: 'POST',
        url,
        headers: [
          ['Content-Type', formType],
          ['Authorization', `Basic ${basicCredentials(form.clientId, form.clientSecret)}`],
        ],
        body: formBody([...tokenParams(form), ...targetParams(form)]),
      };
    case 'private_key_jwt': {
      if (!options.privateJwk) {
        throw new TypeError('private_key_jwt needs the client private key (privateJwk) to sign.');
      }
      const assertion = await signClientAssertion(
        form.clientId,
        options.issuer,
        options.privateJwk,
        options,
      );
      const pairs = tokenParams(form);
      if (form.clientId !== '') pairs.push(['client_id', form.clientId]);
      pairs.push(['client_assertion_type', CLIENT_ASSERTION_TYPE], ['client_assertion', assertion]);
      pairs.push(...targetParams(form));
      return { method: 'POST', url, headers: [['Content-Type', formType]], body: formBody(pairs) };
    }
  }
}

export type FormFromHttpRequestResult =
  | { ok: true; form: TokenRequestForm; clientAssertion?: string }
  | { ok: false; reason: string };

export interface FormFromHttpRequestOptions {
  /** When given, the URL must be exactly this; otherwise its path must end in /oauth/token. */
  tokenEndpoint?: string;
}

const KNOWN_PARAMS = [
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion_type',
  'client_assertion',
  'scope',
  'audience',
  'resource',
] as const;

/**
 * Read a raw token request back into the form, so the form and the raw editor stay in sync.
 * Anything the form cannot show (another endpoint, extra headers or parameters, a parameter
 * twice, two ways of authenticating at once...) gives `{ok: false, reason}` (a `DPoP` header is
 * not the form's, and is left to the DPoP switch): the request is
 * still fine to send from the raw editor, the form just cannot represent it.
 */
export function formFromHttpRequest(
  request: HttpRequestModel,
  options: FormFromHttpRequestOptions = {},
): FormFromHttpRequestResult {
  const no = (reason: string): FormFromHttpRequestResult => ({ ok: false, reason });
  if (request.method !== 'POST')
    return no(`The form only builds POST requests; this is ${request.method}.`);
  if (options.tokenEndpoint !== undefined) {
    if (request.url !== options.tokenEndpoint)
      return no(`The form only targets ${options.tokenEndpoint}.`);
  } else {
    let path: string;
    try {
      const u = new URL(request.url);
      if (u.search !== '' || u.hash !== '') return no('The form cannot show a query string.');
      path = u.pathname;
    } catch {
      return no(`"${request.url}" is not a URL the form can show.`);
    }
    if (!path.endsWith('/oauth/token'))
      return no('The form only targets the token endpoint (/oauth/token).');
  }

  let contentType: string | undefined;
  let authorization: string | undefined;
  const seen = new Set<string>();
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) return no(`The ${name} header appears twice.`);
    seen.add(lower);
    if (lower === 'content-type') contentType = value;
    else if (lower === 'authorization') authorization = value;
    // A DPoP proof is the "Sender-constrained (DPoP)" switch's, beside the form: it stays as is.
    else if (lower === 'dpop') continue;
    else return no(`The form has no field for the ${name} header.`);
  }
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();

  const params = new Map<string, string>();
  if (mediaType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch {
      return no('The body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return no('The JSON body is not an object.');
    }
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string')
        return no(`The form only holds strings; "${k}" is ${JSON.stringify(v)}.`);
      params.set(k, v);
    }
  } else if (mediaType === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(request.body)) {
      if (params.has(k)) return no(`The parameter ${k} is sent twice.`);
      params.set(k, v);
    }
  } else {
    return no(
      contentType === undefined
        ? 'There is no Content-Type header.'
        : `The form only sends JSON or form bodies, not ${contentType}.`,
    );
  }
  for (const k of params.keys()) {
    if (!(KNOWN_PARAMS as readonly string[]).includes(k))
      return no(`The form has no field for the parameter ${k}.`);
  }
  const param = (k: string) => {
    const v = params.get(k);
    return v === undefined || v === '' ? undefined : v;
  };

  const target: Pick<TokenRequestForm, 'scope' | 'audience' | 'resource'> = {
    scope: (param('scope') ?? '').split(' ').filter((s) => s !== ''),
  };
  const audience = param('audience');
  const resource = param('resource');
  if (audience !== undefined) target.audience = audience;
  if (resource !== undefined) target.resource = resource;
  const grantType = param('grant_type') ?? '';

  if (authorization !== undefined) {
    const m = /^basic\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return no('The form only builds Basic Authorization headers.');
    if (mediaType !== 'application/x-www-form-urlencoded') {
      return no('The form sends Basic authentication with a form body, not JSON.');
    }
    for (const k of ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']) {
      if (params.has(k)) {
        return no(
          `The request authenticates twice (Basic header and ${k} in the body); the server will refuse it.`,
        );
      }
    }
    const credentials = decodeBasicCredentials(m[1] ?? '');
    if (!credentials)
      return no('The Basic credentials are not base64 of "client_id:client_secret".');
    return {
      ok: true,
      form: { grantType, ...credentials, authMethod: 'client_secret_basic', ...target },
    };
  }

  const assertion = param('client_assertion');
  if (assertion !== undefined || params.has('client_assertion_type')) {
    if (mediaType !== 'application/x-www-form-urlencoded') {
      return no('The form sends client assertions in a form body, not JSON.');
    }
    if (params.has('client_secret')) return no('The request sends both a secret and an assertion.');
    if (param('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      return no(`The form only knows client_assertion_type=${CLIENT_ASSERTION_TYPE}.`);
    }
    if (assertion === undefined) return no('client_assertion is missing.');
    let clientId = param('client_id');
    if (clientId === undefined) {
      try {
        const iss = jwtPayload(assertion).iss;
        clientId = typeof iss === 'string' ? iss : '';
      } catch {
        clientId = '';
      }
    }
    return {
      ok: true,
      form: { grantType, clientId, clientSecret: '', authMethod: 'private_key_jwt', ...target },
      clientAssertion: assertion,
    };
  }

  return {
    ok: true,
    form: {
      grantType,
      clientId: param('client_id') ?? '',
      clientSecret: param('client_secret') ?? '',
      authMethod:
        mediaType === 'application/json' ? 'client_secret_post_json' : 'client_secret_post',
      ...target,
    },
  };
}

/**
 * The claims of a compact JWS, unverified (what jose's `decodeJwt` does, without loading jose
 * on the first paint). Throws when the token is not three base64url parts with a JSON object.
 */
function jwtPayload(jwt: string): Record<string, unknown> {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new TypeError('Not a compact JWS');
  const base64 = (parts[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
  const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  const payload: unknown = JSON.parse(json);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('The JWT payload is not a JSON object');
  }
  return payload as Record<string, unknown>;
}
