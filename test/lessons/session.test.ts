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
import { checkKey, LessonSession, memoryLessonStore } from '../../src/lessons/session.ts';
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
    mark: () => {
      const clock = server.admin.clock();
      const settings = server.admin.settings();
      return {
        frozen: clock.frozen,
        now: clock.now,
        offset: clock.offset,
        settings: JSON.stringify(settings),
        leeway: settings.leewaySeconds,
      };
    },
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

  it("keeps the learner's last exchange while exercises check themselves", async () => {
    const s = session(lesson(TOKEN));
    const [block] = s.requestBlocks;
    if (!block) throw new Error('no block');
    await s.sendBlock(block);
    const check = await s.send(checkKey('an-exercise'), http(`GET ${api}/api/v1/nope`));
    if (!('exchange' in check)) throw new Error(check.error);
    expect(s.state.lastExchange?.key).toBe('an-exercise#check');
    expect(s.state.lastLearnerExchange?.key).toBe('get-token');
    expect(s.state.lastLearnerExchange?.exchange.status).toBe(200);
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

describe('setting a lesson up, and telling when the server moved since', () => {
  const frontMatter = (extra: string) =>
    ['---', 'title: T', 'summary: S.', 'order: 7', 'duration: 5 min', extra, '---', ''].join('\n');
  const timeTravel = (): CompiledLesson => {
    const result = compileLesson(
      [
        frontMatter('server:\n  clock: frozen\n  settings: { leewaySeconds: 120 }'),
        TOKEN,
        fence(
          'request id=jump title="Clock + 3800 s" expect=200',
          'POST https://auth.example.com/__admin/clock',
          'Content-Type: application/json',
          '',
          '{"advance": 3800}',
        ),
        fence(
          'request id=expired title="Expired" expect="401 invalid_token at checkTimes"',
          'GET https://api.example.com/api/v1/orders',
          'Authorization: Bearer {{access_token}}',
        ),
      ].join('\n'),
      FILE,
    );
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    return result.lesson;
  };

  it('sets up the declared clock and settings, keeping what the learner made', async () => {
    await server.admin.putClient('mine', { client_secret: 'm', scopes: [] });
    await server.admin.setClock({ advance: 999 });
    const s = session(timeTravel());
    expect(await s.setUp()).toEqual({});
    expect(server.admin.clock()).toMatchObject({ offset: 0, frozen: true });
    expect(server.admin.settings().leewaySeconds).toBe(120);
    expect(server.admin.getClient('mine')).toBeDefined();
    expect(s.state.mark).toMatchObject({ frozen: true });
    expect(s.drift()).toEqual([]);
  });

  it('holds a step sent during the set-up until it is done, and sends the set-up by `control` when given', async () => {
    await server.admin.setClock({ advance: 999 });
    let releaseServers: () => void = () => {};
    const serversUp = new Promise<void>((resolve) => {
      releaseServers = resolve;
    });
    const order: string[] = [];
    const s = new LessonSession(timeTravel(), memoryLessonStore(), {
      async send(request) {
        await serversUp;
        order.push(`send ${new URL(request.url).pathname}`);
        return sendRequest(request, {
          fetch: async (r) => (await server.handle(r)) ?? new Response(null, { status: 599 }),
        });
      },
      async control(request) {
        await serversUp;
        order.push(`control ${new URL(request.url).pathname}`);
        const response = await server.handle(
          new Request(request.url, {
            method: request.method,
            headers: request.headers,
            body: request.body,
          }),
        );
        return { status: response?.status ?? 599 };
      },
      allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
    });
    // The page starts the set-up as the lesson opens, while the servers still start; a Send
    // pressed then is made before the servers answer anything.
    const setUp = s.setUp();
    const [token] = s.requestBlocks;
    if (!token) throw new Error('block');
    const step = s.sendBlock(token);
    releaseServers();
    expect(await setUp).toEqual({});
    expect(await step).toMatchObject({ exchange: { status: 200 } });
    expect(order).toEqual([
      'control /__admin/reset',
      'control /__admin/clock',
      'control /__admin/settings',
      'send /oauth/token',
    ]);
    expect(server.admin.clock()).toMatchObject({ offset: 0, frozen: true });
  });

  it('says what moved since the last step, and a replay puts the server and variables back', async () => {
    const s = session(timeTravel());
    await s.setUp();
    const [token, jump, expired] = s.requestBlocks;
    if (!token || !jump || !expired) throw new Error('blocks');
    await s.sendBlock(token);
    await s.sendBlock(jump);
    // Another lesson (or tab) sets the clock back on real time and changes the leeway.
    await server.admin.setClock({ real: true });
    await server.admin.updateSettings({ leewaySeconds: 300 });
    expect(s.drift()).toEqual([
      'the server clock, frozen for this lesson, runs again',
      "the server's settings were changed",
    ]);
    // The step now fails for the wrong reason, says the server had moved, and the drift stays.
    expect(await s.sendBlock(expired)).toMatchObject({
      expectation: { ok: false },
      drift: [
        'the server clock, frozen for this lesson, runs again',
        "the server's settings were changed",
      ],
    });
    expect(s.drift()).toHaveLength(2);
    // ...and a replay up to it brings back the state it needs.
    const steps: number[] = [];
    expect(await s.replay('expired', (done) => steps.push(done))).toEqual({ replayed: 2 });
    expect(steps).toEqual([0, 1, 2]);
    expect(s.drift()).toEqual([]);
    expect(await s.sendBlock(expired)).toMatchObject({ expectation: { ok: true } });
  });

  it('tells when a saved token ran out while the learner was away on a running clock', async () => {
    let wall = Date.UTC(2030, 0, 1);
    server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => wall });
    const s = session(lesson(TOKEN));
    await s.setUp();
    const [token] = s.requestBlocks;
    if (!token) throw new Error('block');
    await s.sendBlock(token);
    expect(s.drift()).toEqual([]);
    wall += 30 * 60_000; // half an hour: the token still works
    expect(s.drift()).toEqual([]);
    wall += 2 * 3600_000; // the learner comes back after lunch
    expect(s.drift()).toEqual([
      'the token in {{access_token}} expired 1 h 30 min ago on the server clock',
    ]);
  });
});
