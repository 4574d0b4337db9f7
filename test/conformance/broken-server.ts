/**
 * Our own mock server over real HTTP (node:http, in the test process), with deliberate RFC
 * breaks layered on its answers: the conformance runner must name exactly the checks each
 * break violates.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeHttpAdapter } from '../../src/mocks/node-http-adapter.ts';
import {
  createMockServer,
  type MockServer,
  type MockServerOptions,
} from '../../src/protocol/index.ts';

export type Break =
  /** Token responses without Cache-Control and Pragma (RFC 6749 §5.1). */
  | 'no-cache-control'
  /** invalid_client as 400 without a Basic challenge, even when Basic was used (RFC 6749 §5.2). */
  | 'bad-secret-400'
  /** The metadata names the issuer with a trailing slash (RFC 8414 §3.3). */
  | 'issuer-mismatch'
  /** The JWKS leaks a private member (RFC 7517). */
  | 'private-jwks'
  /** The API's 401s have no WWW-Authenticate (RFC 6750 §3). */
  | 'api-no-challenge'
  /** The token endpoint answers errors as text/plain, not JSON (RFC 6749 §5.2). */
  | 'text-errors'
  /** The metadata advertises private_key_jwt as the only client authentication. */
  | 'only-private-key-jwt';

export interface BrokenServer {
  origin: string;
  core: MockServer;
  close(): Promise<void>;
}

async function breakResponse(
  breaks: ReadonlySet<Break>,
  request: Request,
  response: Response,
  origin: string,
): Promise<Response> {
  const path = new URL(request.url).pathname;
  const headers = new Headers(response.headers);
  let text = await response.text();
  let status = response.status;
  if (breaks.has('no-cache-control') && path === '/oauth/token' && status === 200) {
    headers.delete('cache-control');
    headers.delete('pragma');
  }
  if (breaks.has('bad-secret-400') && text.includes('"invalid_client"')) {
    status = 400;
    headers.delete('www-authenticate');
  }
  if (breaks.has('issuer-mismatch') && path === '/.well-known/oauth-authorization-server') {
    text = JSON.stringify({ ...JSON.parse(text), issuer: `${origin}/` });
  }
  if (breaks.has('only-private-key-jwt') && path === '/.well-known/oauth-authorization-server') {
    const metadata = JSON.parse(text) as Record<string, unknown>;
    text = JSON.stringify({
      ...metadata,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
  }
  if (breaks.has('private-jwks') && path === '/.well-known/jwks.json') {
    const jwks = JSON.parse(text) as { keys: Record<string, unknown>[] };
    text = JSON.stringify({ keys: jwks.keys.map((k) => ({ ...k, d: 'leaked' })) });
  }
  if (breaks.has('api-no-challenge') && path.startsWith('/api/') && status === 401) {
    headers.delete('www-authenticate');
  }
  if (breaks.has('text-errors') && path === '/oauth/token' && status >= 400) {
    text = 'Bad Request';
    headers.set('content-type', 'text/plain');
  }
  headers.delete('content-length');
  return new Response(status === 204 || text === '' ? null : text, { status, headers });
}

/** Start our server with `breaks` applied, on a free port; `now` freezes its clock. */
export async function startBrokenServer(
  breaks: Break[] = [],
  options: Pick<MockServerOptions, 'now'> = {},
): Promise<BrokenServer> {
  const set = new Set(breaks);
  const holder: { listener?: ReturnType<typeof createNodeHttpAdapter> } = {};
  const http: Server = createServer((req, res) => holder.listener?.(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const core = await createMockServer({
    issuer: origin,
    apiOrigin: origin,
    audience: origin,
    ...options,
  });
  holder.listener = createNodeHttpAdapter(
    async (request) => {
      const response = await core.handle(request);
      return response && breakResponse(set, request, response, origin);
    },
    { origin },
  );
  return {
    origin,
    core,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
