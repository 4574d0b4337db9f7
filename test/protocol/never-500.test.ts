import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API, api, form, ISSUER, jsonRequest, makeServer, send, T0, tokenFor } from './helpers.ts';

const paths = fc.constantFrom(
  '/oauth/token',
  '/oauth/introspect',
  '/oauth/revoke',
  '/api/v1/users',
  '/api/v1/orders',
  '/api/v1/orders/ord_1001',
  '/__admin/clients/x',
  '/__admin/clock',
  '/__admin/mint',
  '/__admin/settings',
  '/__admin/keys/rotate',
  '/.well-known/jwks.json',
  '/nope',
);
const contentTypes = fc.option(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'multipart/form-data',
    '',
  ),
  { nil: undefined },
);
const paramNames = fc.constantFrom(
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'audience',
  'resource',
  'client_assertion',
  'client_assertion_type',
  'token',
  'item',
  'quantity',
  'claims',
  'sign_with',
  'advance',
  'set',
  'scopes',
  'jwks',
  'header',
);
const values = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'client_credentials',
    'demo-client',
    'demo-secret',
    'read:users',
    'https://api.example.com',
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    'a.b.c',
    'eyJhbGciOiJub25lIn0.e30.',
  ),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const bodies = fc.oneof(
  fc
    .array(fc.tuple(paramNames, values), { maxLength: 8 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc
    .dictionary(paramNames, fc.oneof(values, jsonValue), { maxKeys: 6 })
    .map((o) => JSON.stringify(o)),
  fc.string(),
  jsonValue.map((v) => JSON.stringify(v)),
);
const authorization = fc.option(
  fc.oneof(
    fc.string().map((s) => `Basic ${s}`),
    fc.string().map((s) => `Bearer ${s}`),
    fc.string(),
    fc.constant(`Basic ${btoa('demo-client:demo-secret')}`),
  ),
  { nil: undefined },
);

describe('no input reaches a 500', () => {
  it('answers every random request with a non-5xx JSON (or empty) response carrying x-request-id', async () => {
    const server = await makeServer({ signingClientJwks: { keys: [] } });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.constantFrom(ISSUER, API),
        paths,
        fc.option(fc.string(), { nil: undefined }),
        contentTypes,
        bodies,
        authorization,
        async (method, origin, path, query, contentType, body, auth) => {
          const headers = new Headers();
          if (contentType !== undefined) headers.set('content-type', contentType);
          if (auth !== undefined) {
            try {
              headers.set('authorization', auth);
            } catch {
              return; // not a valid header value: fetch itself refuses it
            }
          }
          const url = `${origin}${path}${query === undefined ? '' : `?${encodeURIComponent(query)}=${encodeURIComponent(query)}`}`;
          const hasBody = !['GET', 'OPTIONS'].includes(method);
          const response = await server.handle(
            new Request(url, {
              method,
              headers,
              ...(hasBody ? { body: new TextEncoder().encode(body) } : {}),
            }),
          );
          expect(response).toBeDefined();
          if (!response) return;
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('x-request-id')).toBeTruthy();
          const text = await response.text();
          if (text !== '') JSON.parse(text);
          server.wall.ms = T0 * 1000;
          await server.admin.setClock({ set: T0 });
        },
      ),
      { numRuns: 600, seed: 20260101 },
    );
  });

  it('answers random bearer tokens with 401 or 400, never a crash', async () => {
    const server = await makeServer();
    const b64 = (v: unknown) =>
      btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 2 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.string({ maxLength: 20 }),
        async (h, p, sig) => {
          const token = `${b64(h)}.${b64(p)}.${sig.replace(/[^A-Za-z0-9_-]/g, '')}`;
          const response = await server.handle(
            new Request(`${API}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } }),
          );
          expect([400, 401]).toContain(response?.status);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('JSON nested thousands deep is a 400, not a stack overflow', () => {
  const depth = 3000;
  const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const inObject = (nested: string) => `{"claims":{"x":${nested}},"advance":${nested}}`;
  const b64 = (text: string) =>
    btoa(text).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

  const adminRoutes: [string, string][] = [
    ['POST', '/__admin/clock'],
    ['POST', '/__admin/mint'],
    ['POST', '/__admin/keys/rotate'],
    ['POST', '/__admin/tokens/revoke'],
    ['PUT', '/__admin/clients/deep'],
    ['PUT', '/__admin/settings'],
    ['PUT', '/__admin/profile'],
  ];
  for (const [method, path] of adminRoutes) {
    it(`${method} ${path}`, async () => {
      const server = await makeServer();
      for (const body of [arrays, objects, inObject(arrays), inObject(objects)]) {
        const r = await send(
          server,
          new Request(`${ISSUER}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            body,
          }),
        );
        expect(r.status, r.text).toBe(400);
        expect(r.body).toEqual({
          error: 'invalid_request',
          error_description: expect.stringMatching(/deeper than 32 levels/),
        });
      }
    });
  }

  it('POST /oauth/token and /oauth/introspect with a JSON body', async () => {
    const server = await makeServer();
    for (const path of ['/oauth/token', '/oauth/introspect']) {
      const r = await send(server, jsonRequest(`{"grant_type":${objects}}`, {}, path));
      expect(r.status, r.text).toBe(400);
      expect((r.body as { error: string }).error).toBe('invalid_request');
    }
  });

  it('POST /api/v1/orders', async () => {
    const server = await makeServer();
    const token = await tokenFor(server, 'orders-service', 'orders-secret');
    for (const body of [arrays, `{"item":${objects},"quantity":1}`]) {
      const r = await send(
        server,
        api('/api/v1/orders', token, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      );
      expect(r.status, r.text).toBe(400);
      expect(r.body).toEqual({
        error: 'invalid_request',
        error_description: expect.stringMatching(/deeper than 32 levels/),
      });
    }
  });

  it('a bearer token or a client assertion whose header or claims nest that deep', async () => {
    const server = await makeServer();
    const deepHeader = `${b64(`{"alg":${arrays},"typ":"at+jwt"}`)}.${b64('{}')}.sig`;
    const r = await send(server, api('/api/v1/users', deepHeader));
    expect(r.status, r.text).toBe(401);
    const deepClaims = `${b64('{"alg":"ES256"}')}.${b64(`{"iss":${objects}}`)}.sig`;
    const a = await send(
      server,
      form({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: deepClaims,
      }),
    );
    expect(a.status, a.text).toBe(401);
    expect((a.body as { error: string }).error).toBe('invalid_client');
  });
});
