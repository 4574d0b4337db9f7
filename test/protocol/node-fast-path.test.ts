/**
 * What the Node server uses to go fast must answer exactly as the Web path does: a
 * `BufferedRequest` (body bytes, no stream) reads like a `Request`, `respond` serializes what
 * `handle` sends, and an injected signer makes tokens that verify like WebCrypto's.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createNodeSigner } from '../../scripts/node-signer.ts';
import {
  type AccessTokenSigner,
  BufferedRequest,
  type LogEntry,
} from '../../src/protocol/index.ts';
import { API, basic, DEMO, ISSUER, makeServer, T0 } from './helpers.ts';

const utf8 = new TextEncoder();

/** The same request twice: once as fetch makes it, once as the Node adapter does. */
function both(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array<ArrayBuffer> | null,
): [Request, BufferedRequest] {
  const bytes = typeof body === 'string' ? utf8.encode(body) : body;
  return [
    new Request(url, { method, headers, body: bytes }),
    new BufferedRequest(url, { method, headers: new Headers(headers) }, bytes),
  ];
}

/** Status, headers (but the random x-request-id) and body text of an answer. */
async function wire(response: Response | undefined) {
  if (!response) return undefined;
  const headers = [...response.headers].filter(([name]) => name !== 'x-request-id');
  return { status: response.status, headers, body: await response.text() };
}

/** A log entry without what differs between any two requests (id, duration). */
function comparable(entry: LogEntry | undefined) {
  if (!entry) return undefined;
  const { 'x-request-id': _, ...headers } = entry.response.headers;
  return { ...entry, id: '', durationMs: 0, response: { ...entry.response, headers } };
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const token = `${ISSUER}/oauth/token`;
const cases: [
  string,
  string,
  string,
  Record<string, string>,
  string | Uint8Array<ArrayBuffer> | null,
][] = [
  [
    'unknown client',
    'POST',
    token,
    form,
    'grant_type=client_credentials&client_id=nobody&client_secret=x',
  ],
  [
    'no grant_type',
    'POST',
    token,
    { ...form, authorization: basic(DEMO.client_id, DEMO.client_secret) },
    'scope=read%3Ausers',
  ],
  ['bad JSON', 'POST', token, { 'content-type': 'application/json' }, '{"grant_type":'],
  ['duplicate parameter', 'POST', token, form, 'grant_type=a&grant_type=b'],
  ['invalid UTF-8', 'POST', token, form, new Uint8Array([0x67, 0xff, 0x3d])],
  ['a body over 64 KiB', 'POST', token, form, `grant_type=${'x'.repeat(70_000)}`],
  ['an empty POST body', 'POST', token, form, new Uint8Array(0)],
  ['a POST to the API with a form body', 'POST', `${API}/api/v1/orders`, form, 'access_token=abc'],
  ['a wrong method', 'PUT', token, {}, ''],
  ['discovery', 'GET', `${ISSUER}/.well-known/oauth-authorization-server`, {}, null],
];

describe('the Node fast path answers as the Web path does', () => {
  for (const [name, method, url, headers, body] of cases) {
    it(`BufferedRequest + respond = Request + handle: ${name}`, async () => {
      const server = await makeServer();
      const [request, buffered] = both(method, url, headers, body);
      const expected = await wire(await server.handle(request));
      const fromLog = server.admin.log().at(-1);
      const answer = await server.respond(buffered);
      expect(answer).toBeDefined();
      if (!answer) return;
      expect(answer.status).toBe(expected?.status);
      const sent = Object.entries(answer.headers)
        .map(([k, v]) => [k.toLowerCase(), v] as const)
        .filter(([k]) => k !== 'x-request-id')
        .sort(([a], [b]) => (a < b ? -1 : 1));
      expect(sent).toEqual(expected?.headers);
      expect(answer.body ?? '').toBe(expected?.body);
      // The log records the same request either way, body included.
      const logged = server.admin.log().at(-1);
      expect(comparable(logged)).toEqual(comparable(fromLog));
    });
  }

  it('reads like a Request for any other reader: body, text(), clone()', async () => {
    const [, buffered] = both('POST', token, form, 'a=1&b=2');
    expect(buffered.body).not.toBeNull();
    expect(await buffered.clone().text()).toBe('a=1&b=2');
    expect(Object.fromEntries(await buffered.formData())).toEqual({ a: '1', b: '2' });
    const [, get] = both('GET', `${ISSUER}/.well-known/jwks.json`, {}, null);
    expect(get.body).toBeNull();
    expect(await get.text()).toBe('');
  });

  it('normalizes and refuses methods as new Request does', () => {
    const outcome = (make: () => Request) => {
      try {
        return make().method;
      } catch (error) {
        return error instanceof TypeError ? 'TypeError' : String(error);
      }
    };
    for (const method of ['post', 'Get', 'PATCH', 'patch', 'TRACE', 'connect', 'BAD METHOD', '']) {
      const init = { method, headers: new Headers() };
      expect(
        outcome(() => new BufferedRequest(token, init, null)),
        method,
      ).toBe(outcome(() => new Request(token, init)));
    }
    expect(
      outcome(
        () =>
          new BufferedRequest(token, { method: 'GET', headers: new Headers() }, new Uint8Array(1)),
      ),
    ).toBe('TypeError');
    expect(
      new BufferedRequest(
        'HTTP://Auth.Example.com/a/../oauth/%7etoken?x y',
        { method: 'GET', headers: new Headers() },
        null,
      ).url,
    ).toBe(new Request('HTTP://Auth.Example.com/a/../oauth/%7etoken?x y').url);
  });
});

describe('an injected signer', () => {
  const calls: string[] = [];
  const serverSigner = createNodeSigner();
  // The Node server's own signer, watched: which algorithms it was asked to sign.
  const nodeSigner: AccessTokenSigner = (key, alg, data) => {
    calls.push(alg);
    return serverSigner(key, alg, data);
  };

  for (const alg of ['ES256', 'RS256'] as const) {
    it(`signs ${alg} access tokens that verify against the JWKS`, async () => {
      const server = await makeServer({ signer: nodeSigner });
      if (alg === 'RS256') {
        await server.admin.updateSettings({ signingAlg: 'RS256' });
        await server.admin.rotateKeys({});
      }
      calls.length = 0;
      const [request] = both(
        'POST',
        token,
        { ...form, authorization: basic(DEMO.client_id, DEMO.client_secret) },
        'grant_type=client_credentials',
      );
      const response = await server.handle(request);
      if (!response) throw new Error('the core did not answer');
      const { access_token } = (await response.json()) as { access_token: string };
      expect(calls).toEqual([alg]);
      const { payload, protectedHeader } = await jwtVerify(
        access_token,
        createLocalJWKSet(server.admin.jwks()),
        { issuer: ISSUER, audience: API, typ: 'at+jwt', currentDate: new Date(T0 * 1000) },
      );
      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toMatchObject({ sub: DEMO.client_id, client_id: DEMO.client_id });
    });
  }
});

describe('an injected DPoP proof verifier', () => {
  const algs = [
    ['ES256', { name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
    [
      'RS256',
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      { name: 'RSASSA-PKCS1-v1_5' },
    ],
    [
      'PS256',
      {
        name: 'RSA-PSS',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      { name: 'RSA-PSS', saltLength: 32 },
    ],
    ['EdDSA', { name: 'Ed25519' }, { name: 'Ed25519' }],
  ] as const;
  for (const [alg, generate, params] of algs) {
    it(`agrees with WebCrypto on ${alg}: a good signature verifies, a changed byte does not`, async () => {
      const { createNodeVerifier } = await import('../../scripts/node-signer.ts');
      const { webCryptoVerifier } = await import('../../src/protocol/verify-signature.ts');
      const pair = (await crypto.subtle.generateKey(generate, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const data = utf8.encode('header.payload');
      const signature = new Uint8Array(await crypto.subtle.sign(params, pair.privateKey, data));
      const node = createNodeVerifier();
      expect(await node(pair.publicKey, alg, data, signature)).toBe(true);
      expect(await webCryptoVerifier(pair.publicKey, alg, data, signature)).toBe(true);
      const other = utf8.encode('header.payloaD');
      expect(await node(pair.publicKey, alg, other, signature)).toBe(false);
      expect(await webCryptoVerifier(pair.publicKey, alg, other, signature)).toBe(false);
    });
  }
});
