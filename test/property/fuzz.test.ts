/**
 * Property: whatever arrives at our hosts (any method, path, headers, content type, body), the core
 * answers a well-formed response with a 2xx or 4xx status: JSON, or the empty 200 of revocation,
 * or an empty 204 (OPTIONS). Never a 5xx, never an exception.
 */
import fc from 'fast-check';
import { getResponse, type RequestHandler } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/mocks/handlers.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';

const ISSUER = 'https://auth.example.com';
const API = 'https://api.example.com';
let server: MockServer;
let handlers: RequestHandler[];
let validToken = '';

beforeAll(async () => {
  server = await createMockServer({ issuer: ISSUER, apiOrigin: API, audience: API });
  handlers = createHandlers(server);
  const res = await server.handle(
    new Request(`${ISSUER}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
    }),
  );
  if (!res) throw new Error('the core did not answer');
  validToken = ((await res.json()) as { access_token: string }).access_token;
});

const KNOWN_PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwks.json',
  '/oauth/token',
  '/oauth/introspect',
  '/oauth/revoke',
  '/api/v1/users',
  '/api/v1/orders',
  '/__admin/reset',
  '/__admin/clock',
  '/__admin/clients',
  '/__admin/clients/demo-client',
  '/__admin/clients/fuzzed',
  '/__admin/keys/rotate',
  '/__admin/mint',
  '/__admin/log',
];
const PARAM_NAMES = [
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'audience',
  'resource',
  'token',
  'token_type_hint',
  'client_assertion_type',
  'client_assertion',
  'access_token',
  '',
  'x',
];
const ODD_STRINGS = [
  '',
  ' ',
  '%',
  '%zz',
  '%00',
  '%E0%A4%A',
  '%C0%AF',
  '+',
  '&&',
  '==',
  '\u0000',
  '\uFFFD',
  '😀',
  'a'.repeat(300),
  'client_credentials',
  'demo-client',
  'demo-secret',
  'read:users',
  'read:users write:orders',
  'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'https://api.example.com',
  '{"a":1}',
  'null',
];

const oddString = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ maxLength: 40 }));
const byteString = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

const method = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  },
  { weight: 1, arbitrary: fc.constantFrom('get', 'post', 'FOO', 'PROPFIND', 'M-SEARCH') },
);

const segment = fc.oneof(
  fc.constantFrom(
    '',
    '.',
    '..',
    '%2e%2e',
    '%2F',
    '%',
    '%zz',
    '%00',
    'oauth',
    'api',
    'v1',
    '__admin',
    'token',
  ),
  fc.webSegment(),
);
const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_PATHS) },
  {
    weight: 2,
    arbitrary: fc.array(segment, { minLength: 0, maxLength: 5 }).map((s) => `/${s.join('/')}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...KNOWN_PATHS), segment).map(([p, s]) => `${p}/${s}`),
  },
);
const query = fc.oneof(
  fc.constant(''),
  fc.constant('?access_token=x'),
  fc
    .array(fc.tuple(fc.constantFrom(...PARAM_NAMES), oddString), { maxLength: 3 })
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`),
  oddString.map((s) => `?${s.replace(/[#]/g, '')}`),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=ISO-8859-1',
    'application/json',
    'application/json; charset=utf-16',
    'APPLICATION/JSON',
    'application/jwt',
    'text/plain',
    'multipart/form-data; boundary=----x',
    'application/octet-stream',
    '',
    ';;;',
  ),
  byteString,
);

const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'Basic',
    'Basic ',
    'Basic ====',
    'Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=',
    'basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=',
    'Basic ZGVtby1jbGllbnQ=',
    'Basic Og==',
    'Basic JTpAOiU=',
    'Bearer',
    'Bearer ',
    'Bearer  x',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'Digest username="x"',
    'DPoP abc',
  ),
  fc.constant('VALID_BEARER'),
  byteString.map((s) => `Basic ${s}`),
  byteString.map((s) => `Bearer ${s}`),
  byteString,
);

const formBody = fc
  .array(fc.tuple(fc.constantFrom(...PARAM_NAMES), oddString, fc.boolean()), { maxLength: 8 })
  .map((pairs) =>
    pairs
      // Some values raw (odd percent-encodings survive), some properly encoded.
      .map(([k, v, raw]) => `${k}=${raw ? v : encodeURIComponent(v)}`)
      .join('&'),
  );
const jsonBody = fc.oneof(
  fc
    .dictionary(fc.constantFrom(...PARAM_NAMES), fc.oneof(oddString, fc.jsonValue({ maxDepth: 2 })))
    .map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{',
    '{"grant_type":',
    '[1,',
    '{"a":1}{"b":2}',
    '\uFEFF{}',
    'NaN',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ),
);
const body = fc.oneof(
  { weight: 4, arbitrary: formBody },
  { weight: 3, arbitrary: jsonBody },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  // Over the 64 KiB limit, and just under it.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(70 * 1024, 200 * 1024, 60 * 1024)
      .map((n) => `grant_type=client_credentials&pad=${'a'.repeat(n)}`),
  },
);

const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'accept',
      'x-forwarded-host',
      'origin',
      'dpop',
      'content-length-x',
      'cookie',
      'x-request-id',
      'authorization',
    ),
    byteString,
  ),
  { maxLength: 3 },
);

const request = fc.record({
  host: fc.constantFrom<string>(ISSUER, API),
  method,
  path,
  query,
  contentType,
  authorization,
  body,
  extraHeaders,
});

type Input = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toRequest(input: Input): Request | undefined {
  const headers = new Headers();
  try {
    if (input.contentType !== '') headers.set('content-type', input.contentType);
    for (const [name, value] of input.extraHeaders) headers.append(name, value);
    if (input.authorization === 'VALID_BEARER')
      headers.set('authorization', `Bearer ${validToken}`);
    else if (input.authorization !== undefined) headers.set('authorization', input.authorization);
    const upper = input.method.toUpperCase();
    const canHaveBody = upper !== 'GET' && upper !== 'HEAD';
    return new Request(`${input.host}${input.path}${input.query}`, {
      method: input.method,
      headers,
      body: canHaveBody ? (input.body ?? null) : null,
    });
  } catch {
    // Not a request a client could send (the fetch API refuses it): nothing to answer.
    return undefined;
  }
}

async function checkAnswer(
  req: Request,
  resolve: (r: Request) => Promise<Response | undefined> = (r) => server.handle(r),
): Promise<void> {
  const label = `${req.method} ${req.url}`;
  const response = await resolve(req);
  expect(response, label).toBeInstanceOf(Response);
  const res = response as Response;
  expect(
    (res.status >= 200 && res.status < 300) || (res.status >= 400 && res.status < 500),
    `${label} -> ${res.status}`,
  ).toBe(true);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const emptyOk =
    res.status === 204 ||
    req.method === 'HEAD' ||
    (res.status === 200 && new URL(req.url).pathname === '/oauth/revoke');
  if (text === '' && emptyOk) return;
  expect(type, `${label} -> ${res.status} content-type`).toMatch(/^application\/json/);
  expect(() => JSON.parse(text), `${label} -> ${res.status}: ${text.slice(0, 200)}`).not.toThrow();
  if (res.status >= 400) {
    const parsed = JSON.parse(text) as { error?: unknown };
    expect(typeof parsed.error, `${label} -> ${res.status}: ${text.slice(0, 200)}`).toBe('string');
  }
}

describe('fuzz: every request to our hosts gets a well-formed 2xx/4xx answer', () => {
  it('random methods, paths, headers, content types and bodies', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        // Fuzzed admin calls change state (clock, clients, keys): start from the seed now and then.
        if (++n % 50 === 0) await server.admin.reset();
        const req = toRequest(input);
        if (req) await checkAnswer(req);
      }),
      { numRuns: 2500 },
    );
  }, 60_000);

  it('random bodies at the token endpoint with working credentials', async () => {
    await fc.assert(
      fc.asyncProperty(contentType, body, authorization, async (type, payload, auth) => {
        const req = toRequest({
          host: ISSUER,
          method: 'POST',
          path: '/oauth/token',
          query: '',
          contentType: type,
          authorization: auth,
          body: payload,
          extraHeaders: [],
        });
        if (req) await checkAnswer(req);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('random Authorization headers and queries at the API', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/users', '/api/v1/orders'),
        fc.constantFrom('GET', 'POST'),
        authorization,
        query,
        async (p, m, auth, q) => {
          const req = toRequest({
            host: API,
            method: m,
            path: p,
            query: q,
            contentType: 'application/json',
            authorization: auth,
            body: m === 'POST' ? '{"item":"x","quantity":1}' : undefined,
            extraHeaders: [],
          });
          if (req) await checkAnswer(req);
        },
      ),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('through the msw handlers: every path on our hosts reaches the core, no other host does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ISSUER,
          API,
          'https://example.com',
          'https://auth.example.com.evil.net',
          'http://auth.example.com',
        ),
        method,
        path,
        query,
        async (host, m, p, q) => {
          const req = toRequest({
            host,
            method: m,
            path: p,
            query: q,
            contentType: '',
            authorization: undefined,
            body: undefined,
            extraHeaders: [],
          });
          if (!req) return;
          if (host === ISSUER || host === API) {
            await checkAnswer(req, (r) => getResponse(handlers, r));
          } else {
            expect(await getResponse(handlers, req), req.url).toBeUndefined();
          }
        },
      ),
      { numRuns: 1000 },
    );
  }, 60_000);
});
