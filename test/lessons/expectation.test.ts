/**
 * The one expectation rule (src/lessons/expectation.ts), against real answers of the mock core
 * and the log entries it keeps for them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type HttpRequestModel, parseHttpRequest } from '../../src/client/http-request.ts';
import { type RecordedExchange, sendRequest } from '../../src/client/send-request.ts';
import {
  answerFacts,
  checkExpectation,
  describeAnswer,
  describeExpectation,
  matchExpectation,
} from '../../src/lessons/expectation.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';
let server: MockServer;
let wall: number;

beforeEach(async () => {
  wall = Date.UTC(2030, 0, 1);
  server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => wall });
});

function http(text: string): HttpRequestModel {
  const parsed = parseHttpRequest(text);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.request;
}

const send = (text: string): Promise<RecordedExchange> =>
  sendRequest(http(text), {
    fetch: async (request) => {
      const response = await server.handle(request);
      if (!response) throw new TypeError('no handler');
      return response;
    },
  });

const logOf = (exchange: RecordedExchange) =>
  server.admin.log().find((entry) => entry.id === exchange.requestId);

const token = async () => {
  const exchange = await send(
    `POST ${issuer}/oauth/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=demo-client&client_secret=demo-secret`,
  );
  return (exchange.json as { access_token: string }).access_token;
};

describe('answerFacts', () => {
  it('reads the error of a token endpoint body, and its description', async () => {
    const exchange = await send(
      `POST ${issuer}/oauth/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=demo-client&client_secret=nope`,
    );
    const facts = answerFacts(exchange, logOf(exchange));
    expect(facts).toMatchObject({
      status: 401,
      errors: ['invalid_client'],
      failedCheck: 'checkClientSecret',
      stepsKnown: true,
    });
    expect(facts.errorDescription).toEqual(expect.any(String));
  });

  it('reads the error of a Bearer challenge; a bare challenge has none, the body may', async () => {
    const bad = answerFacts(await send(`GET ${api}/api/v1/users\nAuthorization: Bearer x.y`));
    expect(bad).toMatchObject({ status: 401, errors: ['invalid_token'], stepsKnown: false });
    expect(bad.wwwAuthenticate).toMatch(/^Bearer /);
    const bare = answerFacts(await send(`GET ${api}/api/v1/users`));
    expect(bare.wwwAuthenticate).toMatch(/^Bearer realm="[^"]+"$/);
    // RFC 6750 §3.1: no error code in the challenge; the mock's JSON body names the situation.
    expect(bare.errors).toEqual(['missing_token']);
  });
});

describe('checkExpectation', () => {
  it('meets status, error and challenge text, and says each mismatch', async () => {
    const refused = await send(`GET ${api}/api/v1/orders\nAuthorization: Bearer not.a-jwt`);
    expect(
      matchExpectation(refused, {
        status: 401,
        error: 'invalid_token',
        www_authenticate: 'error="invalid_token"',
      }),
    ).toEqual({ ok: true, reasons: [] });
    const wrong = matchExpectation(refused, {
      status: 403,
      error: 'insufficient_scope',
      www_authenticate: 'insufficient_scope',
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.reasons).toEqual([
      expect.stringMatching(/^Expected status 403, got 401 \(invalid_token: .+\)\.$/),
      'Expected the error insufficient_scope, got invalid_token.',
      expect.stringMatching(
        /^Expected WWW-Authenticate to contain insufficient_scope; it is Bearer /,
      ),
    ]);
  });

  it('needs every error code the answer names to be the expected one', () => {
    const facts = { status: 401, errors: ['invalid_token', 'invalid_request'], stepsKnown: false };
    expect(checkExpectation(facts, { status: 401, error: 'invalid_token' }).reasons).toEqual([
      'Expected the error invalid_token, got invalid_token and invalid_request.',
    ]);
    expect(
      checkExpectation({ status: 401, errors: [], stepsKnown: false }, { error: 'invalid_token' })
        .reasons,
    ).toEqual(['Expected the error invalid_token, but the answer names no error.']);
  });

  it('tells a 401 for a revoked token from a 401 for an expired one by the check that refused', async () => {
    const revoked = await token();
    await send(
      `POST ${issuer}/oauth/revoke\nContent-Type: application/x-www-form-urlencoded\n\ntoken=${revoked}&client_id=demo-client&client_secret=demo-secret`,
    );
    const want = { status: 401, error: 'invalid_token', check: 'checkNotRevoked' } as const;
    const afterRevoke = await send(`GET ${api}/api/v1/users\nAuthorization: Bearer ${revoked}`);
    expect(matchExpectation(afterRevoke, want, logOf(afterRevoke))).toEqual({
      ok: true,
      reasons: [],
    });

    const expired = await token();
    wall += 2 * 3600 * 1000;

    // Same status, same error code: only the check tells them apart.
    const afterExpiry = await send(`GET ${api}/api/v1/users\nAuthorization: Bearer ${expired}`);
    expect(matchExpectation(afterExpiry, { status: 401, error: 'invalid_token' }).ok).toBe(true);
    const judged = matchExpectation(afterExpiry, want, logOf(afterExpiry));
    expect(judged.ok).toBe(false);
    expect(judged.reasons).toEqual([
      expect.stringMatching(
        /^Expected the server to refuse at checkNotRevoked; it refused at checkTimes \(“The access token failed the exp check/,
      ),
    ]);
  });

  it('does not pass a check expectation it cannot verify, nor one for an answer nothing refused', async () => {
    const ok = await send(`GET ${issuer}/.well-known/jwks.json`);
    expect(matchExpectation(ok, { check: 'checkNotRevoked' }).reasons[0]).toMatch(
      /its log has no entry for this answer/,
    );
    expect(matchExpectation(ok, { check: 'checkNotRevoked' }, logOf(ok)).reasons[0]).toMatch(
      /none of its checks refused this request/,
    );
  });

  it('matches the error_description by substring, ignoring case', async () => {
    const refused = await send(`GET ${api}/api/v1/orders\nAuthorization: Bearer not.a-jwt`);
    expect(matchExpectation(refused, { description: 'WELL-FORMED' }).ok).toBe(true);
    expect(matchExpectation(refused, { description: 'revoked' }).reasons[0]).toMatch(
      /^Expected the error_description to contain “revoked”; it says “The access token failed the well-formed check/,
    );
  });
});

describe('describing', () => {
  it('words an expectation and an answer the way badges and reports show them', async () => {
    expect(
      describeExpectation({ status: 401, error: 'invalid_token', check: 'checkNotRevoked' }),
    ).toBe('401 invalid_token at checkNotRevoked');
    expect(describeExpectation({ status: 401, www_authenticate: 'Basic' })).toBe(
      '401 WWW-Authenticate: Basic',
    );
    const refused = await send(`GET ${api}/api/v1/orders\nAuthorization: Bearer not.a-jwt`);
    expect(describeAnswer(answerFacts(refused, logOf(refused)))).toMatch(
      /^401 invalid_token at checkWellFormed \("The access token failed the well-formed check/,
    );
  });
});
