import type { HttpRequestModel } from './http-request.ts';
import { OAuthResponseError, responseError } from './oauth-response-error.ts';
import { getHeader, type RecordedExchange, sendRequest } from './send-request.ts';

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
  | { type: 'api_called'; at: number; attempt: 1 | 2; exchange: RecordedExchange };

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
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3 (expires_in)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 (401 invalid_token)
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 and Retry-After)
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginSeconds ?? 60;
  const emit = (event: TokenClientEvent) => options.onEvent?.(event);
  const send = (request: HttpRequestModel, signal?: AbortSignal) =>
    sendRequest(request, { fetch: options.fetch, now, signal });

  let token: string | undefined;
  let cachedUntil: number | undefined;
  let blockedUntil: number | undefined;
  let lastRateLimit: RecordedExchange | undefined;
  let inFlight: Promise<string> | undefined;
  let tokenRequests = 0;
  let apiCalls = 0;

  async function fetchToken(): Promise<string> {
    const request =
      typeof options.tokenRequest === 'function'
        ? await options.tokenRequest()
        : options.tokenRequest;
    const startedAt = now();
    tokenRequests++;
    const exchange = await send(request);
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
    token = json.access_token;
    // count from when the request left: the server's clock started no later than that
    cachedUntil =
      expiresIn === undefined ? undefined : startedAt + cacheSeconds(expiresIn, margin) * 1000;
    emit({
      type: 'token_fetched',
      at: now(),
      expiresIn,
      cachedUntil: cachedUntil ?? Number.POSITIVE_INFINITY,
      exchange,
    });
    return token;
  }

  function getToken(): Promise<string> {
    const t = now();
    if (token !== undefined && (cachedUntil === undefined || t < cachedUntil)) {
      emit({ type: 'token_reused', at: t, cachedUntil: cachedUntil ?? Number.POSITIVE_INFINITY });
      return Promise.resolve(token);
    }
    if (token !== undefined) {
      token = undefined;
      emit({ type: 'token_expired', at: t });
    }
    if (inFlight) return inFlight;
    if (blockedUntil !== undefined && t < blockedUntil && lastRateLimit) {
      emit({ type: 'waiting_for_retry_after', at: t, retryAt: blockedUntil });
      return Promise.reject(new RateLimitedError(lastRateLimit, blockedUntil, t));
    }
    inFlight = fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function discard(used: string) {
    // only if no newer token replaced it meanwhile (another call may already have refreshed)
    if (token === used) {
      token = undefined;
      cachedUntil = undefined;
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
    if (exchange.status !== 401) return exchange;
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
      if (token !== undefined) emit({ type: 'token_discarded', at: now(), reason: 'invalidated' });
      token = undefined;
      cachedUntil = undefined;
    },
    state: () => ({ token, cachedUntil, blockedUntil, tokenRequests, apiCalls }),
  };
}
