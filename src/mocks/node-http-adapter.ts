import { getResponse, type RequestHandler } from 'msw';

/*
 * The node:http types are described structurally here (the few members used), so this file has no
 * `node:*` import and typechecks with the app's DOM-only config as well as with Node's.
 * `http.createServer(createNodeHttpAdapter(...))` accepts the listener as is.
 */

/** The part of `http.IncomingMessage` the adapter reads. */
interface IncomingMessage extends AsyncIterable<Uint8Array> {
  method?: string | undefined;
  url?: string | undefined;
  rawHeaders: string[];
}

/** The part of `http.ServerResponse` the adapter writes. */
interface ServerResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Uint8Array): unknown;
}

export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Anything that answers a Web `Request`: msw's handlers or the core's `handle` itself. */
export type ResolveRequest = (request: Request) => Promise<Response | undefined>;

/** Resolves requests through the same msw handlers the page and the tests use. */
export function resolveWithHandlers(handlers: RequestHandler[]): ResolveRequest {
  return (request) => getResponse(handlers, request);
}

export interface NodeHttpAdapterOptions {
  /** The origin every request is served as (the server's issuer), whatever Host header it had. */
  origin: string;
  /** Bytes read from a body before the rest is drained unread; the core rejects over 64 KiB anyway. */
  maxBodyBytes?: number;
}

/**
 * A `node:http` request listener around a Web `Request -> Response` function. This is what the
 * `@mswjs/http-middleware` package would do, minus Express, and without its Host-header tricks:
 * the server answers for one origin, so the URL is rebuilt on it.
 */
export function createNodeHttpAdapter(
  resolve: ResolveRequest,
  { origin, maxBodyBytes = 1024 * 1024 }: NodeHttpAdapterOptions,
): NodeRequestListener {
  return (req, res) => {
    answer(req, res).catch((error: unknown) => {
      console.error('node-http-adapter:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'server_error', error_description: 'The adapter failed.' }));
    });
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(requestUrl(req.url ?? '/', origin), {
      method,
      headers,
      body: hasBody ? await readBody(req, maxBodyBytes) : null,
    });
    const response = (await resolve(request)) ?? notFound();
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    const body = new Uint8Array(await response.arrayBuffer());
    outHeaders['content-length'] = String(body.length);
    res.writeHead(response.status, outHeaders);
    res.end(method === 'HEAD' ? undefined : body);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let kept = 0;
  for await (const chunk of req) {
    // Past the limit keep draining (so the client sees an answer) but stop buffering.
    if (size <= limit) {
      chunks.push(chunk);
      kept += chunk.length;
    }
    size += chunk.length;
  }
  const body = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

/**
 * The request target on our origin. Origin-form (`/path?q`) is appended as is, so `//x` stays a
 * path instead of becoming a host; absolute-form (`http://host/path`, as proxies send) keeps only
 * its path and query; `*` (OPTIONS *) becomes `/`.
 */
function requestUrl(target: string, origin: string): URL {
  if (target.startsWith('/')) return new URL(`${origin}${target}`);
  try {
    const absolute = new URL(target);
    return new URL(`${origin}${absolute.pathname}${absolute.search}`);
  } catch {
    return new URL(`${origin}/`);
  }
}

function notFound(): Response {
  return Response.json(
    { error: 'not_found', error_description: 'No such endpoint on this server.' },
    { status: 404 },
  );
}
