import { QueryClient, type QueryKey, queryOptions } from '@tanstack/react-query';
import type { HttpRequestModel } from './http-request.ts';
import { CLIENT_NETWORK_MODE } from './network-mode.ts';
import { OAuthResponseError, responseError } from './oauth-response-error.ts';
import { getHeader, type RecordedExchange, SendRequestError, sendRequest } from './send-request.ts';

/**
 * The token endpoint said 429 and its Retry-After has not passed yet. Thrown for the 429 itself
 * and, without touching the network, for every token request until `retryAt`.
 */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  /** Epoch ms when the client may ask again. */
  readonly retryAt: number;
  /** Whole seconds left to wait, as of when this error was made. */
  readonly retryAfterSeconds: number;
  /** The 429 exchange. */
  readonly exchange: RecordedExchange;

  constructor(exchange: RecordedExchange, retryAt: number, now: number) {
    const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
    super(`The token endpoint is rate limiting this client: wait ${seconds} s (Retry-After).`);
    this.exchange = exchange;
    this.retryAt = retryAt;
    this.retryAfterSeconds = seconds;
  }
}

/** What the caching client did, for the lesson's timeline. Times are epoch ms. */
export type TokenClientEvent =
  | {
      type: 'token_fetched';
      at: number;
      expiresIn: number | undefined;
      cachedUntil: number;
      exchange: RecordedExchange;
    }
  | { type: 'token_reused'; at: number; cachedUntil: number }
  | { type: 'token_expired'; at: number }
  | { type: 'token_discarded'; at: number; reason: 'api_401' | 'invalidated' }
  | { type: 'token_failed'; at: number; exchange: RecordedExchange }
  | { type: 'rate_limited'; at: number; retryAt: number; exchange: RecordedExchange }
  | { type: 'waiting_for_retry_after'; at: number; retryAt: number }
  | { type: 'api_called'; at: number; attempt: 1 | 2; exchange: RecordedExchange }
  | { type: 'token_unreachable'; at: number; reason: 'network' | 'timeout' }
  | { type: 'token_retry'; at: number; attempt: number; delayMs: number; reason: string }
  | { type: 'token_served_stale'; at: number; expiresAt: number };

/**
 * How a client retries a failed token request (a 5xx, a 429, no answer, a timeout): up to
 * `attempts` more tries, the n-th after `baseDelayMs · 2^(n-1)` (capped at `maxDelayMs`), with
 * "full jitter" (a random share of that) when `jitter` is on, so that many clients that failed
 * together do not retry together. A client that honours Retry-After waits that long instead, plus
 * its jitter, so that clients told the same Retry-After do not all come back at once.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export interface TokenRetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
  jitter?: boolean;
  /** [0, 1) (default Math.random); the lab seeds it so a run replays the same way. */
  random?: () => number;
}

/** The wait before retry `attempt` (1, 2, ...): exponential backoff, with full jitter if asked. */
export function backoffDelay(retry: TokenRetryOptions, attempt: number): number {
  const ceiling = Math.min(
    retry.maxDelayMs ?? Number.POSITIVE_INFINITY,
    retry.baseDelayMs * 2 ** (attempt - 1),
  );
  return retry.jitter ? Math.floor((retry.random ?? Math.random)() * ceiling) : ceiling;
}

/** The token request took longer than the client's `timeoutMs` and was given up. */
export class TokenTimeoutError extends Error {
  override readonly name = 'TokenTimeoutError';
}

export interface TokenClientOptions {
  /** The token request, or a function making it (called per fetch, so assertions stay fresh). */
  tokenRequest: HttpRequestModel | (() => HttpRequestModel | Promise<HttpRequestModel>);
  /** Injected fetch: a mock's `handle` in tests and lessons; default global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Wall clock in ms (default `Date.now`). */
  now?: () => number;
  /** Refresh this long before `expires_in` runs out (default 60 s). */
  refreshMarginSeconds?: number;
  /** Wait used when a 429 has no usable Retry-After (default 10 s). */
  defaultRetryAfterSeconds?: number;
  onEvent?: (event: TokenClientEvent) => void;
  /** Where the token is cached (default: a QueryClient of this client's own). */
  queryClient?: QueryClient;
  /** The token's query key (default: one of this client's own); see {@link accessTokenQueryKey}. */
  queryKey?: QueryKey;
  /** Reuse tokens until their cache lifetime ends (default true; false: a token per call). */
  cacheTokens?: boolean;
  /** On a 401 from the API, discard the token, get a new one and retry once (default true). */
  retryOn401?: boolean;
  /** After a 429, send no token request until Retry-After has passed (default true). */
  honourRetryAfter?: boolean;
  /** Retry a failed token request with backoff (default: no retry). */
  retry?: TokenRetryOptions;
  /** Waits between retries (default a timer; the lab's simulated clock skips ahead instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Concurrent callers share one token request in flight (default true). */
  shareInFlight?: boolean;
  /**
   * Keep using the cached token while it has not expired: past its refresh time it is refreshed
   * in the background and served meanwhile, and a failed refresh leaves it in use until it
   * expires (default false: callers wait for the refresh, and its failure is theirs).
   */
  serveStale?: boolean;
  /** Runs a background refresh (default: at once); the lab runs it after the run's calls. */
  background?: (refresh: () => Promise<void>) => void;
  /** Give up a token request after this many ms and treat it as failed (default: wait). */
  timeoutMs?: number;
}

/** What the token query caches. Times are epoch ms on the client's clock (`now`). */
export interface CachedToken {
  token: string;
  expiresIn: number | undefined;
  /** Past this the token is stale (undefined: no expires_in, kept until the API refuses it). */
  cachedUntil: number | undefined;
  /** When it expires (client clock): a stale token is still good until then. */
  expiresAt?: number;
}

/** The token's query key: `['token', clientId, scope]` (scope '' for "all the client's scopes"). */
export function accessTokenQueryKey(clientId: string, scope: string) {
  return ['token', clientId, scope] as const;
}

/**
 * TanStack Query options for a cached access token. The stale time is the token's cache lifetime
 * (`expires_in` minus the margin, see {@link cacheSeconds}) measured on `now`, which may be a
 * simulated clock: TanStack measures staleness on the wall clock from `dataUpdatedAt`, so the
 * time left on `now` is added to the wall time already spent. gcTime is infinite: nothing
 * observes the token between calls, and the default 5 minutes would drop a token with 55 minutes
 * left; expired and refused tokens are removed explicitly instead.
 */
export function accessTokenQueryOptions(input: {
  queryKey: QueryKey;
  fetchToken: () => Promise<CachedToken>;
  now: () => number;
  cacheTokens?: boolean;
}) {
  const cache = input.cacheTokens ?? true;
  return queryOptions<CachedToken, Error, CachedToken, QueryKey>({
    queryKey: input.queryKey,
    queryFn: () => input.fetchToken(),
    staleTime: (query) => {
      const data = query.state.data;
      if (!cache || data === undefined) return 0;
      if (data.cachedUntil === undefined) return Number.POSITIVE_INFINITY;
      const left = data.cachedUntil - input.now();
      return left <= 0 ? 0 : Date.now() - query.state.dataUpdatedAt + left;
    },
    gcTime: Number.POSITIVE_INFINITY,
    // a failed token request is not retried here: 429 has its own wait, other errors are final
    retry: false,
    networkMode: CLIENT_NETWORK_MODE,
  });
}

export interface TokenClientState {
  token: string | undefined;
  /** Epoch ms after which the cached token is not used (undefined: until the API refuses it). */
  cachedUntil: number | undefined;
  /** Epoch ms before which no token request is sent (after a 429). */
  blockedUntil: number | undefined;
  tokenRequests: number;
  apiCalls: number;
}

export interface TokenClient {
  /** Get a token now, so the first API call does not wait (what good clients do on start-up). */
  start(): Promise<void>;
  /** The cached token, or a new one. Concurrent callers share one token request. */
  getToken(): Promise<string>;
  /**
   * Call the API with the token as `Authorization: Bearer`. On a 401, discard the token, get a
   * new one and retry exactly once; the second answer is returned whatever it is.
   */
  callApi(request: HttpRequestModel, options?: { signal?: AbortSignal }): Promise<RecordedExchange>;
  /** Forget the cached token. */
  invalidate(): void;
  state(): TokenClientState;
}

/**
 * Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // HTTP-date (IMF-fixdate or an obsolete form) always starts with a day name
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/**
 * How long to keep a token: `expires_in` minus the margin, but at least half of `expires_in`, so
 * that a short-lived token (say 60 s) is still reused for a while instead of never.
 */
export function cacheSeconds(expiresIn: number, marginSeconds: number): number {
  return Math.max(expiresIn - marginSeconds, expiresIn / 2);
}

/**
 * A client-credentials client that caches its token, as the caching lesson teaches: TTL of
 * `expires_in` minus 60 s, a token on start, one retry after a 401, and no retry storm on 429.
 * The token lives in a TanStack Query cache ({@link accessTokenQueryOptions}); each habit can be
 * switched off (`cacheTokens`, `retryOn401`, `honourRetryAfter`) so the caching lab can show
 * what each one buys.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3 (expires_in)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 (401 invalid_token)
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 and Retry-After)
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginSeconds ?? 60;
  const cacheTokens = options.cacheTokens ?? true;
  const retryOn401 = options.retryOn401 ?? true;
  const honourRetryAfter = options.honourRetryAfter ?? true;
  const shareInFlight = options.shareInFlight ?? true;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const queryClient = options.queryClient ?? new QueryClient();
  const queryKey = options.queryKey ?? ['token', `client-${crypto.randomUUID()}`];
  const emit = (event: TokenClientEvent) => options.onEvent?.(event);
  const send = (request: HttpRequestModel, signal?: AbortSignal) =>
    sendRequest(request, { fetch: options.fetch, now, signal });

  let blockedUntil: number | undefined;
  let lastRateLimit: RecordedExchange | undefined;
  let tokenRequests = 0;
  let apiCalls = 0;

  /** One token request, given up after `timeoutMs` when the client has one. */
  async function sendTokenRequest(request: HttpRequestModel): Promise<RecordedExchange> {
    if (options.timeoutMs === undefined) return send(request);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
      return await send(request, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new TokenTimeoutError(
          `The token endpoint did not answer within ${options.timeoutMs} ms.`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why a failed token request may be tried again, or undefined when it may not. */
  function retryReason(error: unknown): string | undefined {
    if (error instanceof TokenTimeoutError) return 'timeout';
    if (error instanceof SendRequestError && error.kind === 'network') return 'no answer';
    if (error instanceof RateLimitedError) return '429';
    if (error instanceof OAuthResponseError && error.status >= 500) return String(error.status);
    return undefined;
  }

  /** The Retry-After a failed answer carried, in ms (0 without one). */
  function retryAfterMs(error: unknown): number {
    if (error instanceof RateLimitedError) return Math.max(0, error.retryAt - now());
    if (error instanceof OAuthResponseError) {
      const seconds = parseRetryAfter(getHeader(error.exchange.headers, 'retry-after'), now());
      return (seconds ?? 0) * 1000;
    }
    return 0;
  }

  /** The token request, tried again with backoff (and jitter) when the client retries. */
  async function fetchToken(): Promise<CachedToken> {
    const retry = options.retry;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchTokenOnce();
      } catch (error) {
        const reason = retryReason(error);
        if (!retry || attempt >= retry.attempts || reason === undefined) throw error;
        // Never before Retry-After when honouring it; jitter then spreads the clients after it.
        const after = honourRetryAfter ? retryAfterMs(error) : 0;
        const backoff = backoffDelay(retry, attempt + 1);
        const delayMs = after > 0 ? after + (retry.jitter ? backoff : 0) : backoff;
        emit({ type: 'token_retry', at: now(), attempt: attempt + 1, delayMs, reason });
        await sleep(delayMs);
      }
    }
  }

  async function fetchTokenOnce(): Promise<CachedToken> {
    const request =
      typeof options.tokenRequest === 'function'
        ? await options.tokenRequest()
        : options.tokenRequest;
    const startedAt = now();
    tokenRequests++;
    let exchange: RecordedExchange;
    try {
      exchange = await sendTokenRequest(request);
    } catch (error) {
      const timeout = error instanceof TokenTimeoutError;
      if (timeout || (error instanceof SendRequestError && error.kind === 'network')) {
        emit({ type: 'token_unreachable', at: now(), reason: timeout ? 'timeout' : 'network' });
      }
      throw error;
    }
    if (exchange.status === 429) {
      const seconds = parseRetryAfter(getHeader(exchange.headers, 'retry-after'), now());
      blockedUntil = now() + (seconds ?? options.defaultRetryAfterSeconds ?? 10) * 1000;
      lastRateLimit = exchange;
      emit({ type: 'rate_limited', at: now(), retryAt: blockedUntil, exchange });
      throw new RateLimitedError(exchange, blockedUntil, now());
    }
    const failed = responseError(exchange);
    const json = exchange.json as Record<string, unknown> | undefined;
    if (failed || typeof json?.access_token !== 'string') {
      emit({ type: 'token_failed', at: now(), exchange });
      throw failed ?? new OAuthResponseError(exchange, 'The token response has no access_token.');
    }
    const expiresIn =
      typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : undefined;
    // count from when the request left: the server's clock started no later than that
    const cachedUntil =
      expiresIn === undefined ? undefined : startedAt + cacheSeconds(expiresIn, margin) * 1000;
    emit({
      type: 'token_fetched',
      at: now(),
      expiresIn,
      cachedUntil: cachedUntil ?? Number.POSITIVE_INFINITY,
      exchange,
    });
    return {
      token: json.access_token,
      expiresIn,
      cachedUntil,
      ...(expiresIn !== undefined && { expiresAt: startedAt + expiresIn * 1000 }),
    };
  }

  const tokenQuery = accessTokenQueryOptions({ queryKey, fetchToken, now, cacheTokens });
  const cached = () => queryClient.getQueryState<CachedToken, Error>(queryKey);
  const forget = () => queryClient.removeQueries({ queryKey, exact: true });
  const isFresh = (data: CachedToken, t: number) =>
    cacheTokens && (data.cachedUntil === undefined || t < data.cachedUntil);

  /** A token that is past its refresh time but has not expired, if `serveStale` may use it. */
  function servable(data: CachedToken | undefined, t: number): CachedToken | undefined {
    return options.serveStale && data?.expiresAt !== undefined && t < data.expiresAt
      ? data
      : undefined;
  }

  let refreshing = false;
  /** Refresh in the background (once at a time); a failure keeps the cached token in use. */
  function refreshInBackground(): void {
    if (refreshing) return;
    refreshing = true;
    const run = async () => {
      try {
        await queryClient.query(tokenQuery);
      } catch {
        // the cached token stays, and is served until it expires
      } finally {
        refreshing = false;
      }
    };
    (options.background ?? ((task) => void task()))(run);
  }

  async function getToken(): Promise<string> {
    const t = now();
    const state = cached();
    const data = state?.data;
    const stale = data !== undefined && !isFresh(data, t) ? servable(data, t) : undefined;
    if (stale) {
      // Past its refresh time, not expired: serve it now, refresh behind the caller's back.
      emit({ type: 'token_served_stale', at: t, expiresAt: stale.expiresAt ?? t });
      if (state?.fetchStatus !== 'fetching') refreshInBackground();
      return stale.token;
    }
    // a token request in flight: share it (TanStack dedupes the fetch), or send another
    if (state?.fetchStatus === 'fetching') {
      if (shareInFlight) return (await queryClient.query(tokenQuery)).token;
      const own = await fetchToken();
      queryClient.setQueryData(queryKey, own);
      return own.token;
    }
    if (data !== undefined) {
      if (isFresh(data, t)) {
        emit({
          type: 'token_reused',
          at: t,
          cachedUntil: data.cachedUntil ?? Number.POSITIVE_INFINITY,
        });
        return (await queryClient.query(tokenQuery)).token;
      }
      forget();
      if (cacheTokens) emit({ type: 'token_expired', at: t });
    }
    if (honourRetryAfter && blockedUntil !== undefined && t < blockedUntil && lastRateLimit) {
      emit({ type: 'waiting_for_retry_after', at: t, retryAt: blockedUntil });
      throw new RateLimitedError(lastRateLimit, blockedUntil, t);
    }
    return (await queryClient.query(tokenQuery)).token;
  }

  function discard(used: string) {
    // only if no newer token replaced it meanwhile (another call may already have refreshed)
    if (cached()?.data?.token === used) {
      forget();
      emit({ type: 'token_discarded', at: now(), reason: 'api_401' });
    }
  }

  function withBearer(request: HttpRequestModel, bearer: string): HttpRequestModel {
    return {
      ...request,
      headers: [
        ...request.headers.filter(([n]) => n.toLowerCase() !== 'authorization'),
        ['Authorization', `Bearer ${bearer}`],
      ],
    };
  }

  async function callApi(request: HttpRequestModel, callOptions: { signal?: AbortSignal } = {}) {
    const first = await getToken();
    apiCalls++;
    const exchange = await send(withBearer(request, first), callOptions.signal);
    emit({ type: 'api_called', at: now(), attempt: 1, exchange });
    if (exchange.status !== 401 || !retryOn401) return exchange;
    discard(first);
    const second = await getToken();
    apiCalls++;
    const retried = await send(withBearer(request, second), callOptions.signal);
    emit({ type: 'api_called', at: now(), attempt: 2, exchange: retried });
    return retried;
  }

  return {
    async start() {
      await getToken();
    },
    getToken,
    callApi,
    invalidate() {
      if (cached()?.data !== undefined) {
        emit({ type: 'token_discarded', at: now(), reason: 'invalidated' });
      }
      forget();
    },
    state: () => {
      const data = cached()?.data;
      return {
        token: data?.token,
        cachedUntil: data?.cachedUntil,
        blockedUntil,
        tokenRequests,
        apiCalls,
      };
    },
  };
}
