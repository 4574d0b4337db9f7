/**
 * fetch with a timeout that never throws for HTTP answers and turns network failures into one
 * error that says, in plain words, what could not be reached.
 */

/** A request that got no HTTP answer: refused, unresolved, timed out, TLS failure... */
export class Unreachable extends Error {
  override readonly name = 'Unreachable';
}

export interface ProbeResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface ProbeRequest {
  method?: string;
  headers?: Record<string, string>;
  /** A form body (application/x-www-form-urlencoded); a list keeps repeated names. */
  form?: [string, string][];
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running, on this port?)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the server closed the connection without an answer',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server sent no headers in time',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'the TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'a TLS certificate in the chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate does not name this host',
};

/** Why a fetch failed, in words, from the error and its `cause` chain (undici puts codes there). */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms (raise --timeout if the server is slow)`;
  }
  // undici wraps the real failure: TypeError('fetch failed', { cause }), the cause carrying a code.
  let current: unknown = error;
  let deepest = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return CAUSES[code] ?? `${code}: ${current.message}`;
    deepest = current.message || deepest;
    current = (current as { cause?: unknown }).cause;
  }
  return deepest;
}

export type Fetch = typeof fetch;

/** Send one request; an HTTP answer of any status comes back, a network failure throws Unreachable. */
export async function probe(
  url: string,
  request: ProbeRequest,
  options: { timeoutMs: number; fetch?: Fetch },
): Promise<ProbeResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.form) {
    body = new URLSearchParams(request.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const method = request.method ?? (body === undefined ? 'GET' : 'POST');
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  } catch (error) {
    throw new Unreachable(`${method} ${url}: ${describeFetchError(error, options.timeoutMs)}`);
  }
}

/** A plain object body, or undefined. */
export function jsonObject(response: ProbeResponse): Record<string, unknown> | undefined {
  const { json } = response;
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

/** "401 invalid_client" / "200" / "502 (not JSON)": a short summary of an answer for a report line. */
export function summarize(response: ProbeResponse): string {
  const body = jsonObject(response);
  const error = typeof body?.error === 'string' ? ` ${body.error}` : '';
  const notJson = response.text !== '' && response.json === undefined ? ' (body is not JSON)' : '';
  return `${response.status}${error}${notJson}`;
}
