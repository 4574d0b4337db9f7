import { describe, expect, it } from 'vitest';
import {
  type ExplainedError,
  errorExplanations,
  explainedErrors,
  explainResponse,
} from '../../src/client/explain-error.ts';
import type { HttpRequestModel } from '../../src/client/http-request.ts';
import type { RecordedExchange } from '../../src/client/send-request.ts';
import type { OAuthErrorCode } from '../../src/protocol/errors.ts';

// Compile-time: every code the protocol core can answer is listed here (tsc fails otherwise).
const protocolCodes: Record<OAuthErrorCode, true> = {
  invalid_request: true,
  invalid_client: true,
  invalid_grant: true,
  unauthorized_client: true,
  unsupported_grant_type: true,
  invalid_scope: true,
  invalid_target: true,
  unsupported_token_type: true,
  invalid_token: true,
  insufficient_scope: true,
  invalid_dpop_proof: true,
  use_dpop_nonce: true,
  server_error: true,
  temporarily_unavailable: true,
  not_found: true,
  method_not_allowed: true,
  too_many_requests: true,
  missing_token: true,
};

const tokenRequest = (body: string, headers: [string, string][] = []): HttpRequestModel => ({
  method: 'POST',
  url: 'https://auth.example.com/oauth/token',
  headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...headers],
  body,
});

const apiRequest = (
  url = 'https://api.example.com/api/v1/orders',
  authorization?: string,
): HttpRequestModel => ({
  method: 'GET',
  url,
  headers: authorization ? [['Authorization', authorization]] : [],
  body: '',
});

function exchange(
  request: HttpRequestModel,
  status: number,
  body: unknown,
  headers: [string, string][] = [],
): RecordedExchange {
  return {
    request,
    status,
    statusText: '',
    headers: [['content-type', 'application/json'], ...headers],
    bodyText: JSON.stringify(body),
    json: body,
    durationMs: 1,
    startedAt: 0,
  };
}

describe('errorExplanations', () => {
  it('explains every code the protocol core can produce', () => {
    for (const code of Object.keys(protocolCodes)) expect(explainedErrors).toContain(code);
    expect(Object.keys(errorExplanations).sort()).toEqual([...explainedErrors].sort());
  });

  for (const code of explainedErrors) {
    it(`explains ${code} with meaning, an RFC link and a fix`, () => {
      const e = errorExplanations[code];
      expect(e.code).toBe(code);
      expect(e.title.length).toBeGreaterThan(5);
      expect(e.meaning.length).toBeGreaterThan(40);
      expect(e.fix.length).toBeGreaterThan(0);
      expect(e.references.length).toBeGreaterThan(0);
      for (const ref of e.references) {
        expect(ref.url).toMatch(/^https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+#section-[\d.]+$/);
        const [, n, section] = /rfc(\d+)#section-([\d.]+)$/.exec(ref.url) ?? [];
        expect(ref.label).toBe(`RFC ${n} §${section}`);
      }
    });
  }

  it('cites the section that defines each code', () => {
    const defining: Record<ExplainedError, string> = {
      invalid_request: 'RFC 6749 §5.2',
      invalid_client: 'RFC 6749 §5.2',
      invalid_grant: 'RFC 6749 §5.2',
      unauthorized_client: 'RFC 6749 §5.2',
      unsupported_grant_type: 'RFC 6749 §5.2',
      invalid_scope: 'RFC 6749 §5.2',
      invalid_target: 'RFC 8707 §2',
      unsupported_token_type: 'RFC 7009 §2.2.1',
      invalid_token: 'RFC 6750 §3.1',
      insufficient_scope: 'RFC 6750 §3.1',
      invalid_dpop_proof: 'RFC 9449 §4.3',
      use_dpop_nonce: 'RFC 9449 §8',
      server_error: 'RFC 6749 §4.1.2.1',
      temporarily_unavailable: 'RFC 6749 §4.1.2.1',
      missing_token: 'RFC 6750 §3.1',
      too_many_requests: 'RFC 6585 §4',
      method_not_allowed: 'RFC 9110 §15.5.6',
      not_found: 'RFC 9110 §15.5.5',
    };
    for (const code of explainedErrors)
      expect(errorExplanations[code].references[0]?.label).toBe(defining[code]);
    expect(errorExplanations.invalid_client.references[0]?.url).toBe(
      'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
    );
  });
});

describe('explainResponse', () => {
  it('is undefined for successes and unknown errors', () => {
    expect(explainResponse(exchange(tokenRequest(''), 200, { access_token: 'x' }))).toBeUndefined();
    expect(explainResponse(exchange(tokenRequest(''), 418, { error: 'teapot' }))).toBeUndefined();
    expect(explainResponse(exchange(tokenRequest(''), 500, 'oops'))).toBeUndefined();
  });

  it('explains a missing grant_type and what was wrong with the request', () => {
    const e = explainResponse(
      exchange(tokenRequest('client_id=demo-client&client_id=x'), 400, {
        error: 'invalid_request',
        error_description: 'grant_type is missing',
      }),
    );
    expect(e).toMatchObject({ code: 'invalid_request', serverSays: 'grant_type is missing' });
    expect(e?.hints).toEqual(['The body has no grant_type.', 'Sent more than once: client_id.']);
  });

  it('spots two client authentication methods at once', () => {
    const e = explainResponse(
      exchange(
        tokenRequest('grant_type=client_credentials&client_id=a&client_secret=b', [
          ['Authorization', `Basic ${btoa('a:b')}`],
        ]),
        400,
        { error: 'invalid_request', error_description: 'more than one method' },
      ),
    );
    expect(e?.hints).toEqual([
      'The client authenticated 2 ways at once: the Basic header and client_secret in the body.',
    ]);
  });

  it('spots a token in the query string at the API', () => {
    const e = explainResponse(
      exchange(
        apiRequest('https://api.example.com/api/v1/users?access_token=abc'),
        400,
        { error: 'invalid_request' },
        [['www-authenticate', 'Bearer realm="api", error="invalid_request"']],
      ),
    );
    expect(e?.hints).toEqual([
      'The URL carries ?access_token=: the API refuses tokens in the query string. Use the Authorization header.',
    ]);
  });

  it('explains invalid_client with a hint for each way of authenticating', () => {
    const basic = explainResponse(
      exchange(
        tokenRequest('grant_type=client_credentials', [['Authorization', 'Basic eDp5']]),
        401,
        { error: 'invalid_client' },
        [['www-authenticate', 'Basic realm="auth"']],
      ),
    );
    expect(basic).toMatchObject({ code: 'invalid_client', status: 401 });
    expect(basic?.hints).toEqual([
      'You used HTTP Basic: check that the header decodes to client_id:client_secret.',
    ]);
    const post = explainResponse(
      exchange(tokenRequest('grant_type=client_credentials&client_id=demo-client'), 401, {
        error: 'invalid_client',
      }),
    );
    expect(post?.hints).toEqual(['client_id demo-client was sent without a client_secret.']);
    const jwt = explainResponse(
      exchange(tokenRequest('client_assertion=a.b.c'), 401, { error: 'invalid_client' }),
    );
    expect(jwt?.hints[0]).toContain('client assertion');
  });

  it('reads JSON bodies of the seed-style request for hints', () => {
    const request: HttpRequestModel = {
      method: 'POST',
      url: 'https://auth.example.com/oauth/token',
      headers: [['Content-Type', 'application/json']],
      body: '{"grant_type":"password","client_id":"demo-client","client_secret":"demo-secret"}',
    };
    const e = explainResponse(exchange(request, 400, { error: 'unsupported_grant_type' }));
    expect(e).toMatchObject({
      code: 'unsupported_grant_type',
      hints: ['You sent grant_type=password.'],
    });
  });

  it('explains invalid_scope and notices commas', () => {
    const e = explainResponse(
      exchange(tokenRequest('grant_type=client_credentials&scope=read:users,write:orders'), 400, {
        error: 'invalid_scope',
      }),
    );
    expect(e?.hints).toEqual([
      'You asked for: read:users,write:orders.',
      'The scope contains commas: separate scopes with spaces.',
    ]);
  });

  it('explains invalid_target with the target asked for', () => {
    const e = explainResponse(
      exchange(tokenRequest('grant_type=client_credentials&audience=https://evil.example'), 400, {
        error: 'invalid_target',
      }),
    );
    expect(e).toMatchObject({
      code: 'invalid_target',
      hints: ['You asked for a token for https://evil.example.'],
    });
  });

  it('takes invalid_token from the challenge when the body has none', () => {
    const e = explainResponse(
      exchange(apiRequest(undefined, 'Bearer x'), 401, undefined, [
        [
          'www-authenticate',
          'Bearer realm="api", error="invalid_token", error_description="the token expired 30 seconds ago"',
        ],
      ]),
    );
    expect(e).toMatchObject({
      code: 'invalid_token',
      status: 401,
      serverSays: 'the token expired 30 seconds ago',
    });
  });

  it('names the scope an insufficient_scope challenge asks for', () => {
    const e = explainResponse(
      exchange(apiRequest(undefined, 'Bearer x'), 403, { error: 'insufficient_scope' }, [
        ['www-authenticate', 'Bearer realm="api", error="insufficient_scope", scope="read:orders"'],
      ]),
    );
    expect(e).toMatchObject({
      code: 'insufficient_scope',
      hints: ['This endpoint needs the scope read:orders.'],
    });
  });

  it('reads a bare Bearer challenge as a missing token (RFC 6750 §3.1)', () => {
    const e = explainResponse(
      exchange(apiRequest(), 401, undefined, [['www-authenticate', 'Bearer realm="api"']]),
    );
    expect(e).toMatchObject({ code: 'missing_token', hints: [] });
    const wrongScheme = explainResponse(
      exchange(apiRequest(undefined, 'Token abc'), 401, { error: 'missing_token' }, [
        ['www-authenticate', 'Bearer realm="api"'],
      ]),
    );
    expect(wrongScheme?.hints).toEqual([
      'An Authorization header was sent ("Token ..."), but not as "Bearer <token>".',
    ]);
  });

  it('explains 429, 405 and 404 by status, whatever the body says', () => {
    expect(
      explainResponse(
        exchange(tokenRequest('grant_type=client_credentials'), 429, { error: 'slow_down' }, [
          ['retry-after', '12'],
        ]),
      ),
    ).toMatchObject({
      code: 'too_many_requests',
      hints: ['Retry-After: 12 — wait that long before the next request.'],
    });
    expect(
      explainResponse(
        exchange({ ...apiRequest(), url: 'https://auth.example.com/oauth/token' }, 405, {}, [
          ['allow', 'POST'],
        ]),
      ),
    ).toMatchObject({
      code: 'method_not_allowed',
      hints: ['You sent GET; this endpoint allows POST.'],
    });
    expect(
      explainResponse(
        exchange(apiRequest('https://api.example.com/nope'), 404, { error: 'not_found' }),
      ),
    ).toMatchObject({
      code: 'not_found',
      hints: ['Nothing at GET https://api.example.com/nope.'],
    });
  });

  it('explains the rest of the codes from the body', () => {
    for (const code of [
      'invalid_grant',
      'unauthorized_client',
      'unsupported_token_type',
      'server_error',
    ] as const) {
      const e = explainResponse(
        exchange(tokenRequest(''), errorExplanations[code].status, {
          error: code,
          error_description: 'd',
        }),
      );
      expect(e).toMatchObject({ code, serverSays: 'd' });
    }
  });
});
