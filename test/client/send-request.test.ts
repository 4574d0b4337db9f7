import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequestModel } from '../../src/client/http-request.ts';
import {
  expectJsonObject,
  OAuthResponseError,
  responseError,
} from '../../src/client/oauth-response-error.ts';
import { findChallenge, parseWwwAuthenticate } from '../../src/client/parse-www-authenticate.ts';
import {
  type RecordedExchange,
  SendRequestError,
  sendRequest,
} from '../../src/client/send-request.ts';

describe('parseWwwAuthenticate', () => {
  it('parses the mock API challenges', () => {
    expect(parseWwwAuthenticate('Bearer realm="api"')).toEqual([
      { scheme: 'Bearer', params: { realm: 'api' } },
    ]);
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://api.example.com", error="insufficient_scope", scope="read:orders", error_description="needs \\"read:orders\\""',
      ),
    ).toEqual([
      {
        scheme: 'Bearer',
        params: {
          realm: 'https://api.example.com',
          error: 'insufficient_scope',
          scope: 'read:orders',
          error_description: 'needs "read:orders"',
        },
      },
    ]);
  });

  it('splits several challenges, with params of both', () => {
    expect(
      parseWwwAuthenticate(
        'Basic realm="a, b", charset="UTF-8", Bearer realm=api,error=invalid_token',
      ),
    ).toEqual([
      { scheme: 'Basic', params: { realm: 'a, b', charset: 'UTF-8' } },
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } },
    ]);
  });

  it('handles bare schemes, token68, BWS around =, empty elements and case', () => {
    expect(
      parseWwwAuthenticate('Negotiate, NTLM abc+/==,  , Bearer  REALM = "x" ,, Error=y'),
    ).toEqual([
      { scheme: 'Negotiate', params: {} },
      { scheme: 'NTLM', params: {}, token68: 'abc+/==' },
      { scheme: 'Bearer', params: { realm: 'x', error: 'y' } },
    ]);
  });

  it('keeps quoted commas, equals signs and escaped backslashes in values', () => {
    expect(parseWwwAuthenticate('Bearer error_description="a=b, c \\\\ d \\q"')).toEqual([
      { scheme: 'Bearer', params: { error_description: 'a=b, c \\ d q' } },
    ]);
  });

  it('keeps the first of a repeated param', () => {
    expect(parseWwwAuthenticate('Bearer error="a", error="b"')[0]?.params).toEqual({ error: 'a' });
  });

  it('never throws on garbage and recovers at the next challenge', () => {
    for (const junk of [
      '',
      ',',
      '"',
      '=',
      'Bearer "unterminated',
      'Bearer realm=',
      'Bearer realm="x" junk',
      '== , ;;',
      'Bearer a="\\',
    ]) {
      expect(() => parseWwwAuthenticate(junk)).not.toThrow();
    }
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="x" junk, Basic realm="y"')).toEqual([
      { scheme: 'Bearer', params: { realm: 'x' } },
      { scheme: 'Basic', params: { realm: 'y' } },
    ]);
  });

  it('round-trips generated challenges (quoted-string escapes, token values, BWS)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}$/);
    const challenge = fc.record({
      scheme: token,
      params: fc.dictionary(
        fc.oneof(
          token.map((n) => n.toLowerCase()),
          fc.constant('__proto__'),
        ),
        fc.tuple(fc.string({ maxLength: 20 }), fc.boolean()),
        { maxKeys: 4 },
      ),
    });
    const quote = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    fc.assert(
      fc.property(
        fc.array(challenge, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(',', ', ', ' ,  '),
        (list, sep) => {
          const header = list
            .map((c) => {
              const params = Object.entries(c.params).map(([k, [v, bare]]) =>
                /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(v) && bare
                  ? `${k}=${v}`
                  : `${k} = ${quote(v)}`,
              );
              return params.length > 0 ? `${c.scheme} ${params.join(sep)}` : c.scheme;
            })
            .join(sep);
          expect(parseWwwAuthenticate(header)).toEqual(
            list.map((c) => ({
              scheme: c.scheme,
              params: Object.fromEntries(Object.entries(c.params).map(([k, [v]]) => [k, v])),
            })),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds a challenge case-insensitively', () => {
    const challenges = parseWwwAuthenticate('Basic realm="a", bearer realm="b"');
    expect(findChallenge(challenges, 'Bearer')?.params.realm).toBe('b');
    expect(findChallenge(challenges, 'DPoP')).toBeUndefined();
  });
});

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/oauth/token') {
        res.writeHead(401, {
          'Content-Type': 'application/json',
          'WWW-Authenticate': 'Basic realm="auth"',
          'x-request-id': 'req-1',
        });
        res.end(JSON.stringify({ error: 'invalid_client', error_description: `echo ${body}` }));
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000);
      } else if (req.url === '/text') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('not json');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/problem+json' });
        res.end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (url: string, body = 'grant_type=client_credentials'): HttpRequestModel => ({
  method: 'POST',
  url,
  headers: [['Content-Type', 'application/x-www-form-urlencoded']],
  body,
});

describe('sendRequest over real HTTP', () => {
  it('records a 401 as an exchange, never throwing', async () => {
    let clock = 1000;
    const exchange = await sendRequest(post(`${origin}/oauth/token`), {
      monotonicNow: () => (clock += 7),
      now: () => 42,
    });
    expect(exchange).toMatchObject({
      status: 401,
      statusText: 'Unauthorized',
      bodyText:
        '{"error":"invalid_client","error_description":"echo grant_type=client_credentials"}',
      json: { error: 'invalid_client', error_description: 'echo grant_type=client_credentials' },
      requestId: 'req-1',
      durationMs: 7,
      startedAt: 42,
    });
    expect(exchange.headers).toContainEqual(['www-authenticate', 'Basic realm="auth"']);
  });

  it('parses +json media types and leaves json undefined when the body does not parse', async () => {
    const get = (url: string): HttpRequestModel => ({ method: 'GET', url, headers: [], body: '' });
    expect((await sendRequest(get(`${origin}/other`))).json).toEqual({ ok: true });
    const bad = await sendRequest(get(`${origin}/text`));
    expect(bad.status).toBe(200);
    expect(bad.json).toBeUndefined();
    expect(bad.requestId).toBeUndefined();
    expect(() => expectJsonObject(bad)).toThrow(
      `Expected a JSON object from ${origin}/text, got: not json`,
    );
  });

  it('throws a typed network error when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const error = await sendRequest(post(`http://127.0.0.1:${port}/oauth/token`)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendRequestError);
    expect(error).toMatchObject({ name: 'SendRequestError', kind: 'network' });
  });

  it('throws an aborted error when the signal fires', async () => {
    const controller = new AbortController();
    const pending = sendRequest(
      { method: 'GET', url: `${origin}/slow`, headers: [], body: '' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({
      name: 'SendRequestError',
      kind: 'aborted',
      message: 'The request was cancelled.',
    });
  });

  it('refuses what fetch cannot send, before sending', async () => {
    await expect(
      sendRequest({ method: 'GET', url: `${origin}/x`, headers: [], body: 'x' }),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
      message: 'fetch cannot send a body with GET: remove the body or use POST.',
    });
    await expect(
      sendRequest({ method: 'GET', url: 'not a url', headers: [], body: '' }),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
    });
    await expect(
      sendRequest({ method: 'GET', url: `${origin}/x`, headers: [['Bad Name', 'v']], body: '' }),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
    });
  });
});

function exchangeOf(status: number, headers: [string, string][], body: unknown): RecordedExchange {
  return {
    request: post('https://api.example.com/api/v1/users'),
    status,
    statusText: '',
    headers,
    bodyText: JSON.stringify(body),
    json: body,
    durationMs: 1,
    startedAt: 0,
  };
}

describe('OAuthResponseError', () => {
  it('takes the error from the body (RFC 6749 §5.2)', () => {
    const e = responseError(
      exchangeOf(400, [], {
        error: 'invalid_scope',
        error_description: 'no such scope',
        error_uri: 'https://x',
      }),
    );
    expect(e).toBeInstanceOf(OAuthResponseError);
    expect(e).toMatchObject({
      name: 'OAuthResponseError',
      status: 400,
      error: 'invalid_scope',
      error_description: 'no such scope',
      error_uri: 'https://x',
      message: 'HTTP 400: invalid_scope: no such scope',
      wwwAuthenticate: [],
    });
  });

  it('falls back to the WWW-Authenticate challenge (RFC 6750 §3)', () => {
    const e = responseError(
      exchangeOf(
        403,
        [
          [
            'www-authenticate',
            'Bearer realm="api", error="insufficient_scope", scope="read:orders", error_description="needs read:orders"',
          ],
        ],
        undefined,
      ),
    );
    expect(e).toMatchObject({
      status: 403,
      error: 'insufficient_scope',
      error_description: 'needs read:orders',
    });
    expect(e?.wwwAuthenticate[0]?.params.scope).toBe('read:orders');
  });

  it('has no code for a bare challenge, and nothing for a success', () => {
    expect(
      responseError(exchangeOf(401, [['www-authenticate', 'Bearer realm="api"']], undefined)),
    ).toMatchObject({
      error: undefined,
      message: 'HTTP 401',
    });
    expect(responseError(exchangeOf(200, [], { ok: true }))).toBeUndefined();
    expect(expectJsonObject(exchangeOf(200, [], { ok: true }))).toEqual({ ok: true });
    expect(() => expectJsonObject(exchangeOf(500, [], { error: 'server_error' }))).toThrow(
      OAuthResponseError,
    );
  });
});
