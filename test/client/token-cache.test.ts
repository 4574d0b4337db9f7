import { QueryClient } from '@tanstack/react-query';
import { beforeEach, describe, expect, it } from 'vitest';
import { basicCredentials, type HttpRequestModel } from '../../src/client/http-request.ts';
import { OAuthResponseError } from '../../src/client/oauth-response-error.ts';
import {
  accessTokenQueryKey,
  accessTokenQueryOptions,
  type CachedToken,
  cacheSeconds,
  createTokenClient,
  parseRetryAfter,
  RateLimitedError,
  type TokenClientEvent,
  type TokenClientOptions,
} from '../../src/client/token-cache.ts';
import { buildTokenRequest } from '../../src/client/token-request.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';

// The real protocol core, answering in-process; the client and the server share one clock.
let t: number;
let server: MockServer;
let calls: { token: number; api: number };

const fetchViaServer = async (request: Request): Promise<Response> => {
  if (new URL(request.url).pathname === '/oauth/token') calls.token++;
  if (request.url.startsWith(`${api}/api/`)) calls.api++;
  const response = await server.handle(request);
  if (!response) throw new TypeError(`fetch failed: no route to ${request.url}`);
  return response;
};

beforeEach(async () => {
  t = Date.UTC(2030, 0, 1);
  calls = { token: 0, api: 0 };
  server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => t });
});

const cronRequest = () =>
  buildTokenRequest(
    {
      grantType: 'client_credentials',
      clientId: 'cron-sync',
      clientSecret: 'cron-secret',
      authMethod: 'client_secret_basic',
      scope: ['read:users'],
    },
    { issuer },
  );

const users: HttpRequestModel = {
  method: 'GET',
  url: `${api}/api/v1/users`,
  headers: [],
  body: '',
};

async function client(extra: Partial<TokenClientOptions> = {}) {
  const events: TokenClientEvent[] = [];
  const c = createTokenClient({
    tokenRequest: await cronRequest(),
    fetch: fetchViaServer,
    now: () => t,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { c, events };
}

async function revoke(token: string) {
  const response = await fetchViaServer(
    new Request(`${issuer}/oauth/revoke`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${basicCredentials('cron-sync', 'cron-secret')}`,
      },
      body: new URLSearchParams({ token }).toString(),
    }),
  );
  expect(response.status).toBe(200);
}

describe('createTokenClient against the mock server', () => {
  it('fetches a token on start and reuses it for every call', async () => {
    const { c } = await client();
    await c.start();
    expect(calls.token).toBe(1);
    for (let i = 0; i < 10; i++) {
      const exchange = await c.callApi(users);
      expect(exchange.status).toBe(200);
      t += 60_000;
    }
    expect(calls).toEqual({ token: 1, api: 10 });
    expect(c.state()).toMatchObject({ tokenRequests: 1, apiCalls: 10 });
  });

  it('keeps the token for expires_in - 60 s, then fetches a new one before the server would refuse it', async () => {
    const { c, events } = await client();
    const start = t;
    const first = await c.getToken();
    expect(c.state().cachedUntil).toBe(start + 3540_000);
    t = start + 3539_000;
    expect(await c.getToken()).toBe(first);
    t = start + 3540_000;
    const second = await c.getToken();
    expect(second).not.toBe(first);
    expect(calls.token).toBe(2);
    expect(events.map((e) => e.type)).toEqual([
      'token_fetched',
      'token_reused',
      'token_expired',
      'token_fetched',
    ]);
    // the old token was still valid at the server when the client replaced it
    const stillValid = await fetchViaServer(
      new Request(users.url, { headers: { Authorization: `Bearer ${first}` } }),
    );
    expect(stillValid.status).toBe(200);
  });

  it('on a 401 discards the token, fetches a new one and retries exactly once', async () => {
    const { c, events } = await client();
    const first = await c.getToken();
    await revoke(first);
    const exchange = await c.callApi(users);
    expect(exchange.status).toBe(200);
    expect(calls).toEqual({ token: 2, api: 2 });
    expect(c.state().token).not.toBe(first);
    expect(events.map((e) => e.type)).toEqual([
      'token_fetched',
      'token_reused',
      'api_called',
      'token_discarded',
      'token_fetched',
      'api_called',
    ]);
  });

  it('does not retry a second time when the retry gets a 401 too', async () => {
    // The API sees no token at all (the Authorization header is lost on the way): every call 401s.
    const { c } = await client({
      fetch: (request) => {
        if (request.url.startsWith(api)) {
          const headers = new Headers(request.headers);
          headers.delete('authorization');
          return fetchViaServer(new Request(request.url, { method: request.method, headers }));
        }
        return fetchViaServer(request);
      },
    });
    const exchange = await c.callApi(users);
    expect(exchange.status).toBe(401);
    expect(calls).toEqual({ token: 2, api: 2 });
  });

  it('returns a 403 without retrying (a new token would not have more scope)', async () => {
    const { c } = await client();
    const exchange = await c.callApi({ ...users, url: `${api}/api/v1/orders` });
    expect(exchange.status).toBe(403);
    expect(calls).toEqual({ token: 1, api: 1 });
  });

  it('shares one token request between concurrent calls', async () => {
    const { c } = await client();
    const results = await Promise.all(Array.from({ length: 8 }, () => c.callApi(users)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(calls).toEqual({ token: 1, api: 8 });
  });

  it('honours 429 Retry-After without a retry storm', async () => {
    const { c, events } = await client();
    // cron-sync may ask 5 times a minute
    for (let i = 0; i < 5; i++) {
      c.invalidate();
      await c.getToken();
      t += 1000;
    }
    c.invalidate();
    const limited = await c.getToken().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    const { retryAt, retryAfterSeconds, exchange } = limited as RateLimitedError;
    expect(exchange.status).toBe(429);
    expect(retryAfterSeconds).toBe(55);
    expect(retryAt).toBe(t + 55_000);
    expect(calls.token).toBe(6);

    // 100 calls during the wait: none reaches the server
    for (let i = 0; i < 100; i++) {
      t += 500;
      await expect(c.callApi(users)).rejects.toBeInstanceOf(RateLimitedError);
    }
    expect(calls).toEqual({ token: 6, api: 0 });
    expect(events.filter((e) => e.type === 'waiting_for_retry_after')).toHaveLength(100);

    t = retryAt;
    expect((await c.callApi(users)).status).toBe(200);
    expect(calls).toEqual({ token: 7, api: 1 });
  });

  it('surfaces token errors as OAuthResponseError and does not cache them', async () => {
    const bad = await buildTokenRequest(
      {
        grantType: 'client_credentials',
        clientId: 'cron-sync',
        clientSecret: 'wrong',
        authMethod: 'client_secret_post',
        scope: [],
      },
      { issuer },
    );
    const { c, events } = await client({ tokenRequest: bad });
    const error = await c.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_client' });
    await expect(c.getToken()).rejects.toBeInstanceOf(OAuthResponseError);
    expect(calls.token).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['token_failed', 'token_failed']);
  });

  it('builds the token request per fetch when given a function (fresh assertions)', async () => {
    let built = 0;
    const { c } = await client({
      tokenRequest: async () => {
        built++;
        return cronRequest();
      },
    });
    await c.getToken();
    c.invalidate();
    await c.getToken();
    expect(built).toBe(2);
  });
});

describe('the TanStack Query cache behind the client', () => {
  it('keeps the token in the given QueryClient under its key, stale exactly at expires_in - margin', async () => {
    const queryClient = new QueryClient();
    const queryKey = accessTokenQueryKey('cron-sync', 'read:users');
    const { c } = await client({ queryClient, queryKey, refreshMarginSeconds: 120 });
    const start = t;
    const token = await c.getToken();
    const query = queryClient
      .getQueryCache()
      .find<CachedToken, Error, CachedToken>({ queryKey, exact: true });
    expect(query?.state.data).toMatchObject({
      token,
      expiresIn: 3600,
      cachedUntil: start + 3480_000,
    });
    const options = accessTokenQueryOptions({
      queryKey,
      fetchToken: () => Promise.reject(new Error('not called')),
      now: () => t,
    });
    const staleTime = () =>
      typeof options.staleTime === 'function' && query ? options.staleTime(query) : -1;
    t = start + 3479_000;
    expect(query?.isStaleByTime(staleTime())).toBe(false);
    t = start + 3480_000;
    expect(query?.isStaleByTime(staleTime())).toBe(true);
  });

  it('two clients with the same key share one token (one cache per client id and scope)', async () => {
    const queryClient = new QueryClient();
    const queryKey = accessTokenQueryKey('cron-sync', 'read:users');
    const a = await client({ queryClient, queryKey });
    const b = await client({ queryClient, queryKey });
    expect(await a.c.getToken()).toBe(await b.c.getToken());
    expect(calls.token).toBe(1);
  });

  it('a token is not garbage-collected while it is fresh, however long nothing uses it', async () => {
    const queryClient = new QueryClient();
    const queryKey = accessTokenQueryKey('cron-sync', '');
    const { c } = await client({ queryClient, queryKey });
    await c.getToken();
    const query = queryClient.getQueryCache().find({ queryKey, exact: true });
    expect(query?.gcTime).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the habits switched off (what the caching lab compares)', () => {
  it('cacheTokens: false asks for a token before every call', async () => {
    const { c } = await client({ cacheTokens: false });
    for (let i = 0; i < 4; i++) {
      expect((await c.callApi(users)).status).toBe(200);
      t += 1000;
    }
    expect(calls).toEqual({ token: 4, api: 4 });
  });

  it('retryOn401: false returns the 401 and keeps the dead token', async () => {
    const { c } = await client({ retryOn401: false });
    const first = await c.getToken();
    await revoke(first);
    expect((await c.callApi(users)).status).toBe(401);
    expect((await c.callApi(users)).status).toBe(401);
    expect(calls).toEqual({ token: 1, api: 2 });
    expect(c.state().token).toBe(first);
  });

  it('honourRetryAfter: false sends token requests into the 429 again and again', async () => {
    const { c } = await client({ cacheTokens: false, honourRetryAfter: false });
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        await c.callApi(users).then(
          (e) => e.status,
          (e: unknown) => (e instanceof RateLimitedError ? 429 : String(e)),
        ),
      );
      t += 1000;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    // every 429 was a real request to the server
    expect(calls.token).toBe(8);
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or an HTTP-date', () => {
    const now = Date.UTC(2030, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('caches for expires_in - 60 s, but at least half the lifetime', () => {
    expect(cacheSeconds(3600, 60)).toBe(3540);
    expect(cacheSeconds(120, 60)).toBe(60);
    expect(cacheSeconds(60, 60)).toBe(30);
    expect(cacheSeconds(10, 60)).toBe(5);
  });
});

describe('a resilient client against injected faults', () => {
  // The sleeps advance the shared clock instead of waiting.
  const sleep = async (ms: number) => {
    t += ms;
  };

  it('backs off exponentially, with full jitter when asked', async () => {
    const { backoffDelay } = await import('../../src/client/token-cache.ts');
    const retry = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(retry, n))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay({ ...retry, jitter: true, random: () => 0.25 }, 3)).toBe(1000);
  });

  it('retries a 503 after its Retry-After, then gets the token', async () => {
    await server.admin.putFaults({
      faults: [{ target: 'token', kind: 'status', status: 503, retry_after: 3, count: 2 }],
    });
    const { c, events } = await client({
      retry: { attempts: 3, baseDelayMs: 1000 },
      sleep,
    });
    const before = t;
    await c.start();
    expect(calls.token).toBe(3);
    const retries = events.filter((e) => e.type === 'token_retry');
    expect(retries.map((e) => (e.type === 'token_retry' ? [e.delayMs, e.reason] : []))).toEqual([
      [3000, '503'],
      [3000, '503'],
    ]);
    expect(t - before).toBe(6000);
  });

  it('does not retry what retrying cannot fix (a wrong secret)', async () => {
    const { c } = await client({
      tokenRequest: await buildTokenRequest(
        {
          grantType: 'client_credentials',
          clientId: 'cron-sync',
          clientSecret: 'wrong',
          authMethod: 'client_secret_basic',
          scope: [],
        },
        { issuer },
      ),
      retry: { attempts: 3, baseDelayMs: 1000 },
      sleep,
    });
    await expect(c.start()).rejects.toBeInstanceOf(OAuthResponseError);
    expect(calls.token).toBe(1);
  });

  it('retries a dropped connection', async () => {
    await server.admin.putFaults({ faults: [{ target: 'token', kind: 'drop', count: 1 }] });
    const { c, events } = await client({ retry: { attempts: 2, baseDelayMs: 500 }, sleep });
    await c.start();
    expect(events.map((e) => e.type)).toContain('token_unreachable');
    expect(calls.token).toBe(2);
  });

  it('gives up a slow token request after timeoutMs', async () => {
    await server.admin.putFaults({
      faults: [{ target: 'token', kind: 'delay', delay_ms: 300, count: 1 }],
    });
    const { c, events } = await client({
      timeoutMs: 50,
      retry: { attempts: 1, baseDelayMs: 10 },
      sleep,
    });
    await c.start();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'token_unreachable', reason: 'timeout' }),
    );
    expect(calls.token).toBe(2);
  });

  it('shares one token request among concurrent callers, or not', async () => {
    const shared = await client();
    await Promise.all([0, 1, 2, 3].map(() => shared.c.getToken()));
    expect(calls.token).toBe(1);
    calls.token = 0;
    const apart = await client({ shareInFlight: false, queryKey: ['token', 'apart'] });
    await Promise.all([0, 1, 2, 3].map(() => apart.c.getToken()));
    expect(calls.token).toBe(4);
  });

  it('serves a still-valid cached token when the refresh fails', async () => {
    const { c, events } = await client({ refreshMarginSeconds: 900, serveStale: true });
    const first = await c.getToken();
    t += 3000_000; // 50 minutes: stale (refresh at 45), valid until 60
    await server.admin.putFaults({ faults: [{ target: 'token', kind: 'status', status: 503 }] });
    expect(await c.getToken()).toBe(first);
    expect(events.map((e) => e.type)).toContain('token_served_stale');
    t += 700_000; // past its expiry: nothing left to serve
    await expect(c.getToken()).rejects.toBeInstanceOf(OAuthResponseError);
  });
});
