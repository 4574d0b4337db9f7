import {
  createMockServer,
  type MockServer,
  type MockServerOptions,
} from '../../src/protocol/index.ts';

export const ISSUER = 'https://auth.example.com';
export const API = 'https://api.example.com';
/** 2026-01-01T00:00:00Z: a frozen wall clock. */
export const T0 = 1767225600;

export interface TestServer extends MockServer {
  wall: { ms: number };
}

/** A server on the browser hosts with a frozen wall clock the test can move. */
export async function makeServer(options: Partial<MockServerOptions> = {}): Promise<TestServer> {
  const wall = { ms: T0 * 1000 };
  const server = await createMockServer({
    issuer: ISSUER,
    apiOrigin: API,
    audience: API,
    now: () => wall.ms,
    ...options,
  });
  return Object.assign(server, { wall });
}

export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`;
}

export function form(
  params: Record<string, string>,
  headers: Record<string, string> = {},
  path = '/oauth/token',
): Request {
  return new Request(`${ISSUER}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

export function jsonRequest(
  body: unknown,
  headers: Record<string, string> = {},
  path = '/oauth/token',
): Request {
  return new Request(`${ISSUER}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function raw(
  body: string,
  contentType: string | undefined,
  headers: Record<string, string> = {},
  path = '/oauth/token',
): Request {
  return new Request(`${ISSUER}${path}`, {
    method: 'POST',
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
    body,
  });
}

export async function send(
  server: MockServer,
  request: Request,
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const response = await server.handle(request);
  if (!response) throw new Error('handle returned undefined');
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export const DEMO = { client_id: 'demo-client', client_secret: 'demo-secret' };

/** A token for a seeded secret client. */
export async function tokenFor(
  server: MockServer,
  client_id = 'demo-client',
  client_secret = 'demo-secret',
  extra: Record<string, string> = {},
): Promise<string> {
  const r = await send(
    server,
    form({ grant_type: 'client_credentials', client_id, client_secret, ...extra }),
  );
  if (r.status !== 200) throw new Error(`token request failed: ${r.text}`);
  return (r.body as { access_token: string }).access_token;
}

export function api(
  path: string,
  token?: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Request {
  return new Request(`${API}${path}`, {
    ...init,
    headers: {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(init.headers ?? {}),
    },
  });
}

export async function mint(server: MockServer, input: unknown): Promise<string> {
  return (await server.admin.mint(input)).token;
}

export function lastLog(server: MockServer) {
  const entry = server.admin.log().at(-1);
  if (!entry) throw new Error('empty log');
  return entry;
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index] ?? '';
  return JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    ),
  );
}
