/**
 * The client against the real protocol core (in-process, `server.handle` as fetch): requests the
 * builder makes are accepted, every error the server answers is explained, and the client-side
 * token checks agree with the API's, step for step.
 */
import { MutationObserver, QueryClient } from '@tanstack/react-query';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { explainResponse } from '../../src/client/explain-error.ts';
import { type HttpRequestModel, parseHttpRequest } from '../../src/client/http-request.ts';
import { runTokenChecks } from '../../src/client/jwt-inspect.ts';
import { OAuthResponseError } from '../../src/client/oauth-response-error.ts';
import {
  discoveryQueryOptions,
  jwksQueryOptions,
  sendRequestMutationOptions,
} from '../../src/client/queries.ts';
import { type RecordedExchange, sendRequest } from '../../src/client/send-request.ts';
import {
  buildTokenRequest,
  type ClientAuthMethod,
  type TokenRequestForm,
} from '../../src/client/token-request.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';

let t: number;
let server: MockServer;
let privateJwk: JWK;

const fetch = async (request: Request): Promise<Response> => {
  const response = await server.handle(request);
  if (!response) throw new TypeError(`fetch failed: ${request.url}`);
  return response;
};
const send = (request: HttpRequestModel) => sendRequest(request, { fetch });

beforeEach(async () => {
  t = Date.UTC(2030, 0, 1);
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'signing-1', alg: 'ES256' };
  const publicJwk = {
    ...(await exportJWK(pair.publicKey)),
    kid: 'signing-1',
    alg: 'ES256',
    use: 'sig',
  };
  server = await createMockServer({
    issuer,
    apiOrigin: api,
    audience: api,
    now: () => t,
    signingClientJwks: { keys: [publicJwk] },
  });
});

const demo: TokenRequestForm = {
  grantType: 'client_credentials',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  authMethod: 'client_secret_post_json',
  scope: ['read:users'],
};

async function token(form: Partial<TokenRequestForm> = {}): Promise<string> {
  const exchange = await send(
    await buildTokenRequest({ ...demo, ...form }, { issuer, privateJwk, now: () => t }),
  );
  expect(exchange.status).toBe(200);
  return (exchange.json as { access_token: string }).access_token;
}

const get = (url: string, bearer?: string): HttpRequestModel => ({
  method: 'GET',
  url,
  headers: bearer ? [['Authorization', `Bearer ${bearer}`]] : [],
  body: '',
});

describe('requests the builder makes', () => {
  const methods: [ClientAuthMethod, Partial<TokenRequestForm>][] = [
    ['client_secret_post_json', {}],
    ['client_secret_post', {}],
    ['client_secret_basic', {}],
    ['private_key_jwt', { clientId: 'signing-client', clientSecret: '', scope: ['read:orders'] }],
  ];
  for (const [authMethod, extra] of methods) {
    it(`get a token from the mock with ${authMethod}`, async () => {
      const exchange = await send(
        await buildTokenRequest(
          { ...demo, ...extra, authMethod },
          { issuer, privateJwk, now: () => t },
        ),
      );
      expect(exchange.status).toBe(200);
      expect(exchange.json).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3600,
        scope: extra.scope?.join(' ') ?? 'read:users',
      });
      expect(exchange.requestId).toMatch(/.+/);
    });
  }
});

describe('every error the mock answers is explained', () => {
  const tokenUrl = `${issuer}/oauth/token`;
  const form = (body: string, headers: [string, string][] = []): HttpRequestModel => ({
    method: 'POST',
    url: tokenUrl,
    headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...headers],
    body,
  });
  const cases: [string, () => Promise<HttpRequestModel>, number, string][] = [
    [
      'missing grant_type',
      async () => form('client_id=demo-client&client_secret=demo-secret'),
      400,
      'invalid_request',
    ],
    [
      'two auth methods',
      async () =>
        form('grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret', [
          ['Authorization', `Basic ${btoa('demo-client:demo-secret')}`],
        ]),
      400,
      'invalid_request',
    ],
    [
      'a wrong secret',
      async () => buildTokenRequest({ ...demo, clientSecret: 'nope' }, { issuer }),
      401,
      'invalid_client',
    ],
    [
      'a wrong Basic secret',
      async () =>
        buildTokenRequest(
          { ...demo, clientSecret: 'nope', authMethod: 'client_secret_basic' },
          { issuer },
        ),
      401,
      'invalid_client',
    ],
    [
      'grant_type=password',
      async () => buildTokenRequest({ ...demo, grantType: 'password' }, { issuer }),
      400,
      'unsupported_grant_type',
    ],
    [
      'a scope not allowed',
      async () => buildTokenRequest({ ...demo, scope: ['write:orders'] }, { issuer }),
      400,
      'invalid_scope',
    ],
    [
      'an unknown audience',
      async () => buildTokenRequest({ ...demo, audience: 'https://evil.example' }, { issuer }),
      400,
      'invalid_target',
    ],
    ['no token at the API', async () => get(`${api}/api/v1/users`), 401, 'missing_token'],
    [
      'a token in the query',
      async () => get(`${api}/api/v1/users?access_token=${await token()}`),
      400,
      'invalid_request',
    ],
    [
      'a token without the scope',
      async () => get(`${api}/api/v1/orders`, await token()),
      403,
      'insufficient_scope',
    ],
    ['a garbage token', async () => get(`${api}/api/v1/users`, 'garbage'), 401, 'invalid_token'],
    ['the wrong method', async () => get(tokenUrl), 405, 'method_not_allowed'],
    ['an unknown path', async () => get(`${api}/api/v2/nothing`), 404, 'not_found'],
  ];
  for (const [what, request, status, code] of cases) {
    it(`${what}: ${status} ${code}`, async () => {
      const exchange = await send(await request());
      expect(exchange.status).toBe(status);
      const explanation = explainResponse(exchange);
      expect(explanation?.code).toBe(code);
      expect(explanation?.serverSays).toMatch(/.+/);
    });
  }

  it('an expired token: invalid_token naming exp, and a 429 with Retry-After', async () => {
    const old = await token();
    t += 3600_000 + 61_000;
    const expired = await send(get(`${api}/api/v1/users`, old));
    expect(explainResponse(expired)).toMatchObject({ code: 'invalid_token' });
    let last: RecordedExchange | undefined;
    const cron = await buildTokenRequest(
      { ...demo, clientId: 'cron-sync', clientSecret: 'cron-secret' },
      { issuer },
    );
    for (let i = 0; i < 6; i++) last = await send(cron);
    expect(last?.status).toBe(429);
    const e = explainResponse(last as RecordedExchange);
    expect(e?.code).toBe('too_many_requests');
    expect(e?.hints[0]).toMatch(/^Retry-After: \d+/);
  });

  it('the Basic challenge of invalid_client is parsed into the error', async () => {
    const exchange = await send(
      await buildTokenRequest(
        { ...demo, clientSecret: 'x', authMethod: 'client_secret_basic' },
        { issuer },
      ),
    );
    const error = new OAuthResponseError(exchange);
    expect(error.error).toBe('invalid_client');
    expect(error.wwwAuthenticate[0]?.scheme).toBe('Basic');
    expect(error.wwwAuthenticate[0]?.params.realm).toMatch(/.+/);
  });
});

describe('runTokenChecks agrees with the API', () => {
  const jwks = () => server.admin.jwks();
  const serverVerdict = async (bearer: string) => {
    const exchange = await send(get(`${api}/api/v1/users`, bearer));
    const entry = server.admin.log().at(-1);
    return { status: exchange.status, failed: entry?.steps.find((s) => !s.ok)?.name };
  };

  it('accepts the tokens the server issues, with the same scope check', async () => {
    const good = await token();
    const mine = await runTokenChecks(good, {
      issuer,
      audience: api,
      jwks: jwks(),
      now: t / 1000,
      requiredScope: 'read:users',
    });
    expect(mine.ok).toBe(true);
    expect((await serverVerdict(good)).status).toBe(200);
  });

  const minted: [string, Record<string, unknown>][] = [
    ['wrong issuer', { claims: { iss: 'https://evil.example' } }],
    ['wrong audience', { claims: { aud: 'https://other.example' } }],
    ['wrong typ', { claims: {}, header: { typ: 'JWT' } }],
    ['unknown kid', { claims: {}, header: { kid: 'nope' } }],
    ['stranger key', { claims: {}, sign_with: 'rogue' }],
    ['unsigned', { claims: {}, sign_with: 'none' }],
    ['expired', { claims: { exp: Math.floor(Date.UTC(2030, 0, 1) / 1000) - 120 } }],
    ['not yet valid', { claims: { nbf: Math.floor(Date.UTC(2030, 0, 1) / 1000) + 600 } }],
    ['issued in the future', { claims: { iat: Math.floor(Date.UTC(2030, 0, 1) / 1000) + 600 } }],
    ['no exp', { claims: { exp: null } }],
  ];
  for (const [what, input] of minted) {
    it(`fails at the same step as the server: ${what}`, async () => {
      const { token: bad } = await server.admin.mint(input);
      const mine = await runTokenChecks(bad, {
        issuer,
        audience: api,
        jwks: jwks(),
        now: Math.floor(t / 1000),
      });
      const theirs = await serverVerdict(bad);
      expect(theirs.status).toBe(401);
      expect(mine.ok).toBe(false);
      expect(mine.steps.find((s) => s.ok === false)?.name).toBe(theirs.failed);
    });
  }
});

describe('TanStack Query options', () => {
  it('load discovery and the JWKS under domain-first keys', async () => {
    const queryClient = new QueryClient();
    const discovery = discoveryQueryOptions(issuer, { fetch });
    expect(discovery.queryKey).toEqual(['discovery', issuer]);
    const metadata = await queryClient.fetchQuery(discovery);
    expect(metadata).toMatchObject({ issuer, token_endpoint: `${issuer}/oauth/token` });
    const jwksOptions = jwksQueryOptions(metadata.jwks_uri ?? '', { fetch });
    expect(jwksOptions.queryKey).toEqual(['jwks', `${issuer}/.well-known/jwks.json`]);
    const set = await queryClient.fetchQuery(jwksOptions);
    expect(set.keys.length).toBeGreaterThan(0);
    expect(queryClient.getQueryData(['discovery', issuer])).toEqual(metadata);
  });

  it('reject with OAuthResponseError when the issuer does not match (RFC 8414 §3.3)', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const wrong = discoveryQueryOptions('https://auth.example.com/', { fetch });
    const error = await queryClient.fetchQuery(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect((error as OAuthResponseError).message).toBe(
      'The metadata names issuer "https://auth.example.com", not https://auth.example.com/: RFC 8414 §3.3 says to reject it.',
    );
    const notFound = await queryClient
      .fetchQuery(jwksQueryOptions(`${issuer}/nope.json`, { fetch }))
      .catch((e: unknown) => e);
    expect(notFound).toMatchObject({ name: 'OAuthResponseError', status: 404, error: 'not_found' });
  });

  it('the send mutation resolves with 4xx exchanges and rejects only without a response', async () => {
    const queryClient = new QueryClient();
    const observer = new MutationObserver(queryClient, sendRequestMutationOptions({ fetch }));
    const parsed = parseHttpRequest('GET https://api.example.com/api/v1/users\n');
    if (!parsed.ok) throw new Error('parse');
    const exchange = await observer.mutate(parsed.request);
    expect(exchange.status).toBe(401);
    expect(observer.getCurrentResult().status).toBe('success');
    await expect(observer.mutate(get('https://elsewhere.example/'))).rejects.toMatchObject({
      name: 'SendRequestError',
      kind: 'network',
    });
    expect(sendRequestMutationOptions().mutationKey).toEqual(['exchange', 'send']);
  });
});
