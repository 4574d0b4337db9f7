import type { HttpRequestModel } from './http-request.ts';

/** A request and the response it got, as the playground records and shows it. */
export interface RecordedExchange {
  request: HttpRequestModel;
  status: number;
  statusText: string;
  /** Response headers as fetch exposes them (lower-case names, in its order). */
  headers: [name: string, value: string][];
  bodyText: string;
  /** The parsed body, when the response says it is JSON and it parses. */
  json?: unknown;
  durationMs: number;
  /** The mock's `x-request-id`, which links to its log entry. */
  requestId?: string;
  /** When the request started, epoch milliseconds. */
  startedAt: number;
}

export type SendRequestErrorKind =
  /** No response at all: DNS, connection refused, CORS, no service worker... */
  | 'network'
  /** The caller aborted (the signal fired). */
  | 'aborted'
  /** fetch refused the request before sending it (bad URL, body on a GET, bad header...). */
  | 'invalid_request';

/**
 * Sending failed before any HTTP status came back. An HTTP error (4xx, 5xx) is not this: it is
 * a normal {@link RecordedExchange}.
 */
export class SendRequestError extends Error {
  override readonly name = 'SendRequestError';
  readonly kind: SendRequestErrorKind;
  readonly request: HttpRequestModel;

  constructor(
    kind: SendRequestErrorKind,
    message: string,
    request: HttpRequestModel,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.kind = kind;
    this.request = request;
  }
}

export interface SendRequestOptions {
  signal?: AbortSignal;
  /** Injected for tests and for calling a mock's `handle` directly; default global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Monotonic clock in ms for the duration (default `performance.now`). */
  monotonicNow?: () => number;
  /** Wall clock in ms for `startedAt` (default `Date.now`). */
  now?: () => number;
}

/** A header's value from a list of pairs, case-insensitively (first match). */
export function getHeader(
  headers: readonly (readonly [string, string])[],
  name: string,
): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** Build the fetch `Request` for a model; throws a {@link SendRequestError} if fetch refuses it. */
export function toFetchRequest(request: HttpRequestModel, signal?: AbortSignal): Request {
  const method = request.method.toUpperCase();
  if ((method === 'GET' || method === 'HEAD') && request.body !== '') {
    throw new SendRequestError(
      'invalid_request',
      `fetch cannot send a body with ${method}: remove the body or use POST.`,
      request,
    );
  }
  try {
    return new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body === '' ? undefined : request.body,
      signal,
    });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new SendRequestError(
      'invalid_request',
      `fetch refused the request: ${why}`,
      request,
      cause,
    );
  }
}

/** `pending`, or a rejection as soon as `signal` aborts (an injected fetch may not watch it). */
function abortable<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Send a request and record the exchange. Resolves for every HTTP status, 4xx and 5xx
 * included; rejects only with a {@link SendRequestError} when there is no response.
 */
export async function sendRequest(
  request: HttpRequestModel,
  options: SendRequestOptions = {},
): Promise<RecordedExchange> {
  const doFetch = options.fetch ?? ((r: Request) => fetch(r));
  const monotonic = options.monotonicNow ?? (() => performance.now());
  const fetchRequest = toFetchRequest(request, options.signal);
  const startedAt = (options.now ?? Date.now)();
  const t0 = monotonic();
  let response: Response;
  let bodyText: string;
  try {
    response = await abortable(doFetch(fetchRequest), options.signal);
    // A network error as a value (a mock's `Response.error()` handed back without fetch, which
    // would have rejected): the same as no answer.
    if (response.type === 'error') throw new TypeError('network error');
    bodyText = await response.text();
  } catch (cause) {
    if (options.signal?.aborted) {
      throw new SendRequestError('aborted', 'The request was cancelled.', request, cause);
    }
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new SendRequestError(
      'network',
      `No response from ${request.url} (${why}). Check the URL's host; in the browser the mock answers only once its service worker runs.`,
      request,
      cause,
    );
  }
  const durationMs = monotonic() - t0;
  const headers = [...response.headers.entries()] as [string, string][];
  const exchange: RecordedExchange = {
    request,
    status: response.status,
    statusText: response.statusText,
    headers,
    bodyText,
    durationMs,
    startedAt,
  };
  const requestId = response.headers.get('x-request-id');
  if (requestId !== null) exchange.requestId = requestId;
  if (isJsonMediaType(response.headers.get('content-type') ?? undefined)) {
    try {
      exchange.json = JSON.parse(bodyText);
    } catch {
      // left undefined: the body view shows the raw text, and explainResponse says why
    }
  }
  return exchange;
}
