import fc from 'fast-check';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseHttpRequest, printHttpRequest } from '../../src/client/http-request.ts';
import {
  buildTokenRequest,
  CLIENT_ASSERTION_TYPE,
  type ClientAuthMethod,
  clientAuthMethods,
  formFromHttpRequest,
  signClientAssertion,
  type TokenRequestForm,
} from '../../src/client/token-request.ts';

const issuer = 'https://auth.example.com';
const tokenEndpoint = 'https://auth.example.com/oauth/token';

const demo: TokenRequestForm = {
  grantType: 'client_credentials',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  authMethod: 'client_secret_post_json',
  scope: ['read:users'],
};

async function signingKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'client-key-1', alg: 'ES256' };
  return { privateJwk, publicKey };
}

describe('buildTokenRequest', () => {
  it('builds the seed article JSON request', async () => {
    expect(await buildTokenRequest(demo, { issuer })).toEqual({
      method: 'POST',
      url: tokenEndpoint,
      headers: [['Content-Type', 'application/json']],
      body: '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","scope":"read:users"}',
    });
  });

  it('builds client_secret_post as a form body, scopes space-delimited', async () => {
    const r = await buildTokenRequest(
      {
        ...demo,
        authMethod: 'client_secret_post',
        scope: ['read:users', 'read:orders'],
        resource: 'https://api.example.com',
      },
      { issuer: `${issuer}/` },
    );
    expect(r).toEqual({
      method: 'POST',
      url: tokenEndpoint,
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=read%3Ausers+read%3Aorders&resource=https%3A%2F%2Fapi.example.com',
    });
    expect(new URLSearchParams(r.body).get('scope')).toBe('read:users read:orders');
  });

  it('builds client_secret_basic with form-urlencoded id and secret (RFC 6749 §2.3.1)', async () => {
    const r = await buildTokenRequest(
      {
        ...demo,
        authMethod: 'client_secret_basic',
        clientId: 'my client',
        clientSecret: 'p:ss%w0rd',
        audience: 'https://api.example.com',
      },
      { issuer },
    );
    expect(r.headers).toEqual([
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Authorization', `Basic ${btoa('my+client:p%3Ass%25w0rd')}`],
    ]);
    expect(r.body).toBe(
      'grant_type=client_credentials&scope=read%3Ausers&audience=https%3A%2F%2Fapi.example.com',
    );
  });

  it('leaves out empty parameters (to show invalid_request for a missing grant_type)', async () => {
    const r = await buildTokenRequest(
      { ...demo, grantType: '', scope: [], clientSecret: '' },
      { issuer },
    );
    expect(r.body).toBe('{"client_id":"demo-client"}');
  });

  it('uses the token endpoint from discovery when given', async () => {
    const r = await buildTokenRequest(demo, {
      issuer,
      tokenEndpoint: 'https://auth.example.com/other/token',
    });
    expect(r.url).toBe('https://auth.example.com/other/token');
  });

  it('signs another shape only when asked ({{$assertion}}): the aud given, typ left out when untyped', async () => {
    const { privateJwk } = await signingKey();
    const jwt = await signClientAssertion('signing-client', issuer, privateJwk, {
      shape: { audience: `${issuer}/oauth/token`, typ: 'untyped' },
    });
    const [header, payload] = jwt
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))));
    expect(header).not.toHaveProperty('typ');
    expect(payload.aud).toBe(`${issuer}/oauth/token`);
    const typed = await signClientAssertion('signing-client', issuer, privateJwk, {
      shape: { audience: 'https://other.example', typ: 'typed' },
    });
    expect(
      JSON.parse(atob((typed.split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/'))).typ,
    ).toBe('client-authentication+jwt');
  });

  it('signs a client assertion the way draft-ietf-oauth-rfc7523bis asks: typed, aud = issuer', async () => {
    const { privateJwk, publicKey } = await signingKey();
    const now = 1_800_000_000_000;
    const r = await buildTokenRequest(
      {
        ...demo,
        clientId: 'signing-client',
        clientSecret: '',
        authMethod: 'private_key_jwt',
        scope: ['read:orders'],
      },
      { issuer, privateJwk, now: () => now, jti: () => 'jti-1' },
    );
    const params = new URLSearchParams(r.body);
    expect([...params.keys()]).toEqual([
      'grant_type',
      'client_id',
      'client_assertion_type',
      'client_assertion',
      'scope',
    ]);
    expect(params.get('client_assertion_type')).toBe(CLIENT_ASSERTION_TYPE);
    const { payload, protectedHeader } = await jwtVerify(
      params.get('client_assertion') ?? '',
      publicKey,
      {
        currentDate: new Date(now),
        audience: issuer,
        issuer: 'signing-client',
        subject: 'signing-client',
        typ: 'client-authentication+jwt',
      },
    );
    expect(protectedHeader).toEqual({
      alg: 'ES256',
      typ: 'client-authentication+jwt',
      kid: 'client-key-1',
    });
    // aud is the issuer identifier as a single string: never the token endpoint, never an array.
    expect(payload).toEqual({
      iss: 'signing-client',
      sub: 'signing-client',
      aud: issuer,
      jti: 'jti-1',
      iat: now / 1000,
      exp: now / 1000 + 60,
    });
  });

  it('gives every assertion a new jti by default', async () => {
    const { privateJwk } = await signingKey();
    const form: TokenRequestForm = { ...demo, authMethod: 'private_key_jwt' };
    const a = new URLSearchParams((await buildTokenRequest(form, { issuer, privateJwk })).body).get(
      'client_assertion',
    );
    const b = new URLSearchParams((await buildTokenRequest(form, { issuer, privateJwk })).body).get(
      'client_assertion',
    );
    const jti = (jwt: string | null) => JSON.parse(atob((jwt ?? '').split('.')[1] ?? '')).jti;
    expect(jti(a)).not.toBe(jti(b));
  });

  it('refuses private_key_jwt without a key', async () => {
    await expect(
      buildTokenRequest({ ...demo, authMethod: 'private_key_jwt' }, { issuer }),
    ).rejects.toThrow('private_key_jwt needs the client private key (privateJwk) to sign.');
  });
});

describe('formFromHttpRequest', () => {
  it('round-trips every auth method: form -> request -> form', async () => {
    const { privateJwk } = await signingKey();
    const scopeToken = fc.stringMatching(/^[\x21\x23-\x5B\x5D-\x7E]{1,12}$/);
    const text = fc.string({ maxLength: 20 });
    const form = fc.record(
      {
        grantType: fc.constantFrom('client_credentials', 'password', ''),
        clientId: text,
        clientSecret: text,
        authMethod: fc.constantFrom(...clientAuthMethods),
        scope: fc.array(scopeToken, { maxLength: 4 }),
        audience: fc.webUrl(),
        resource: fc.webUrl(),
      },
      { requiredKeys: ['grantType', 'clientId', 'clientSecret', 'authMethod', 'scope'] },
    );
    await fc.assert(
      fc.asyncProperty(form, async (f) => {
        // what the wire cannot carry: empty strings mean "absent"; private_key_jwt has no secret
        const expected: TokenRequestForm = { ...f };
        if (f.authMethod === 'private_key_jwt') expected.clientSecret = '';
        const request = await buildTokenRequest(f, { issuer, privateJwk });
        const back = formFromHttpRequest(request);
        expect(back.ok).toBe(true);
        if (back.ok) expect(back.form).toEqual(expected);
        // and through the raw editor text too
        const reparsed = parseHttpRequest(printHttpRequest(request));
        expect(reparsed.ok && formFromHttpRequest(reparsed.request)).toEqual(back);
      }),
      { numRuns: 120 },
    );
  });

  it('returns the client assertion and takes client_id from its iss when absent', async () => {
    const { privateJwk } = await signingKey();
    const request = await buildTokenRequest(
      { ...demo, clientId: 'signing-client', authMethod: 'private_key_jwt' },
      { issuer, privateJwk },
    );
    const params = new URLSearchParams(request.body);
    params.delete('client_id');
    const back = formFromHttpRequest({ ...request, body: params.toString() });
    expect(back).toEqual({
      ok: true,
      form: {
        grantType: 'client_credentials',
        clientId: 'signing-client',
        clientSecret: '',
        authMethod: 'private_key_jwt',
        scope: ['read:users'],
      },
      clientAssertion: params.get('client_assertion'),
    });
  });

  it('reads hand-written requests from the raw editor', () => {
    const r = parseHttpRequest(
      'POST https://auth.example.com/oauth/token\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\nauthorization: basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=\n\ngrant_type=client_credentials\n&scope=read:users%20read:orders\n',
    );
    expect(r.ok && formFromHttpRequest(r.request)).toEqual({
      ok: true,
      form: {
        grantType: 'client_credentials',
        clientId: 'demo-client',
        clientSecret: 'demo-secret',
        authMethod: 'client_secret_basic',
        scope: ['read:users', 'read:orders'],
      },
    });
  });

  const base = { method: 'POST', url: tokenEndpoint, body: 'grant_type=client_credentials' };
  const formType: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];
  const cases: [string, Parameters<typeof formFromHttpRequest>[0], string][] = [
    [
      'another method',
      { ...base, method: 'GET', headers: [], body: '' },
      'The form only builds POST requests; this is GET.',
    ],
    [
      'another endpoint',
      { ...base, url: 'https://auth.example.com/oauth/introspect', headers: [formType] },
      'The form only targets the token endpoint (/oauth/token).',
    ],
    [
      'a query string',
      { ...base, url: `${tokenEndpoint}?x=1`, headers: [formType] },
      'The form cannot show a query string.',
    ],
    [
      'an extra header',
      { ...base, headers: [formType, ['Accept', 'application/json']] },
      'The form has no field for the Accept header.',
    ],
    [
      'a repeated header',
      { ...base, headers: [formType, formType] },
      'The Content-Type header appears twice.',
    ],
    ['no content type', { ...base, headers: [] }, 'There is no Content-Type header.'],
    [
      'another content type',
      { ...base, headers: [['Content-Type', 'text/plain']] },
      'The form only sends JSON or form bodies, not text/plain.',
    ],
    [
      'bad JSON',
      { ...base, headers: [['Content-Type', 'application/json']], body: '{' },
      'The body is not valid JSON.',
    ],
    [
      'a JSON array',
      { ...base, headers: [['Content-Type', 'application/json']], body: '[]' },
      'The JSON body is not an object.',
    ],
    [
      'a JSON number value',
      { ...base, headers: [['Content-Type', 'application/json']], body: '{"scope":1}' },
      'The form only holds strings; "scope" is 1.',
    ],
    [
      'a repeated parameter',
      { ...base, headers: [formType], body: 'scope=a&scope=b' },
      'The parameter scope is sent twice.',
    ],
    [
      'an unknown parameter',
      { ...base, headers: [formType], body: 'grant_type=client_credentials&foo=bar' },
      'The form has no field for the parameter foo.',
    ],
    [
      'two auth methods',
      {
        ...base,
        headers: [formType, ['Authorization', `Basic ${btoa('a:b')}`]],
        body: 'client_secret=b',
      },
      'The request authenticates twice (Basic header and client_secret in the body); the server will refuse it.',
    ],
    [
      'Bearer auth',
      { ...base, headers: [formType, ['Authorization', 'Bearer x']] },
      'The form only builds Basic Authorization headers.',
    ],
    [
      'broken Basic',
      { ...base, headers: [formType, ['Authorization', 'Basic %%%']] },
      'The Basic credentials are not base64 of "client_id:client_secret".',
    ],
    [
      'Basic with JSON',
      {
        ...base,
        headers: [
          ['Content-Type', 'application/json'],
          ['Authorization', `Basic ${btoa('a:b')}`],
        ],
        body: '{}',
      },
      'The form sends Basic authentication with a form body, not JSON.',
    ],
    [
      'a foreign assertion type',
      { ...base, headers: [formType], body: 'client_assertion_type=urn:x&client_assertion=a.b.c' },
      `The form only knows client_assertion_type=${CLIENT_ASSERTION_TYPE}.`,
    ],
    [
      'a secret and an assertion',
      {
        ...base,
        headers: [formType],
        body: `client_secret=s&client_assertion_type=${CLIENT_ASSERTION_TYPE}&client_assertion=a.b.c`,
      },
      'The request sends both a secret and an assertion.',
    ],
  ];
  for (const [what, request, reason] of cases) {
    it(`says why it cannot show ${what}`, () => {
      expect(formFromHttpRequest(request)).toEqual({ ok: false, reason });
    });
  }

  it('checks the exact token endpoint when told', () => {
    const r = { ...base, headers: [formType] };
    expect(formFromHttpRequest(r, { tokenEndpoint }).ok).toBe(true);
    expect(formFromHttpRequest(r, { tokenEndpoint: 'http://localhost:8787/oauth/token' })).toEqual({
      ok: false,
      reason: 'The form only targets http://localhost:8787/oauth/token.',
    });
  });

  it('knows all four auth methods', () => {
    const methods: ClientAuthMethod[] = [
      'client_secret_post_json',
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ];
    expect(clientAuthMethods).toEqual(methods);
  });
});
