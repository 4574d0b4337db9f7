import { beforeEach, describe, expect, it } from 'vitest';
import type { HttpRequestModel } from '../../../src/client/http-request.ts';
import { buildTokenRequest } from '../../../src/client/token-request.ts';
import { createMockServer, type MockServer } from '../../../src/protocol/index.ts';
import {
  AvoidabilityTracker,
  callSchedule,
  GOOD_HABITS,
  judgeRun,
  laneTotals,
  NAIVE_HABITS,
  runCachingJob,
  type SimMark,
  type SimSettings,
} from '../../../src/ui/labs/caching/caching-sim.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';
const T0 = Date.UTC(2030, 0, 10);

let server: MockServer;
beforeEach(async () => {
  server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => T0 });
});

const users: HttpRequestModel = {
  method: 'GET',
  url: `${api}/api/v1/users`,
  headers: [],
  body: '',
};

async function run(settings: Partial<SimSettings> = {}, signal?: AbortSignal) {
  const marks: SimMark[] = [];
  const result = await runCachingJob(
    {
      fetch: async (request) => {
        const response = await server.handle(request);
        if (!response) throw new TypeError(`no route to ${request.url}`);
        return response;
      },
      setServerTime: async (seconds) => {
        await server.admin.setClock({ set: seconds });
      },
      tokenRequest: () =>
        buildTokenRequest(
          {
            grantType: 'client_credentials',
            clientId: 'cron-sync',
            clientSecret: 'cron-secret',
            authMethod: 'client_secret_basic',
            scope: ['read:users'],
          },
          { issuer },
        ),
      apiRequest: users,
      laneStart: { naive: T0 - 4 * 86_400_000, yours: T0 - 2 * 86_400_000 },
      onMark: (m) => marks.push(m),
      signal,
    },
    {
      job: { hours: 4, everyMinutes: 60, callsPerRun: 6 },
      yours: GOOD_HABITS,
      script: [],
      ...settings,
    },
  );
  return { result, marks, verdict: judgeRun(result, marks) };
}

describe('callSchedule', () => {
  it('lists every call: runs every N minutes, calls 2 s apart within a run', () => {
    expect(callSchedule({ hours: 1, everyMinutes: 30, callsPerRun: 3 })).toEqual([
      0, 2, 4, 1800, 1802, 1804,
    ]);
    expect(callSchedule({ hours: 24, everyMinutes: 60, callsPerRun: 6 })).toHaveLength(144);
  });
});

describe('AvoidabilityTracker', () => {
  it('calls a token request avoidable while a good token has more than 5 minutes left', () => {
    const t = new AvoidabilityTracker();
    expect(t.judge(1000)).toBeUndefined(); // start-up
    t.tokenAnswered(1000, 200, { access_token: 'a', expires_in: 3600 }, undefined);
    expect(t.judge(1001)).toBe('still-valid');
    expect(t.judge(1000 + 3600 - 301)).toBe('still-valid');
    expect(t.judge(1000 + 3600 - 300)).toBeUndefined();
    t.apiAnswered('a', 401);
    expect(t.judge(1002)).toBeUndefined(); // refused: a new token is needed
  });

  it('calls a token request before Retry-After has passed avoidable', () => {
    const t = new AvoidabilityTracker();
    t.tokenAnswered(1000, 429, undefined, '30');
    expect(t.judge(1029)).toBe('retry-after');
    expect(t.judge(1030)).toBeUndefined();
  });
});

describe('runCachingJob against the mock server', () => {
  it('the naive client asks a token per call and is throttled; the good one asks once an hour', async () => {
    const { result, verdict } = await run();
    expect(result.finished).toBe(true);
    const { naive, yours } = result.totals;
    // 4 runs of 6 calls: 5 tokens a minute, so the 6th call of each run gets 429
    expect(naive).toMatchObject({ calls: 24, tokenRequests: 24, rateLimited: 4, callsFailed: 4 });
    expect(naive.avoidableTokenRequests).toBe(20);
    // one token at start-up, then one per hour (refreshed 60 s before expiry)
    expect(yours).toMatchObject({ calls: 24, callsFailed: 0, unauthorized: 0, rateLimited: 0 });
    expect(yours.tokenRequests).toBe(4);
    expect(yours.avoidableTokenRequests).toBe(0);
    expect(verdict.zeroAvoidable.ok).toBe(true);
    expect(verdict.naiveThrottled.ok).toBe(true);
  });

  it('flags a margin bigger than 5 minutes as avoidable token requests', async () => {
    const { result, verdict } = await run({
      yours: { ...GOOD_HABITS, ttlMarginSeconds: 1800 },
      job: { hours: 4, everyMinutes: 20, callsPerRun: 2 },
    });
    expect(result.totals.yours.avoidableTokenRequests).toBeGreaterThan(0);
    expect(verdict.zeroAvoidable.ok).toBe(false);
    expect(verdict.zeroAvoidable.detail).toMatch(/avoidable token request/);
  });

  it('the server clock jumps 10 minutes ahead: 401s, and only the client that retries once recovers', async () => {
    // the token got at start-up expires at the server 10 minutes before the client thinks
    const script = [{ atHour: 0.5, skewSeconds: 600 }];
    const job = { hours: 2, everyMinutes: 5, callsPerRun: 1 };
    const good = await run({ script, job });
    expect(good.result.totals.yours.unauthorized).toBeGreaterThan(0);
    expect(good.result.totals.yours.callsFailed).toBe(0);
    expect(good.result.totals.yours.avoidableTokenRequests).toBe(0);
    expect(good.verdict.recoveredFrom401.ok).toBe(true);

    server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => T0 });
    const noRetry = await run({ script, job, yours: { ...GOOD_HABITS, retryOn401: false } });
    expect(noRetry.result.totals.yours.callsFailed).toBeGreaterThan(0);
    expect(noRetry.verdict.zeroAvoidable.ok).toBe(false);
    expect(noRetry.verdict.zeroAvoidable.detail).toMatch(/calls failed/);
  });

  it("lesson 12's scenario: the five habits reach zero avoidable requests, without the retry calls fail", async () => {
    const job = { hours: 4, everyMinutes: 20, callsPerRun: 6 };
    const script = [{ atHour: 2.5, skewSeconds: 1800 }];
    const good = await run({ job, script, yours: { ...GOOD_HABITS, fetchOnStart: false } });
    expect(good.verdict.zeroAvoidable.ok).toBe(true);
    expect(good.verdict.recoveredFrom401.ok).toBe(true);

    server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => T0 });
    const lessonStart = await run({
      job,
      script,
      yours: {
        cacheTokens: false,
        ttlMarginSeconds: 1800,
        retryOn401: false,
        honourRetryAfter: false,
        fetchOnStart: false,
      },
    });
    expect(lessonStart.verdict.zeroAvoidable.ok).toBe(false);

    server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => T0 });
    const noRetry = await run({ job, script, yours: { ...GOOD_HABITS, retryOn401: false } });
    expect(noRetry.result.totals.yours.callsFailed).toBeGreaterThan(0);
  });

  it('a jump of the clocks makes the good client refresh at once, without an avoidable request', async () => {
    const { result, marks } = await run({
      script: [{ atHour: 1.5, jumpSeconds: 3600 }],
      job: { hours: 3, everyMinutes: 30, callsPerRun: 2 },
    });
    expect(marks.some((m) => m.kind === 'clock' && m.text.includes('1 h ahead'))).toBe(true);
    expect(result.totals.yours.avoidableTokenRequests).toBe(0);
    expect(result.totals.yours.callsFailed).toBe(0);
  });

  it('the naive habits as "yours" are as bad as the naive lane', async () => {
    const { result, verdict } = await run({ yours: NAIVE_HABITS });
    expect(laneTotals([], 'yours').calls).toBe(0);
    expect(result.totals.yours).toEqual(result.totals.naive);
    expect(verdict.zeroAvoidable.ok).toBe(false);
  });

  it('stops when aborted and does not count the run as zero-avoidable', async () => {
    const controller = new AbortController();
    controller.abort();
    const { result, verdict } = await run({}, controller.signal);
    expect(result.finished).toBe(false);
    expect(verdict.zeroAvoidable).toMatchObject({ ok: false });
  });

  it('leaves the present untouched: cron-sync can get a token at the original time afterwards', async () => {
    await run();
    await server.admin.setClock({ set: T0 / 1000 });
    const response = await server.handle(
      new Request(`${issuer}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${btoa('cron-sync:cron-secret')}`,
        },
        body: 'grant_type=client_credentials',
      }),
    );
    expect(response?.status).toBe(200);
  });
});
