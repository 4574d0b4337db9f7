import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ClientView, ClockChange, LogEntry, MockServer } from '../../protocol';

/**
 * The Server page's data. The core runs in this page, so reads call its admin functions
 * directly (no request lands in the log for them); changes go through the `/__admin` HTTP API,
 * the same path a learner's own tooling would take.
 */
export const serverKeys = {
  all: ['server'] as const,
  clients: ['server', 'clients'] as const,
  jwks: ['server', 'jwks'] as const,
  clock: ['server', 'clock'] as const,
  log: ['server', 'log'] as const,
  keys: ['server', 'keys'] as const,
  tokens: ['server', 'tokens'] as const,
};

export type { ClientView, LogEntry };

/**
 * `subscribe` reports each logged request at once; admin changes made elsewhere (a lesson
 * registering a client, the `/__admin` API called from a test) do not notify, so reads also
 * refresh on this interval. They are in-page calls, and unchanged data does not re-render.
 */
const BACKSTOP_REFRESH_MS = 2000;

/** A console read: one call of the page's core, re-read on an interval. */
function adminRead<T>(
  key: Exclude<keyof typeof serverKeys, 'all'>,
  read: () => T,
  refetchInterval = BACKSTOP_REFRESH_MS,
) {
  return queryOptions({ queryKey: serverKeys[key], queryFn: async () => read(), refetchInterval });
}

export const clientsQueryOptions = (server: MockServer) =>
  adminRead('clients', () => server.admin.listClients());

export const jwksQueryOptions = (server: MockServer) =>
  adminRead('jwks', () => server.admin.jwks());

// The clock is live: re-read it every second while the page is visible.
export const clockQueryOptions = (server: MockServer) =>
  adminRead('clock', () => server.admin.clock(), 1000);

export const logQueryOptions = (server: MockServer) => adminRead('log', () => server.admin.log());

/** Call the control API (`/__admin/...`) through the service worker; throw its error text. */
export async function adminRequest(
  server: MockServer,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${server.options.issuer}/__admin${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const description =
      typeof parsed === 'object' && parsed !== null && 'error_description' in parsed
        ? String(parsed.error_description)
        : `HTTP ${response.status}`;
    throw new Error(`${method} /__admin${path} failed: ${description}`);
  }
  return parsed;
}

export function useResetServer(server: MockServer | undefined) {
  return useServerChange(async () => {
    if (!server) throw new Error('The mock servers are not running yet.');
    await adminRequest(server, 'POST', '/reset');
  });
}

export type { ClockChange };

export function useSetClock(server: MockServer) {
  return useServerChange((change: ClockChange) => adminRequest(server, 'POST', '/clock', change));
}

export type KeyView = ReturnType<MockServer['admin']['keys']>[number];
export type IssuedTokenView = ReturnType<MockServer['admin']['issuedTokens']>[number];

export const keysQueryOptions = (server: MockServer) =>
  adminRead('keys', () => server.admin.keys());

/** Issued tokens (newest first) with the revocation list and the leeway to judge them by. */
export const tokensQueryOptions = (server: MockServer) =>
  adminRead('tokens', () => ({
    tokens: [...server.admin.issuedTokens()].reverse(),
    revoked: new Set(server.admin.revokedTokens()),
    leewaySeconds: server.admin.settings().leewaySeconds,
  }));

/** Any console change: run it, then refresh everything the console shows. */
export function useServerChange<I, O>(run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: serverKeys.all }),
  });
}
