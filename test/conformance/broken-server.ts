/**
 * Our own mock server over real HTTP (node:http, in the test process), with quirks layered on its
 * requests and answers: deliberate RFC breaks, which the conformance runner must name at the level
 * the RFC gives them, and legal variants (behaviour the RFCs allow, seen on real servers), which
 * it must report without failing a MUST.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { ConformanceOptions } from '../../src/conformance/options.ts';
import type { ConformanceReport } from '../../src/conformance/run-conformance.ts';
import { createNodeHttpAdapter } from '../../src/mocks/node-http-adapter.ts';
import {
  createMockServer,
  type MockServer,
  type MockServerOptions,
} from '../../src/protocol/index.ts';

/** Departures from an RFC: the runner must fail exactly the checks they break. */
export type Break =
  /** Token responses without Cache-Control and Pragma (RFC 6749 §5.1). */
  | 'no-cache-control'
  /** Token responses with Cache-Control: no-store but no Pragma: no-cache (RFC 6749 §5.1). */
  | 'no-pragma'
  /** Token responses without token_type (RFC 6749 §5.1: REQUIRED). */
  | 'no-token-type'
  /** invalid_client as 400 without a Basic challenge, even when Basic was used (RFC 6749 §5.2). */
  | 'bad-secret-400'
  /** The metadata names the issuer with a trailing slash (RFC 8414 §3.3). */
  | 'issuer-mismatch'
  /** The JWKS leaks a private member (RFC 7517). */
  | 'private-jwks'
  /** The API's 401s have no WWW-Authenticate (RFC 6750 §3). */
  | 'api-no-challenge'
  /** The API's 403s have no WWW-Authenticate (RFC 6750 §3). */
  | 'api-403-no-challenge'
  /** The token endpoint answers errors as text/plain, not JSON (RFC 6749 §5.2). */
  | 'text-errors'
  /** invalid_scope is spelled scope_invalid, a code RFC 6749 §5.2 does not define (glewlwyd). */
  | 'scope-invalid-code'
  /** demo-client is issued read:orders, a scope the tests say it may not have (RFC 6749 §3.3). */
  | 'over-grant'
  /** As over-grant, and a request with a scope it does not know gets every scope instead. */
  | 'over-grant-on-unknown-scope'
  /** As over-grant, and every token request gets every scope, whatever it asks for. */
  | 'over-grant-always'
  /** Revocation answers 400 invalid_request for an access token (RFC 7009 §2.2). */
  | 'revoke-400'
  /** Introspection refuses to look at JWTs: 400 unsupported_token_type (RFC 7662 §2.3). */
  | 'introspect-unsupported-token-type';

/** Behaviour the RFCs allow: the runner must not fail a MUST for any of them. */
export type Variant =
  /** Revoking an access token: 400 unsupported_token_type (RFC 7009 §2, §2.2.1). */
  | 'revoke-access-unsupported'
  /** The metadata lists only "none" as token endpoint authentication (RFC 8414 §2: OPTIONAL). */
  | 'auth-methods-none'
  /** The metadata leaves token_endpoint_auth_methods_supported out (default client_secret_basic). */
  | 'auth-methods-absent'
  /** Access tokens signed with HS256 (RFC 9068 §2.1: asymmetric is RECOMMENDED, not required). */
  | 'hs256-tokens'
  /** HS256 JWTs with typ JWT and no jti: two issued in one second are the same bytes. */
  | 'identical-jwts'
  /** Basic and client_secret in one request are accepted (RFC 6749 §2.3 binds the client). */
  | 'two-auth-methods-accepted'
  /** Introspection answers active: false to the client that holds the token (RFC 7662 §2.2). */
  | 'introspect-inactive-for-client'
  /** Introspection is for resource servers only: 401 invalid_client to this client (§2.1). */
  | 'introspect-resource-servers-only';

export type Quirk = Break | Variant;

export interface BrokenServer {
  origin: string;
  core: MockServer;
  close(): Promise<void>;
}

const TOKEN_PATH = '/oauth/token';
const METADATA_PATH = '/.well-known/oauth-authorization-server';
const HS256_SECRET = new TextEncoder().encode('a shared secret no JWKS can publish');

/** Tokens the quirks re-signed, mapped back to the ones our server issued. */
type Reissued = Map<string, string>;

/** Replace every re-signed token in a request (header or body) with the one our core knows. */
async function restoreTokens(request: Request, reissued: Reissued): Promise<Request> {
  if (reissued.size === 0) return request;
  const headers = new Headers(request.headers);
  let body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
  let authorization = headers.get('authorization') ?? '';
  for (const [given, original] of reissued) {
    body = body.split(given).join(original);
    authorization = authorization.split(given).join(original);
  }
  if (authorization) headers.set('authorization', authorization);
  headers.delete('content-length');
  return new Request(request.url, {
    method: request.method,
    headers,
    ...(body === '' ? {} : { body }),
  });
}

/** Change a request before our core sees it. */
async function bendRequest(quirks: ReadonlySet<Quirk>, request: Request): Promise<Request> {
  const path = new URL(request.url).pathname;
  if (path !== TOKEN_PATH || request.method !== 'POST') return request;
  const form = new URLSearchParams(await request.clone().text());
  let changed = false;
  if (
    quirks.has('two-auth-methods-accepted') &&
    request.headers.has('authorization') &&
    form.has('client_secret')
  ) {
    // Take the Basic header, ignore the body's credentials.
    form.delete('client_id');
    form.delete('client_secret');
    changed = true;
  }
  const scope = form.get('scope');
  const known = ['read:users', 'read:orders', 'write:orders'];
  const unknown = scope?.split(' ').some((s) => !known.includes(s)) ?? false;
  if (
    (quirks.has('over-grant-always') && scope !== null) ||
    (quirks.has('over-grant-on-unknown-scope') && unknown)
  ) {
    // Omitted scope: our core grants every scope the client has.
    form.delete('scope');
    changed = true;
  }
  if (!changed) return request;
  const headers = new Headers(request.headers);
  headers.delete('content-length');
  return new Request(request.url, { method: 'POST', headers, body: form.toString() });
}

/** A re-signed copy of an access token our core issued, remembered for the way back in. */
async function reissue(quirks: ReadonlySet<Quirk>, token: string, reissued: Reissued) {
  const header = decodeProtectedHeader(token);
  const claims = decodeJwt(token);
  const identical = quirks.has('identical-jwts');
  if (identical) delete claims.jti;
  const signed = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: identical ? 'JWT' : String(header.typ) })
    .sign(HS256_SECRET);
  reissued.set(signed, token);
  return signed;
}

async function bendResponse(
  quirks: ReadonlySet<Quirk>,
  request: Request,
  response: Response,
  origin: string,
  reissued: Reissued,
): Promise<Response> {
  const path = new URL(request.url).pathname;
  const headers = new Headers(response.headers);
  let text = await response.text();
  let status = response.status;
  const json = (): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;
  if (path === TOKEN_PATH && status === 200) {
    if (quirks.has('no-cache-control')) {
      headers.delete('cache-control');
      headers.delete('pragma');
    }
    if (quirks.has('no-pragma')) headers.delete('pragma');
    if (quirks.has('no-token-type')) {
      const { token_type: _, ...rest } = json();
      text = JSON.stringify(rest);
    }
    if (quirks.has('hs256-tokens') || quirks.has('identical-jwts')) {
      const body = json();
      if (typeof body.access_token === 'string' && body.access_token.split('.').length === 3) {
        text = JSON.stringify({
          ...body,
          access_token: await reissue(quirks, body.access_token, reissued),
        });
      }
    }
  }
  if (quirks.has('bad-secret-400') && text.includes('"invalid_client"')) {
    status = 400;
    headers.delete('www-authenticate');
  }
  if (quirks.has('scope-invalid-code') && text.includes('"invalid_scope"')) {
    text = text.replace('"invalid_scope"', '"scope_invalid"');
  }
  if (path === METADATA_PATH) {
    const metadata = json();
    if (quirks.has('issuer-mismatch')) metadata.issuer = `${origin}/`;
    if (quirks.has('auth-methods-none')) metadata.token_endpoint_auth_methods_supported = ['none'];
    if (quirks.has('auth-methods-absent')) delete metadata.token_endpoint_auth_methods_supported;
    text = JSON.stringify(metadata);
  }
  if (quirks.has('private-jwks') && path === '/.well-known/jwks.json') {
    const jwks = JSON.parse(text) as { keys: Record<string, unknown>[] };
    text = JSON.stringify({ keys: jwks.keys.map((k) => ({ ...k, d: 'leaked' })) });
  }
  if (path.startsWith('/api/')) {
    if (quirks.has('api-no-challenge') && status === 401) headers.delete('www-authenticate');
    if (quirks.has('api-403-no-challenge') && status === 403) headers.delete('www-authenticate');
  }
  if (quirks.has('text-errors') && path === TOKEN_PATH && status >= 400) {
    text = 'Bad Request';
    headers.set('content-type', 'text/plain');
  }
  headers.delete('content-length');
  return new Response(status === 204 || text === '' ? null : text, { status, headers });
}

/** What a quirk answers instead of our core, for the endpoints it replaces. */
async function answerInstead(
  quirks: ReadonlySet<Quirk>,
  request: Request,
): Promise<Response | undefined> {
  const path = new URL(request.url).pathname;
  if (request.method !== 'POST') return undefined;
  const oauthError = (status: number, error: string, extra: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error, error_description: `${error} (a test quirk)` }), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
    });
  const form = new URLSearchParams(await request.clone().text());
  const token = form.get('token') ?? '';
  const authenticated = request.headers.has('authorization') || form.has('client_secret');
  const isJwt = token.split('.').length === 3;
  if (path === '/oauth/revoke' && isJwt) {
    if (quirks.has('revoke-access-unsupported')) return oauthError(400, 'unsupported_token_type');
    if (quirks.has('revoke-400')) return oauthError(400, 'invalid_request');
  }
  if (path === '/oauth/introspect') {
    if (quirks.has('introspect-resource-servers-only') && authenticated) {
      return oauthError(401, 'invalid_client', {
        'www-authenticate': 'Basic realm="introspection"',
      });
    }
    if (quirks.has('introspect-unsupported-token-type') && isJwt) {
      return oauthError(400, 'unsupported_token_type');
    }
    if (quirks.has('introspect-inactive-for-client') && authenticated) {
      return new Response('{"active":false}', {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    }
  }
  return undefined;
}

/** Start our server with `quirks` applied, on a free port; `now` freezes its clock. */
export async function startBrokenServer(
  quirks: Quirk[] = [],
  options: Pick<MockServerOptions, 'now'> = {},
): Promise<BrokenServer> {
  const set = new Set(quirks);
  const reissued: Reissued = new Map();
  const holder: { listener?: ReturnType<typeof createNodeHttpAdapter> } = {};
  const http: Server = createServer((req, res) => holder.listener?.(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const core = await createMockServer({
    issuer: origin,
    apiOrigin: origin,
    audience: origin,
    ...options,
  });
  if (
    set.has('over-grant') ||
    set.has('over-grant-on-unknown-scope') ||
    set.has('over-grant-always')
  ) {
    await core.admin.putClient('demo-client', {
      client_secret: 'demo-secret',
      scopes: ['read:users', 'read:orders'],
    });
  }
  holder.listener = createNodeHttpAdapter(
    async (incoming) => {
      const request = await bendRequest(set, await restoreTokens(incoming, reissued));
      const instead = await answerInstead(set, request);
      if (instead) return instead;
      const response = await core.handle(request);
      return response && bendResponse(set, request, response, origin, reissued);
    },
    { origin },
  );
  return {
    origin,
    core,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** The runner's options for the seeded demo-client against a server at `origin`. */
export function demoOptions(
  origin: string,
  extra: Partial<ConformanceOptions> = {},
): ConformanceOptions {
  return {
    issuer: origin,
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    scope: 'read:users',
    api: `${origin}/api/v1/users`,
    forbiddenApi: `${origin}/api/v1/orders`,
    timeoutMs: 5_000,
    json: false,
    ...extra,
  };
}

/** One check's result in a report. */
export const resultOf = (report: ConformanceReport, id: string) =>
  report.results.find((r) => r.id === id);

/**
 * A broken server whose `signing-client` holds a fresh ES256 public key, and the runner's options
 * for that client with the private half (private_key_jwt).
 */
export async function startWithSigningClient(
  quirks: Quirk[],
): Promise<{ server: BrokenServer; options: ConformanceOptions }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' };
  const server = await startBrokenServer(quirks);
  await server.core.admin.putClient('signing-client', {
    jwks: { keys: [publicJwk] },
    scopes: ['read:users'],
  });
  const options: ConformanceOptions = {
    issuer: server.origin,
    clientId: 'signing-client',
    privateKey: JSON.stringify(privateJwk),
    timeoutMs: 5_000,
    json: false,
  };
  return { server, options };
}
