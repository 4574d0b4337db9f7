import type { Step } from './trace.ts';

/** Which part of the server answered. */
export const ENDPOINT_NAMES = [
  'token',
  'introspection',
  'revocation',
  'discovery',
  'jwks',
  'api',
  'platform',
  'admin',
  'unknown',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/**
 * One request and its answer, redacted, with the named steps the endpoint ran and the private
 * detail the client never saw. `id` equals the response's `x-request-id`.
 */
export interface LogEntry {
  id: string;
  /** Server time, epoch milliseconds. */
  time: number;
  endpoint: EndpointName;
  clientId?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body?: string };
  steps: Step[];
  /** For errors: the code, the public description, and what the server knew. */
  error?: { error: string; error_description: string; detail?: string };
  /** For successes, an optional note of what the server knew. */
  detail?: string;
  /**
   * An injected fault (`PUT /__admin/faults`) that shaped this answer: a status the server
   * answered instead of serving the request, a delay before it did, or a dropped connection
   * (then `response.status` is 0: nothing was answered).
   */
  fault?: { kind: 'status' | 'delay' | 'drop'; status?: number; delay_ms?: number };
  durationMs: number;
}

/** How many entries the log keeps. */
export const LOG_CAPACITY = 200;

/** What `GET /__admin/log` can be asked for: one endpoint's entries, the newest first, a few. */
export interface LogQuery {
  endpoint?: EndpointName;
  /** `newest` first, or `oldest` first (the default, the log's own order). */
  order?: 'newest' | 'oldest';
  /** At most this many (after filtering, from the chosen end). */
  limit?: number;
}

/** Read a log query from a URL's search parameters; throws a message for a bad one. */
export function parseLogQuery(params: URLSearchParams): LogQuery {
  const query: LogQuery = {};
  const endpoint = params.get('endpoint');
  if (endpoint !== null) {
    if (!(ENDPOINT_NAMES as readonly string[]).includes(endpoint)) {
      throw new Error(
        `endpoint must be one of ${ENDPOINT_NAMES.join(', ')}; got ${JSON.stringify(endpoint.slice(0, 40))}.`,
      );
    }
    query.endpoint = endpoint as EndpointName;
  }
  const order = params.get('order');
  if (order !== null) {
    if (order !== 'newest' && order !== 'oldest')
      throw new Error('order must be newest or oldest.');
    query.order = order;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > LOG_CAPACITY) {
      throw new Error(`limit must be a whole number from 1 to ${LOG_CAPACITY}.`);
    }
    query.limit = n;
  }
  return query;
}

/** The entries a query selects, from a log kept oldest first. */
export function selectLog(entries: readonly LogEntry[], query: LogQuery): LogEntry[] {
  let selected = query.endpoint
    ? entries.filter((e) => e.endpoint === query.endpoint)
    : [...entries];
  if (query.order === 'newest') selected.reverse();
  if (query.limit !== undefined) selected = selected.slice(0, query.limit);
  return selected;
}
