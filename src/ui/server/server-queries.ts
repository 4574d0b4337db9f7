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

export function clientsQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: serverKeys.clients,
    queryFn: async () => server.admin.listClients(),
    refetchInterval: BACKSTOP_REFRESH_MS,
  });
}

export function jwksQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: serverKeys.jwks,
    queryFn: async () => server.admin.jwks(),
    refetchInterval: BACKSTOP_REFRESH_MS,
  });
}

export function clockQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: serverKeys.clock,
    queryFn: async () => server.admin.clock(),
    // The clock is live: re-read it every second while the page is visible.
    refetchInterval: 1000,
  });
}

export function logQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: serverKeys.log,
    queryFn: async () => server.admin.log(),
    refetchInterval: BACKSTOP_REFRESH_MS,
  });
}

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
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      if (!server) throw new Error('The mock servers are not running yet.');
      await adminRequest(server, 'POST', '/reset');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: serverKeys.all }),
  });
}

export type { ClockChange };

export function useSetClock(server: MockServer) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: ClockChange) => adminRequest(server, 'POST', '/clock', change),
    onSettled: () => queryClient.invalidateQueries({ queryKey: serverKeys.all }),
  });
}

export type KeyView = ReturnType<MockServer['admin']['keys']>[number];
export type IssuedTokenView = ReturnType<MockServer['admin']['issuedTokens']>[number];

export function keysQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: serverKeys.keys,
    queryFn: async () => server.admin.keys(),
    refetchInterval: BACKSTOP_REFRESH_MS,
  });
}

/** Issued tokens (newest first) with the revocation list and the leeway to judge them by. */
export function tokensQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: serverKeys.tokens,
    queryFn: async () => ({
      tokens: [...server.admin.issuedTokens()].reverse(),
      revoked: new Set(server.admin.revokedTokens()),
      leewaySeconds: server.admin.settings().leewaySeconds,
    }),
    refetchInterval: BACKSTOP_REFRESH_MS,
  });
}

/** Any console change: run it, then refresh everything the console shows. */
export function useServerChange<I, O>(run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: serverKeys.all }),
  });
}
