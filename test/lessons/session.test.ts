/**
 * The lesson session (src/lessons/session.ts) against the mock core: what Send does in the page,
 * in lessons:check and in the tests.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type HttpRequestModel, parseHttpRequest } from '../../src/client/http-request.ts';
import { sendRequest } from '../../src/client/send-request.ts';
import { compileLesson } from '../../src/lessons/compile-lesson.ts';
import type { CompiledLesson } from '../../src/lessons/lesson-types.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../../src/lessons/parse-http-request.ts';
import { LessonSession, memoryLessonStore } from '../../src/lessons/session.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';
import { FILE, FRONT_MATTER, fence } from './fixture.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';
let server: MockServer;
let sent: string[];

beforeEach(async () => {
  server = await createMockServer({ issuer, apiOrigin: api, audience: api });
  sent = [];
});

function http(text: string): HttpRequestModel {
  const parsed = parseHttpRequest(text);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.request;
}

function lesson(...blocks: string[]): CompiledLesson {
  const result = compileLesson([FRONT_MATTER, ...blocks].join('\n'), FILE);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.lesson;
}

function session(compiled?: CompiledLesson) {
  return new LessonSession(compiled, memoryLessonStore(), {
    async send(request) {
      sent.push(request.url);
      return sendRequest(request, {
        fetch: async (r) => (await server.handle(r)) ?? new Response(null, { status: 599 }),
      });
    },
    serverLog: (id) => server.admin.log().find((entry) => entry.id === id),
    allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
  });
}

const TOKEN = fence(
  'request id=get-token title="Get a token" expect=200 save=access_token',
  'POST https://auth.example.com/oauth/token',
  'Content-Type: application/x-www-form-urlencoded',
  '',
  'grant_type=client_credentials&client_id=orders-service&client_secret=orders-secret',
);

describe('LessonSession', () => {
  it('sends a block, saves its variables from a 2xx and marks it done', async () => {
    const s = session(lesson(TOKEN));
    const [block] = s.requestBlocks;
    if (!block) throw new Error('no block');
    const outcome = await s.sendBlock(block);
    expect(outcome).toMatchObject({ saved: ['access_token'], expectation: { ok: true } });
    expect(s.state.vars.access_token).toMatch(/^ey/);
    expect(s.state.progress).toEqual({ 'get-token': 'done' });
    expect(s.state.statuses).toEqual({ 'get-token': 200 });
  });

  it('says which block saves a missing variable, and sends nothing', async () => {
    const s = session(lesson(TOKEN));
    const outcome = await s.send(
      'use',
      http(`GET ${api}/api/v1/orders\nAuthorization: Bearer {{access_token}}`),
    );
    expect(outcome).toEqual({
      error:
        'This request uses {{access_token}}, which has no value yet. Send “Get a token” first: it saves the value.',
      missing: ['access_token'],
    });
    expect(sent).toEqual([]);
  });

  it('keeps a step done when a later try fails, and judges by the check that refused', async () => {
    const s = session();
    const want = { status: 401, error: 'invalid_token', check: 'checkNotRevoked' } as const;
    const malformed = await s.send(
      'step',
      http(`GET ${api}/api/v1/users\nAuthorization: Bearer a.b`),
      { expect: want },
    );
    // 401 invalid_token, but not for the reason the step is about.
    expect(malformed).toMatchObject({ expectation: { ok: false } });
    expect(s.state.progress.step).toBe('failed');
  });

  it('refuses a filled URL outside the mock servers, whatever a variable holds', async () => {
    const s = session();
    // Compiles (the neutralised URL's origin is the API's), but userinfo can hide a host.
    const request = http(`GET https://{{where}}@api.example.com/api/v1/users`);
    s.setVar('where', 'evil.example/');
    const outcome = await s.send('steal', request);
    expect(outcome).toMatchObject({
      refusedOrigin: 'https://evil.example',
      error: expect.stringMatching(
        /^Not sent: once its variables were filled, this request would go to https:\/\/evil\.example, which is not one of the playground's mock servers/,
      ),
    });
    expect(sent).toEqual([]);
    expect(s.state.exchanges).toEqual({});
  });

  it('reports a save rule whose path a 2xx answer lacks', async () => {
    const s = session(
      lesson(
        fence(
          'request id=t expect=200 save="token=access_token refresh=refresh_token"',
          'POST https://auth.example.com/oauth/token',
          'Content-Type: application/x-www-form-urlencoded',
          '',
          'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
        ),
      ),
    );
    const [block] = s.requestBlocks;
    if (!block) throw new Error('no block');
    const outcome = await s.sendBlock(block);
    expect(outcome).toMatchObject({
      saved: ['token'],
      unsaved: [{ variable: 'refresh', path: ['refresh_token'] }],
    });
  });
});
