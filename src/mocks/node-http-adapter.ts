import { getResponse, type RequestHandler } from 'msw';
import {
  allowedMethods,
  BufferedRequest,
  errorBody,
  MethodNotAllowed,
  type MockServer,
  matchRoute,
  NotFound,
  type OAuthError,
  type SerializedResponse,
} from '../protocol/index.ts';
import { type AdminAccessOptions, createAdminAccess } from './admin-access.ts';

/*
 * The node:http types are described structurally here (the few members used), so this file has no
 * `node:*` import and typechecks with the app's DOM-only config as well as with Node's.
 * `http.createServer(createNodeHttpAdapter(...))` accepts the listener as is.
 */

/** The part of `http.IncomingMessage` the adapter reads. */
interface IncomingMessage {
  method?: string | undefined;
  url?: string | undefined;
  rawHeaders: string[];
  socket?: { remoteAddress?: string | undefined } | null;
  on(event: 'data', listener: (chunk: Uint8Array<ArrayBuffer>) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The part of `http.ServerResponse` the adapter writes. */
interface ServerResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Uint8Array): unknown;
  /** Ends the connection without an answer (an injected `drop` fault). */
  destroy(): unknown;
}

export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Anything that answers a Web `Request`: msw's handlers or the core's `handle` itself. */
export type ResolveRequest = (request: Request) => Promise<Response | undefined>;

/**
 * What the adapter serves: a Web `Request -> Response` function (msw's handlers: the page's exact
 * path), or the core itself, which it calls without making Web bodies: the request carries its
 * bytes (`BufferedRequest`) and the answer comes back as text (`respond`). In Node 20 the two
 * body streams that a Request and a Response would make cost more CPU than the rest of the HTTP
 * handling (bench/node-throughput.ts).
 */
export type Served = ResolveRequest | Pick<MockServer, 'respond'>;

/** Resolves requests through the same msw handlers the page and the tests use. */
export function resolveWithHandlers(handlers: RequestHandler[]): ResolveRequest {
  return (request) => getResponse(handlers, request);
}

export interface NodeHttpAdapterOptions {
  /** The origin every request is served as (the server's issuer), whatever Host header it had. */
  origin: string;
  /** Bytes read from a body before the rest is drained unread; the core rejects over 64 KiB anyway. */
  maxBodyBytes?: number;
  /** Who may call `/__admin` (admin-access.ts); by default pages from localhost origins only. */
  access?: AdminAccessOptions;
}

/** What the adapter writes: the core's serialized answer, or a Web Response's bytes. */
interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  /** Write nothing and end the connection: the core dropped it (an injected fault). */
  drop?: true;
}

/** The adapter's own answer when the served function answers nothing (a foreign origin). */
function notFound(): WireResponse {
  return {
    status: 404,
    headers: { 'content-type': 'application/json' },
    body: '{"error":"not_found","error_description":"No such endpoint on this server."}',
  };
}

/**
 * A `node:http` request listener around the core or a Web `Request -> Response` function. This
 * is what the `@mswjs/http-middleware` package would do, minus Express, and without its
 * Host-header tricks: the server answers for one origin, so the URL is rebuilt on it.
 */
export function createNodeHttpAdapter(
  served: Served,
  { origin, maxBodyBytes = 1024 * 1024, access }: NodeHttpAdapterOptions,
): NodeRequestListener {
  const answer = typeof served === 'function' ? viaFetch(served) : viaCore(served);
  const admit = createAdminAccess(access);
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = requestUrl(req.url ?? '/', origin);
    if (FETCH_FORBIDDEN_METHODS.has(method.toUpperCase())) {
      return send(res, method, unsupportedMethod(method, url));
    }
    const headers = new Headers();
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
    const parsed = new URL(url); // once: the core's BufferedRequest takes it as it is
    const admission = admit({
      method,
      path: parsed.pathname,
      headers,
      remoteAddress: req.socket?.remoteAddress,
    });
    // Refused before the body is read: node:http discards what is left of it.
    if (!admission.ok) return send(res, method, { ...admission.refusal });
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const body = hasBody ? await readBody(req, maxBodyBytes) : null;
    if (body === CLIENT_GONE) return; // no one to answer, and nothing wrong with the server
    const response = await answer(parsed, method, headers, body);
    // An injected `drop` fault: the connection ends with no answer, as a crashed server's would.
    if (response.drop) {
      res.destroy();
      return;
    }
    admission.finish(response.headers);
    send(res, method, response);
  }
  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      console.error('node-http-adapter:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'server_error', error_description: 'The adapter failed.' }));
    });
  };
}

/** Methods the Fetch standard refuses to put in a `Request` (so neither path could carry them). */
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * The core's own 405 (or 404) for a method no `Request` can carry, such as TRACE: the route's
 * methods in `Allow`, as for any other method it does not take.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6
 */
function unsupportedMethod(method: string, url: string): WireResponse {
  const path = new URL(url).pathname;
  let error: OAuthError;
  try {
    const match = matchRoute(path, true, true);
    error = match
      ? new MethodNotAllowed(allowedMethods(match.route), method, path)
      : new NotFound(`Nothing at ${method} ${path}.`);
  } catch {
    error = new NotFound(`Nothing at ${method} ${path}.`);
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(error.headers())) headers[name.toLowerCase()] = value;
  return { status: error.status, headers, body: JSON.stringify(errorBody(error)) };
}

type Answer = (
  url: URL,
  method: string,
  headers: Headers,
  body: Uint8Array<ArrayBuffer> | null,
) => Promise<WireResponse>;

function viaCore(server: Pick<MockServer, 'respond'>): Answer {
  return async (url, method, headers, body) => {
    const response = await server.respond(new BufferedRequest(url, { method, headers }, body));
    if (response?.drop) return { status: 0, headers: {}, body: null, drop: true };
    return response ? wireHeaders(response) : notFound();
  };
}

function viaFetch(resolve: ResolveRequest): Answer {
  return async (url, method, headers, body) => {
    const response = await resolve(new Request(url, { method, headers, body }));
    if (!response) return notFound();
    // msw hands back the handler's `Response.error()`: a network error, so no answer at all.
    if (response.type === 'error') return { status: 0, headers: {}, body: null, drop: true };
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    return {
      status: response.status,
      headers: out,
      body: new Uint8Array(await response.arrayBuffer()),
    };
  };
}

/**
 * Header names as a Web `Response` would send them: lower case, sorted, a repeated name's values
 * joined by ", " (the Fetch standard's "sort and combine"), so both paths put the same bytes on
 * the wire.
 */
function wireHeaders(response: SerializedResponse): WireResponse {
  const names = Object.keys(response.headers);
  const out: Record<string, string> = {};
  const lower: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    const value = response.headers[name] as string;
    if (out[key] === undefined) {
      lower.push(key);
      out[key] = value;
    } else {
      out[key] = `${out[key]}, ${value}`;
    }
  }
  lower.sort();
  const sorted: Record<string, string> = {};
  for (const key of lower) sorted[key] = out[key] as string;
  return { status: response.status, headers: sorted, body: response.body };
}

/** One writeHead and one end: node:http then sends the head and a string body in one write. */
function send(res: ServerResponse, method: string, response: WireResponse): void {
  const { headers, body } = response;
  const length = body === null ? 0 : typeof body === 'string' ? utf8Length(body) : body.length;
  headers['content-length'] = String(length);
  res.writeHead(response.status, headers);
  res.end(method === 'HEAD' || body === null ? undefined : body);
}

/** Bytes of `text` in UTF-8 (a lone surrogate counts as U+FFFD, 3 bytes, as it is sent). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: two UTF-16 units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** What `readBody` resolves to when the client went away before its body ended. */
const CLIENT_GONE = Symbol('client gone');

/**
 * The whole body, or CLIENT_GONE when the connection closed (or reset) before it ended: a client
 * cut off mid-body is not a server error, and is not answered or logged as one.
 */
function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | typeof CLIENT_GONE> {
  return new Promise((resolve) => {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let size = 0;
    let kept = 0;
    req.on('data', (chunk) => {
      // Past the limit keep draining (so the client sees an answer) but stop buffering.
      if (size <= limit) {
        chunks.push(chunk);
        kept += chunk.length;
      }
      size += chunk.length;
    });
    let ended = false;
    req.on('error', () => resolve(CLIENT_GONE)); // 'aborted' (ECONNRESET) mid-body
    req.on('close', () => {
      // Before 'end': the client went away mid-body.
      if (!ended) resolve(CLIENT_GONE);
    });
    req.on('end', () => {
      ended = true;
      if (chunks.length === 1) return resolve(chunks[0] as Uint8Array<ArrayBuffer>);
      const body = new Uint8Array(kept);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.length;
      }
      resolve(body);
    });
  });
}

/**
 * The request target on our origin. Origin-form (`/path?q`) is appended as is, so `//x` stays a
 * path instead of becoming a host; absolute-form (`http://host/path`, as proxies send) keeps only
 * its path and query; `*` (OPTIONS *) becomes `/`.
 */
function requestUrl(target: string, origin: string): string {
  // Parsed once, by the Request; the same string `new URL` would have given it.
  if (target.startsWith('/')) return `${origin}${target}`;
  try {
    const absolute = new URL(target);
    return new URL(`${origin}${absolute.pathname}${absolute.search}`).href;
  } catch {
    return `${origin}/`;
  }
}
