import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  basicCredentials,
  decodeBasicCredentials,
  fillVariables,
  fillVariablesAsync,
  type HttpRequestModel,
  parseHttpRequest,
  printHttpRequest,
} from '../../src/client/http-request.ts';
import { findVariables } from '../../src/client/placeholders.ts';

function parsed(text: string): HttpRequestModel {
  const result = parseHttpRequest(text);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.request;
}

function errorsOf(text: string) {
  const result = parseHttpRequest(text);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('parseHttpRequest', () => {
  it('parses the seed lesson request with a JSON body', () => {
    const text = [
      'POST https://auth.example.com/oauth/token',
      'Content-Type: application/json',
      '',
      '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","scope":"read:users"}',
      '',
    ].join('\n');
    expect(parsed(text)).toEqual({
      method: 'POST',
      url: 'https://auth.example.com/oauth/token',
      headers: [['Content-Type', 'application/json']],
      body: '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","scope":"read:users"}',
    });
  });

  it('accepts an HTTP version, comments, CRLF line endings and leading blank lines', () => {
    const text =
      '\r\n# get a token\r\n// another comment\r\nPOST https://auth.example.com/oauth/token HTTP/1.1\r\nContent-Type: text/plain\r\n# a comment among headers\r\nX-A:   spaced value  \r\n\r\nline one\r\nline two\r\n\r\n';
    expect(parsed(text)).toEqual({
      method: 'POST',
      url: 'https://auth.example.com/oauth/token',
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-A', 'spaced value'],
      ],
      body: 'line one\nline two',
    });
  });

  it('treats a bare URL as GET and has an empty body without a blank line', () => {
    expect(parsed('https://api.example.com/api/v1/users\nAuthorization: Bearer abc')).toEqual({
      method: 'GET',
      url: 'https://api.example.com/api/v1/users',
      headers: [['Authorization', 'Bearer abc']],
      body: '',
    });
  });

  it('joins query continuation lines onto the URL', () => {
    const r = parsed(
      'GET https://api.example.com/api/v1/orders\n    ?page=2\n    &size=10\nAccept: application/json\n',
    );
    expect(r.url).toBe('https://api.example.com/api/v1/orders?page=2&size=10');
    expect(r.headers).toEqual([['Accept', 'application/json']]);
  });

  it('joins the lines of a form-urlencoded body', () => {
    const r = parsed(
      'POST https://auth.example.com/oauth/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials\n&scope=read:users\n',
    );
    expect(r.body).toBe('grant_type=client_credentials&scope=read:users');
  });

  it('keeps duplicate headers in order and a colon inside a value', () => {
    const r = parsed('GET https://a.example/\nX-A: 1\nX-A: 2\nX-Time: 12:30:00\n');
    expect(r.headers).toEqual([
      ['X-A', '1'],
      ['X-A', '2'],
      ['X-Time', '12:30:00'],
    ]);
  });

  it('stops at a ### separator and rejects a second request after it', () => {
    expect(parsed('GET https://a.example/\n###\n# just a comment\n').url).toBe(
      'https://a.example/',
    );
    expect(errorsOf('GET https://a.example/\n\n###\nGET https://b.example/\n')).toEqual([
      {
        line: 4,
        column: 1,
        message: 'Only one request is allowed here: remove what follows the ### line.',
      },
    ]);
  });

  it('parses templates whose URL and headers hold variables', () => {
    const r = parsed(
      'POST {{issuer}}/oauth/token\nAuthorization: Basic {{$basic {{id}} {{secret}}}}\n{{extra_header}}: x\n',
    );
    expect(r.url).toBe('{{issuer}}/oauth/token');
    expect(r.headers[0]).toEqual(['Authorization', 'Basic {{$basic {{id}} {{secret}}}}']);
  });

  it('reports an empty text at line 1, column 1', () => {
    expect(errorsOf('')).toEqual([
      {
        line: 1,
        column: 1,
        message: 'Expected a request line such as "POST https://auth.example.com/oauth/token".',
      },
    ]);
    expect(errorsOf('\n# only comments\n')[0]).toMatchObject({ line: 1, column: 1 });
  });

  it('reports a lower-case method at its column', () => {
    expect(errorsOf('  post https://auth.example.com/oauth/token')).toEqual([
      { line: 1, column: 3, message: 'Methods are case-sensitive: write POST, not post.' },
    ]);
  });

  it('reports an unknown method and a method with a bad character', () => {
    expect(errorsOf('FETCH https://a.example/')[0]).toEqual({
      line: 1,
      column: 1,
      message:
        'Unknown method FETCH: use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT.',
    });
    expect(errorsOf('PO(ST https://a.example/')[0]).toMatchObject({ line: 1, column: 3 });
  });

  it('reports a missing URL after the method', () => {
    expect(errorsOf('POST')).toEqual([
      { line: 1, column: 5, message: 'Expected a URL after POST.' },
    ]);
  });

  it('reports a space inside the URL at its column', () => {
    expect(errorsOf('GET https://a.example/a b')).toEqual([
      {
        line: 1,
        column: 24,
        message:
          'A URL cannot contain spaces: percent-encode them as %20 (or + in a query string).',
      },
    ]);
  });

  it('reports a space in a query continuation line on that line', () => {
    expect(errorsOf('GET https://a.example/\n  ?a=1\n  &b=x y\n')).toEqual([
      {
        line: 3,
        column: 7,
        message:
          'A URL cannot contain spaces: percent-encode them as %20 (or + in a query string).',
      },
    ]);
  });

  it('accepts a tab between method and URL', () => {
    expect(parsed('POST\thttps://a.example/').method).toBe('POST');
  });

  it('reports relative URLs, other schemes and bad HTTP versions', () => {
    expect(errorsOf('GET /oauth/token')[0]).toEqual({
      line: 1,
      column: 5,
      message: '"/oauth/token" is not an absolute URL: start it with https://.',
    });
    expect(errorsOf('GET ftp://a.example/')[0]?.message).toBe(
      'Only http:// and https:// URLs can be sent, not ftp:.',
    );
    expect(errorsOf('GET https://a.example/ HTTP/9')[0]).toEqual({
      line: 1,
      column: 24,
      message: '"HTTP/9" is not an HTTP version: write HTTP/1.1 or leave it out.',
    });
  });

  it('reports a body without a blank line before it, on its line', () => {
    const errors = errorsOf(
      'POST https://auth.example.com/oauth/token\nContent-Type: application/x-www-form-urlencoded\ngrant_type=client_credentials\n',
    );
    expect(errors).toEqual([
      {
        line: 3,
        column: 1,
        message:
          'Expected a header "Name: value" (no ":" found). If this is the body, put a blank line before it.',
      },
    ]);
  });

  it('reports a space before the colon of a header name, and an empty name', () => {
    expect(errorsOf('GET https://a.example/\nContent Type: x\n')).toEqual([
      {
        line: 2,
        column: 8,
        message: 'No space is allowed in a header name or before its ":" (RFC 9112 §5.1).',
      },
    ]);
    expect(errorsOf('GET https://a.example/\n: x\n')).toEqual([
      { line: 2, column: 1, message: 'A header needs a name before the ":".' },
    ]);
    expect(errorsOf('GET https://a.example/\nX-(a): x\n')).toEqual([
      { line: 2, column: 3, message: '"(" cannot appear in a header name.' },
    ]);
  });

  it('collects several errors in one pass', () => {
    const errors = errorsOf('get /x\nBad Header: 1\n');
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [1, 1],
      [1, 5],
      [2, 4],
    ]);
  });
});

describe('parseHttpRequest on any input', () => {
  it('never throws, and every error points inside the text', () => {
    const lineish = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'POST https://a.example/',
        'GET {{x}}',
        'X: y',
        '',
        '###',
        '# c',
        '  ?a=1',
        '{{$basic a b}}: v',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(lineish, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, eol) => {
          const text = lines.join(eol);
          const result = parseHttpRequest(text);
          if (result.ok) return;
          expect(result.errors.length).toBeGreaterThan(0);
          const rows = text.split(/\r\n|\r|\n/);
          for (const e of result.errors) {
            expect(e.line).toBeGreaterThanOrEqual(1);
            expect(e.line).toBeLessThanOrEqual(rows.length);
            expect(e.column).toBeGreaterThanOrEqual(1);
            expect(e.column).toBeLessThanOrEqual((rows[e.line - 1]?.length ?? 0) + 1);
            expect(e.message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('printHttpRequest', () => {
  it('prints request line, headers, blank line and body', () => {
    expect(
      printHttpRequest({
        method: 'POST',
        url: 'https://auth.example.com/oauth/token',
        headers: [['Content-Type', 'application/json']],
        body: '{"a":1}',
      }),
    ).toBe(
      'POST https://auth.example.com/oauth/token\nContent-Type: application/json\n\n{"a":1}\n',
    );
    expect(
      printHttpRequest({ method: 'GET', url: 'https://a.example/', headers: [], body: '' }),
    ).toBe('GET https://a.example/\n');
  });

  it('round-trips any printable request through parse', () => {
    const token = fc
      .stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/)
      .filter((t) => !t.includes('{{'));
    const headerValue = fc
      .string({ maxLength: 30 })
      .filter((v) => !/[\r\n]/.test(v) && v.trim() === v && !v.includes('{{'));
    const body = fc
      .string({ maxLength: 60 })
      .map((b) => b.replace(/\r\n?/g, '\n'))
      .filter((b) => b.trim() !== '' && !/\n\s*$/.test(b) && !/(^|\n)\s*###/.test(b));
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      url: fc.webUrl().filter((u) => !u.includes('{{')),
      headers: fc.array(
        fc
          .tuple(token, headerValue)
          .filter(([n]) => n.toLowerCase() !== 'content-type' && !n.startsWith('#'))
          .map(([n, v]) => [n, v] as [string, string]),
        { maxLength: 5 },
      ),
      body: fc.oneof(fc.constant(''), body),
    });
    fc.assert(
      fc.property(request, (r) => {
        expect(parseHttpRequest(printHttpRequest(r))).toEqual({ ok: true, request: r });
      }),
      { numRuns: 300 },
    );
  });
});

describe('fillVariables and findVariables', () => {
  it('fills plain variables, with or without inner spaces', () => {
    expect(
      fillVariables('{{issuer}}/oauth/token?x={{ x }}', {
        issuer: 'https://auth.example.com',
        x: '1',
      }),
    ).toEqual({
      text: 'https://auth.example.com/oauth/token?x=1',
      missing: [],
      errors: [],
    });
  });

  it('leaves unknown variables in place and lists each once', () => {
    expect(fillVariables('{{a}} {{b}} {{a}} {{constructor}}', { b: 'B' })).toEqual({
      text: '{{a}} B {{a}} {{constructor}}',
      missing: ['a', 'constructor'],
      errors: [],
    });
  });

  it('does not re-expand variables found in substituted values', () => {
    expect(fillVariables('{{a}}', { a: '{{b}}', b: 'no' }).text).toBe('{{b}}');
  });

  it('computes $basic per RFC 6749 §2.3.1, also from variables', () => {
    expect(fillVariables('Basic {{$basic demo-client demo-secret}}', {}).text).toBe(
      `Basic ${btoa('demo-client:demo-secret')}`,
    );
    expect(
      fillVariables('{{$basic {{id}} {{secret}}}}', { id: 'demo-client', secret: 'demo-secret' })
        .text,
    ).toBe(btoa('demo-client:demo-secret'));
    // reserved characters are form-urlencoded before base64: ':' -> %3A, ' ' -> +
    expect(fillVariables('{{$basic "a:b c" "p%ss"}}', {}).text).toBe(btoa('a%3Ab+c:p%25ss'));
  });

  it('keeps $basic unexpanded while an argument is missing', () => {
    expect(fillVariables('{{$basic {{id}} {{secret}}}}', { id: 'x' })).toEqual({
      text: '{{$basic x {{secret}}}}',
      missing: ['secret'],
      errors: [],
    });
  });

  it('reports $basic with the wrong number of arguments, and unknown built-ins', () => {
    expect(fillVariables('{{$basic only-one}}', {})).toEqual({
      text: '{{$basic only-one}}',
      missing: [],
      errors: ['{{$basic}} takes 2 arguments: {{$basic client_id client_secret}}; got 1.'],
    });
    expect(fillVariables('{{$randomInt}}', {}).missing).toEqual(['$randomInt']);
  });

  it('fills $uuid and $timestamp from the injected sources', () => {
    const r = fillVariables(
      '{{$uuid}} {{$timestamp}}',
      {},
      { uuid: () => 'u-1', now: () => 1_712_345_678_999 },
    );
    expect(r.text).toBe('u-1 1712345678');
    expect(fillVariables('{{$uuid}}', {}).text).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('finds variables once each, in order, built-ins with their $', () => {
    expect(
      findVariables('POST {{issuer}}/t\nA: {{$basic {{id}} {{ secret }}}}\n{{issuer}} {{$uuid}}'),
    ).toEqual(['issuer', '$basic', 'id', 'secret', '$uuid']);
    expect(findVariables('no variables { here }')).toEqual([]);
  });
});

describe('basic credentials', () => {
  it('round-trips any id and secret, including colons and non-ASCII', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (id, secret) => {
        expect(decodeBasicCredentials(basicCredentials(id, secret))).toEqual({
          clientId: id,
          clientSecret: secret,
        });
      }),
    );
    expect(decodeBasicCredentials(basicCredentials('ü:id', 'p:a:ss'))).toEqual({
      clientId: 'ü:id',
      clientSecret: 'p:a:ss',
    });
  });

  it('rejects what is not base64 of id:secret', () => {
    expect(decodeBasicCredentials('!!!')).toBeUndefined();
    expect(decodeBasicCredentials(btoa('no-colon'))).toBeUndefined();
    expect(decodeBasicCredentials(btoa('%E0%A4%A:x'))).toBeUndefined();
  });
});

describe('fillVariablesAsync', () => {
  it('signs one assertion per client_id named by {{$client_assertion}}, after filling variables', async () => {
    const signed: string[] = [];
    const result = await fillVariablesAsync(
      'client_assertion={{$client_assertion {{client}}}}&again={{$client_assertion signing-client}}',
      { client: 'signing-client' },
      {
        signAssertion: async (clientId) => {
          signed.push(clientId);
          return `jwt-for-${clientId}`;
        },
      },
    );
    expect(signed).toEqual(['signing-client']);
    expect(result).toEqual({
      text: 'client_assertion=jwt-for-signing-client&again=jwt-for-signing-client',
      missing: [],
      errors: [],
    });
  });

  it('signs {{$assertion}} with the audience and typ it names, apart from {{$client_assertion}}', async () => {
    const calls: unknown[] = [];
    const result = await fillVariablesAsync(
      'a={{$assertion signing-client https://auth.example.com/oauth/token untyped}}&b={{$client_assertion signing-client}}',
      {},
      {
        signAssertion: async (clientId, shape) => {
          calls.push([clientId, shape]);
          return shape ? `${shape.typ}-${shape.audience}` : 'default';
        },
      },
    );
    expect(calls).toEqual([
      ['signing-client', { audience: 'https://auth.example.com/oauth/token', typ: 'untyped' }],
      ['signing-client', undefined],
    ]);
    expect(result.text).toBe('a=untyped-https://auth.example.com/oauth/token&b=default');
  });

  it('reports a client with no signing key instead of sending the placeholder silently', async () => {
    const result = await fillVariablesAsync(
      'a={{$client_assertion stranger}}',
      {},
      {
        signAssertion: async () => undefined,
      },
    );
    expect(result.text).toBe('a={{$client_assertion stranger}}');
    expect(result.errors).toEqual([
      'No signing key for stranger: {{$client_assertion}} signs with the key pair this page made for that client.',
    ]);
  });
});
