/**
 * The pure parts of the lesson blocks: exercise checks (against real exchanges with the mock
 * core), the flow's message order, and the inspector's time wording. (The expectation rule itself:
 * test/lessons/expectation.test.ts.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  describeExpiry,
  describeRelative,
  formatClock,
  formatUtc,
} from '../../src/client/describe-time.ts';
import { type HttpRequestModel, parseHttpRequest } from '../../src/client/http-request.ts';
import { type RecordedExchange, sendRequest } from '../../src/client/send-request.ts';
import { checkResponse, checkToken, combineChecks } from '../../src/lessons/exercise-check.ts';
import type { ExerciseTokenCheck } from '../../src/lessons/lesson-types.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';
import {
  describeArrow,
  flowActors,
  flowSequence,
} from '../../src/ui/blocks/flow-block/flow-sequence.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';
let server: MockServer;

beforeEach(async () => {
  const t = Date.UTC(2030, 0, 1);
  server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => t });
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

const tokenFor = async (id: string, secret: string, scope?: string) => {
  const exchange = await send(
    `POST ${issuer}/oauth/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=${id}&client_secret=${secret}${scope ? `&scope=${scope}` : ''}`,
  );
  return (exchange.json as { access_token: string }).access_token;
};

const tokenCheck = (over: Partial<ExerciseTokenCheck>): ExerciseTokenCheck => ({
  variable: 'access_token',
  scope_includes: [],
  claims: {},
  ...over,
});

describe('exercise checks', () => {
  it('passes a token with the scope and claims asked for', async () => {
    const token = await tokenFor('orders-service', 'orders-secret', 'read:orders');
    const result = checkToken(
      tokenCheck({ scope_includes: ['read:orders'], claims: { client_id: 'orders-service' } }),
      token,
    );
    expect(result).toEqual({ ok: true, reasons: [] });
  });

  it('names the missing scope and the wrong claim value', async () => {
    const token = await tokenFor('demo-client', 'demo-secret');
    const result = checkToken(
      tokenCheck({ scope_includes: ['read:orders'], claims: { client_id: 'orders-service' } }),
      token,
    );
    expect(result.ok).toBe(false);
    expect(result.reasons).toEqual([
      'The token’s scope is “read:users”; it lacks read:orders.',
      'The token’s client_id is “demo-client”; the goal needs “orders-service”.',
    ]);
  });

  it('explains an empty variable and an opaque token instead of throwing', async () => {
    expect(checkToken(tokenCheck({}), undefined).reasons[0]).toMatch(
      /no token in \{\{access_token\}\} yet/,
    );
    const opaque = await tokenFor('reporting-job', 'reporting-secret');
    const result = checkToken(tokenCheck({ scope_includes: ['read:users'] }), opaque);
    expect(result.ok).toBe(false);
    expect(result.reasons[0]).toMatch(/cannot be read as a JWT: .*opaque token/);
    expect(checkToken(tokenCheck({}), 'a.b.c').ok).toBe(false);
  });

  it('compares status, error and challenge by the expectation rule, saying what came back', async () => {
    const refused = await send(`GET ${api}/api/v1/orders\nAuthorization: Bearer not.a-jwt`);
    expect(checkResponse({ status: 200 }, refused, { kind: 'run' }).reasons).toEqual([
      expect.stringMatching(
        /^The check request: expected status 200, got 401 \(invalid_token: .+\)\.$/,
      ),
    ]);
    expect(
      checkResponse(
        { status: 401, error: 'invalid_token', www_authenticate: 'error="invalid_token"' },
        refused,
        { kind: 'request', title: 'Call the API' },
      ),
    ).toEqual({ ok: true, reasons: [] });
    const wrong = checkResponse({ status: 403, error: 'insufficient_scope' }, refused, {
      kind: 'latest',
    });
    expect(wrong.reasons).toHaveLength(2);
    expect(wrong.reasons[1]).toBe(
      'Your latest response: expected the error insufficient_scope, got invalid_token.',
    );
  });

  it('judges the check that refused by the server log it is given', async () => {
    const refused = await send(`GET ${api}/api/v1/orders\nAuthorization: Bearer not.a-jwt`);
    const log = server.admin.log().find((entry) => entry.id === refused.requestId);
    expect(
      checkResponse({ status: 401, check: 'checkWellFormed' }, refused, { kind: 'run' }, log).ok,
    ).toBe(true);
    expect(
      checkResponse({ status: 401, check: 'checkNotRevoked' }, refused, { kind: 'run' }, log)
        .reasons,
    ).toEqual([
      expect.stringMatching(
        /^The check request: expected the server to refuse at checkNotRevoked; it refused at checkWellFormed/,
      ),
    ]);
  });

  it('asks for the request first, by the title the learner sees, when there is no exchange', () => {
    expect(
      checkResponse({ status: 200 }, undefined, { kind: 'request', title: 'Your turn' }),
    ).toEqual({
      ok: false,
      reasons: ['Send the request “Your turn” first.'],
    });
  });

  it('needs every part to pass', () => {
    const pass = { ok: true, reasons: [] };
    const fail = { ok: false, reasons: ['x'] };
    expect(combineChecks(pass, undefined, pass).ok).toBe(true);
    expect(combineChecks(pass, fail)).toEqual({ ok: false, reasons: ['x'] });
  });
});

describe('flowSequence', () => {
  it('numbers the token request and the API call in order', () => {
    const arrows = flowSequence(['token', 'api']);
    expect(arrows.map((a) => [a.number, a.step, a.from, a.to, a.reply])).toEqual([
      [1, 'token', 'client', 'as', false],
      [2, 'token', 'as', 'client', true],
      [3, 'api', 'client', 'api', false],
      [4, 'api', 'api', 'client', true],
    ]);
    expect(arrows[0]?.label).toBe('POST /oauth/token');
  });

  it('puts introspection inside the API call, whatever the order written', () => {
    const steps = flowSequence(['introspect', 'token', 'api']).map((a) => `${a.from}>${a.to}`);
    expect(steps).toEqual([
      'client>as',
      'as>client',
      'client>api',
      'api>as',
      'as>api',
      'api>client',
    ]);
  });

  it('draws only the actors used', () => {
    expect(flowActors(flowSequence(['token', 'revoke']))).toEqual(['client', 'as']);
    expect(flowActors(flowSequence(['api']))).toEqual(['client', 'api']);
  });

  it('draws workload identity as three parties: the platform’s token, presented, checked with its keys', () => {
    const arrows = flowSequence(['workload', 'token', 'api']);
    expect(arrows.map((a) => `${a.from}>${a.to}`)).toEqual([
      'client>platform',
      'platform>client',
      'client>as',
      'as>platform',
      'platform>as',
      'as>client',
      'client>api',
      'api>client',
    ]);
    expect(arrows[2]?.detail).toBe('client_id, client_assertion=token');
    expect(flowActors(arrows)).toEqual(['platform', 'client', 'as', 'api']);
    // Without a workload token, the token request is the usual one.
    expect(flowSequence(['token'])[0]?.detail).toBe('client credentials, scope');
  });

  it('describes each arrow as a sentence', () => {
    const [first] = flowSequence(['revoke']);
    expect(first && describeArrow(first)).toBe(
      '1. The client sends POST /oauth/revoke (token=…) to the authorization server.',
    );
  });
});

describe('inspector times', () => {
  it('counts down to exp and then says how long ago it expired', () => {
    expect(describeExpiry(1000 + 3552, 1000)).toEqual({ state: 'valid', text: 'expires in 59:12' });
    expect(describeExpiry(1000 + 3600 * 2 + 5, 1000).text).toBe('expires in 2:00:05');
    expect(describeExpiry(1000, 1000 + 180)).toEqual({
      state: 'expired',
      text: 'expired 3 min ago',
    });
    expect(describeExpiry(1000, 1030, 60)).toEqual({
      state: 'leeway',
      text: 'expired 30 s ago, still accepted within the 60 s leeway',
    });
  });

  it('words other times', () => {
    expect(formatClock(59)).toBe('0:59');
    expect(describeRelative(100, 160)).toBe('1 min ago');
    expect(describeRelative(100 + 86_400 * 3, 100)).toBe('in 3 days');
    expect(formatUtc(1_712_349_278)).toBe('2024-04-05 20:34:38 UTC');
  });
});
