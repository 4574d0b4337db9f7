/**
 * The learner's client side of DPoP (src/client/dpop.ts) and `{{$dpop}}` in the lesson session:
 * proofs the mock core accepts, the nonce round trip, the thief's key refused, and the exports.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  accessTokenHash,
  dpopHtu,
  forgetDpopKeys,
  getDpopKey,
  proofThumbprint,
  signDpopProof,
} from '../../src/client/dpop.ts';
import { toCurl, toFetch, toPlaywrightTest } from '../../src/client/export-request.ts';
import { type HttpRequestModel, parseHttpRequest } from '../../src/client/http-request.ts';
import { sendRequest } from '../../src/client/send-request.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../../src/lessons/parse-http-request.ts';
import { LessonSession, memoryLessonStore } from '../../src/lessons/session.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';
let server: MockServer;

beforeEach(async () => {
  server = await createMockServer({ issuer, apiOrigin: api, audience: api });
  forgetDpopKeys();
});

function http(text: string): HttpRequestModel {
  const parsed = parseHttpRequest(text);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.request;
}

function session() {
  return new LessonSession(undefined, memoryLessonStore(), {
    send: (request) =>
      sendRequest(request, {
        fetch: async (r) => (await server.handle(r)) ?? new Response(null, { status: 599 }),
      }),
    serverLog: (id) => server.admin.log().find((entry) => entry.id === id),
    signDpopProof: async (key, input) => signDpopProof(await getDpopKey(key), input),
    allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
  });
}

const TOKEN = http(`POST ${issuer}/oauth/token
Authorization: Basic {{$basic dpop-client dpop-secret}}
Content-Type: application/x-www-form-urlencoded
DPoP: {{$dpop}}

grant_type=client_credentials&scope=read:users`);

const CALL = (proof: string, scheme = 'DPoP') =>
  http(`GET ${api}/api/v1/users
Authorization: ${scheme} {{access_token}}
${proof === '' ? '' : `DPoP: ${proof}`}`);

describe('DPoP proofs made in the page', () => {
  it('carries typ, alg, the public jwk, jti, htm, htu without query, iat, ath and nonce', async () => {
    const key = await getDpopKey('mine');
    const proof = await signDpopProof(key, {
      method: 'GET',
      url: `${api}/api/v1/users?page=2#top`,
      accessToken: 'a.b.c',
      nonce: 'n-1',
      iat: 1767225600,
    });
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(header.jwk).toEqual(key.publicJwk);
    expect(header.jwk).not.toHaveProperty('d');
    expect(decodeJwt(proof)).toMatchObject({
      htm: 'GET',
      htu: `${api}/api/v1/users`,
      iat: 1767225600,
      ath: await accessTokenHash('a.b.c'),
      nonce: 'n-1',
    });
    expect(await proofThumbprint(header.jwk)).toBe(key.jkt);
    expect(dpopHtu('https://API.example.com:443/x?y')).toBe('https://api.example.com/x');
  });

  it('keeps one key per name, and a thief’s key is another', async () => {
    const mine = await getDpopKey('mine');
    expect((await getDpopKey('mine')).jkt).toBe(mine.jkt);
    expect((await getDpopKey('thief')).jkt).not.toBe(mine.jkt);
  });
});

describe('{{$dpop}} in the lesson session', () => {
  it('binds the token to the page’s key and calls the API with a fresh proof', async () => {
    const s = session();
    const token = await s.send('token', TOKEN, {
      save: [{ variable: 'access_token', path: ['access_token'] }],
    });
    if ('error' in token) throw new Error(token.error);
    expect(token.exchange.status).toBe(200);
    expect((token.exchange.json as { token_type: string }).token_type).toBe('DPoP');
    const claims = decodeJwt(s.state.vars.access_token ?? '');
    expect(claims.cnf).toEqual({ jkt: (await getDpopKey('mine')).jkt });
    const call = await s.send('call', CALL('{{$dpop}}'));
    if ('error' in call) throw new Error(call.error);
    expect(call.exchange.status).toBe(200);
    // A second send makes a second proof: nothing is replayed.
    const again = await s.send('call', CALL('{{$dpop}}'));
    if ('error' in again) throw new Error(again.error);
    expect(again.exchange.status).toBe(200);
  });

  it('is refused with the thief’s key, and as Bearer', async () => {
    const s = session();
    await s.send('token', TOKEN, { save: [{ variable: 'access_token', path: ['access_token'] }] });
    const thief = await s.send('call', CALL('{{$dpop_thief}}'));
    if ('error' in thief) throw new Error(thief.error);
    expect(thief.exchange.status).toBe(401);
    expect(
      server.admin
        .log()
        .at(-1)
        ?.steps.find((step) => !step.ok)?.name,
    ).toBe('checkDpopBinding');
    const bearer = await s.send('call', CALL('', 'Bearer'));
    if ('error' in bearer) throw new Error(bearer.error);
    expect(bearer.exchange.status).toBe(401);
  });

  it('learns the nonce from DPoP-Nonce and puts it in the next proof (RFC 9449 §8)', async () => {
    await server.admin.updateSettings({ dpopNonce: 'on' });
    const s = session();
    const first = await s.send('token', TOKEN);
    if ('error' in first) throw new Error(first.error);
    expect(first.exchange.status).toBe(400);
    const second = await s.send('token', TOKEN, {
      save: [{ variable: 'access_token', path: ['access_token'] }],
    });
    if ('error' in second) throw new Error(second.error);
    expect(second.exchange.status).toBe(200);
    // The API has a nonce of its own: one round trip there too.
    const call = await s.send('call', CALL('{{$dpop}}'));
    if ('error' in call) throw new Error(call.error);
    expect(call.exchange.status).toBe(401);
    const retry = await s.send('call', CALL('{{$dpop}}'));
    if ('error' in retry) throw new Error(retry.error);
    expect(retry.exchange.status).toBe(200);
  });

  it('says why when no proof can be made (no signer)', async () => {
    const s = new LessonSession(undefined, memoryLessonStore(), {
      send: async () => {
        throw new Error('not sent');
      },
    });
    expect(await s.send('token', TOKEN)).toMatchObject({
      error: expect.stringContaining('No DPoP proof could be made for {{$dpop}}'),
    });
  });
});

describe('exports of a DPoP request', () => {
  it('say in curl and fetch that the proof is good once', async () => {
    const request = http(`GET ${api}/api/v1/users\nAuthorization: DPoP t\nDPoP: eyJ.x.y`);
    expect(toCurl(request)).toMatch(/^# The DPoP proof below is good for one request/);
    expect(toFetch(request)).toMatch(/^\/\/ The DPoP proof below is good for one request/);
    expect(toCurl(http(`GET ${api}/api/v1/users`))).toMatch(/^curl /);
  });

  it('cannot be a Playwright test: the proof needs the page’s key', () => {
    const step = { title: 'call', request: CALL('{{$dpop}}') };
    expect(toPlaywrightTest({ id: 'call', setup: [], step })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('{{$dpop}}'),
    });
  });
});
