import type { Admin } from './admin.ts';
import type { ServerContext } from './context.ts';
import { discoveryEndpoint, jwksEndpoint } from './discovery.ts';
import { MethodNotAllowed, NotFound, OAuthError } from './errors.ts';
import { empty, json, type ProtocolResponse } from './http.ts';
import { introspectionEndpoint } from './introspection-endpoint.ts';
import { type EndpointName, type LogQuery, parseLogQuery, selectLog } from './log.ts';
import { readJsonBody } from './parse-body.ts';
import { applyProfile, profileView } from './profiles.ts';
import { redactJson } from './redact.ts';
import { type ApiRoute, serveApi } from './resource-server.ts';
import { revocationEndpoint } from './revocation-endpoint.ts';
import { tokenEndpoint } from './token-endpoint.ts';
import type { Trace } from './trace.ts';
import { ciJwks, ciMetadata, workloadTokenEndpoint } from './workload-platform.ts';

/** What a route handler gets. */
export interface RouteInput {
  /**
   * Asked once the route and its method are known, before the handler: an answer in the
   * handler's place (an injected fault), or undefined to go on.
   */
  intercept?: (endpoint: EndpointName) => Promise<ProtocolResponse | undefined> | undefined;
  request: Request;
  url: URL;
  /** The `:id` segment, for routes that have one. */
  id: string;
  context: ServerContext;
  trace: Trace;
  admin: Admin;
}

type Handler = (input: RouteInput) => Promise<ProtocolResponse> | ProtocolResponse;

/** One path on one host, with a handler per method. */
export interface Route {
  /** `ci`: the workload platform, whose paths are relative to its issuer (which may have a path). */
  host: 'issuer' | 'api' | 'ci';
  /** Exact path, or a prefix ending in `/` followed by one `:id` segment. */
  path: string;
  withId?: boolean;
  /** With `withId`: what follows the id (`/revoke-tokens`); without it, the id ends the path. */
  suffix?: string;
  endpoint: EndpointName;
  methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Handler>>;
}

async function adminBody(input: RouteInput): Promise<unknown> {
  const body = await readJsonBody(input.request);
  if (body) input.trace.requestBody = JSON.stringify(redactJson(body.value));
  return body?.value;
}

const ok = (body: unknown) => json(200, body, { 'Cache-Control': 'no-store' });

/** How long a relying party may cache the platform's metadata and keys: short, they rotate. */
const CI_CACHE = { 'Cache-Control': 'public, max-age=60' };

type Methods = Route['methods'];

const issuer = (path: string, endpoint: EndpointName, methods: Methods): Route => ({
  host: 'issuer',
  path,
  endpoint,
  methods,
});
const admin = (path: string, methods: Methods): Route => issuer(path, 'admin', methods);
/** An admin route on `path` + `:id` (+ `suffix`). */
const adminById = (path: string, methods: Methods, suffix?: string): Route => ({
  ...admin(path, methods),
  withId: true,
  ...(suffix === undefined ? {} : { suffix }),
});
const api = (path: string, methods: Methods, withId = false): Route => ({
  host: 'api',
  path,
  endpoint: 'api',
  methods,
  ...(withId ? { withId } : {}),
});
const platform = (path: string, methods: Methods): Route => ({
  host: 'ci',
  path,
  endpoint: 'platform',
  methods,
});

/** A handler for the API: `route(input)` names the action and the scope it needs. */
const apiAction =
  (route: (input: RouteInput) => ApiRoute): Handler =>
  (i) =>
    serveApi(i.request, i.url, route(i), i.context, i.trace);

/** Every route the core serves. */
export const ROUTES: readonly Route[] = [
  issuer('/.well-known/oauth-authorization-server', 'discovery', {
    GET: ({ context, trace }) => {
      trace.pass('serveMetadata');
      return discoveryEndpoint(context);
    },
  }),
  issuer('/.well-known/jwks.json', 'jwks', {
    GET: ({ context, trace }) => {
      trace.pass('servePublicKeys');
      return jwksEndpoint(context);
    },
  }),
  issuer('/oauth/token', 'token', { POST: (i) => tokenEndpoint(i.request, i.context, i.trace) }),
  issuer('/oauth/introspect', 'introspection', {
    POST: (i) => introspectionEndpoint(i.request, i.context, i.trace),
  }),
  issuer('/oauth/revoke', 'revocation', {
    POST: (i) => revocationEndpoint(i.request, i.context, i.trace),
  }),
  api('/api/v1/users', { GET: apiAction(() => ({ action: 'listUsers', scope: 'read:users' })) }),
  api('/api/v1/orders', {
    GET: apiAction(() => ({ action: 'listOrders', scope: 'read:orders' })),
    POST: apiAction(() => ({ action: 'createOrder', scope: 'write:orders' })),
  }),
  api(
    '/api/v1/orders/',
    { GET: apiAction((i) => ({ action: 'getOrder', scope: 'read:orders', id: i.id })) },
    true,
  ),
  admin('/__admin/reset', {
    POST: async (i) => {
      await i.admin.reset(await adminBody(i));
      return ok({ reset: true });
    },
  }),
  admin('/__admin/clock', {
    GET: ({ admin }) => ok(admin.clock()),
    POST: async (i) => ok(await i.admin.setClock(await adminBody(i))),
  }),
  admin('/__admin/clients', { GET: ({ admin }) => ok({ clients: admin.listClients() }) }),
  adminById('/__admin/clients/', {
    GET: ({ admin, id }) => {
      const client = admin.getClient(id);
      if (!client) throw new NotFound(`No client ${id}. GET /__admin/clients lists them.`);
      return ok(client);
    },
    PUT: async (i) => ok(await i.admin.putClient(i.id, await adminBody(i))),
    DELETE: async ({ admin, id }) => {
      if (!(await admin.deleteClient(id)))
        throw new NotFound(`No client ${id} to delete. GET /__admin/clients lists them.`);
      return ok({ deleted: id });
    },
  }),
  admin('/__admin/keys/rotate', {
    POST: async (i) => ok(await i.admin.rotateKeys(await adminBody(i))),
  }),
  admin('/__admin/keys/retire', { POST: async ({ admin }) => ok(await admin.retireKeys()) }),
  admin('/__admin/keys', { GET: ({ admin }) => ok({ keys: admin.keys() }) }),
  admin('/__admin/tokens', {
    GET: ({ admin }) => ok({ tokens: admin.issuedTokens(), revoked: admin.revokedTokens() }),
  }),
  admin('/__admin/tokens/revoke', {
    POST: async (i) => {
      const body = await adminBody(i);
      const jti =
        typeof body === 'object' && body !== null ? (body as { jti?: unknown }).jti : undefined;
      return ok(await i.admin.revokeToken(jti));
    },
  }),
  admin('/__admin/mint', { POST: async (i) => ok(await i.admin.mint(await adminBody(i))) }),
  admin('/__admin/log', {
    // ?endpoint=token&order=newest&limit=3: what a reader looks for, not all 200 entries.
    GET: ({ admin, url }) => {
      let query: LogQuery;
      try {
        query = parseLogQuery(url.searchParams);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new OAuthError(
          'invalid_request',
          `${message} Example: /__admin/log?endpoint=token&order=newest&limit=3.`,
          { detail: `log query ${url.search.slice(0, 100)}` },
        );
      }
      return ok({ entries: selectLog(admin.log(), query) });
    },
  }),
  admin('/__admin/settings', {
    GET: ({ admin }) => ok(admin.settings()),
    PUT: async (i) => ok(await i.admin.updateSettings(await adminBody(i))),
  }),
  adminById(
    '/__admin/clients/',
    { POST: async ({ admin, id }) => ok(await admin.revokeClientTokens(id)) },
    '/revoke-tokens',
  ),
  admin('/__admin/ci/keys/rotate', {
    POST: async (i) => ok(await i.admin.rotateCiKeys(await adminBody(i))),
  }),
  admin('/__admin/ci/keys', { GET: ({ admin }) => ok({ keys: admin.ciKeys() }) }),
  admin('/__admin/faults', {
    GET: ({ admin }) => ok(admin.faults()),
    PUT: async (i) => ok(await i.admin.putFaults(await adminBody(i))),
    DELETE: async ({ admin }) => ok(await admin.clearFaults()),
  }),
  platform('/.well-known/openid-configuration', {
    GET: ({ context, trace }) => {
      trace.pass('servePlatformMetadata');
      return json(200, ciMetadata(context), CI_CACHE);
    },
  }),
  platform('/.well-known/jwks.json', {
    GET: ({ context, trace }) => {
      trace.pass('servePlatformKeys');
      return json(200, ciJwks(context), CI_CACHE);
    },
  }),
  platform('/workload-token', {
    POST: (i) => workloadTokenEndpoint(i.request, i.context, i.trace),
  }),
  admin('/__admin/profile', {
    GET: ({ admin }) => ok(profileView(admin.settings())),
    PUT: async (i) => ok(await applyProfile(i.admin, await adminBody(i))),
  }),
];

/**
 * Find the route for a path on the hosts the request reached. `ciPath` is the path below the
 * workload platform's issuer when the request is on it (its issuer may have a path of its own).
 */
export function matchRoute(
  path: string,
  onIssuer: boolean,
  onApi: boolean,
  ciPath?: string,
): { route: Route; id: string } | undefined {
  for (const route of ROUTES) {
    if (route.host === 'ci') {
      if (ciPath !== undefined && route.path === ciPath) return { route, id: '' };
      continue;
    }
    if (!(route.host === 'issuer' ? onIssuer : onApi)) continue;
    if (route.withId) {
      if (!path.startsWith(route.path)) continue;
      let rest = path.slice(route.path.length);
      if (route.suffix !== undefined) {
        if (!rest.endsWith(route.suffix)) continue;
        rest = rest.slice(0, -route.suffix.length);
      }
      if (rest === '' || rest.includes('/')) continue;
      let id: string;
      try {
        id = decodeURIComponent(rest);
      } catch {
        throw new OAuthError(
          'invalid_request',
          'The id in the path has a broken %-escape. Percent-encode it properly.',
          {
            detail: `path ${path}`,
          },
        );
      }
      return { route, id };
    }
    if (route.path === path) return { route, id: '' };
  }
  return undefined;
}

/** The methods a route answers, as the Allow header lists them. */
export function allowedMethods(route: Route): string[] {
  return [...Object.keys(route.methods), 'OPTIONS'];
}

/**
 * Route one request: 404 for unknown paths, 204 for OPTIONS, 405 with Allow for a wrong method.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6
 */
export async function dispatch(
  input: Omit<RouteInput, 'id'>,
  onIssuer: boolean,
  onApi: boolean,
  setEndpoint: (endpoint: EndpointName) => void,
  ciPath?: string,
): Promise<ProtocolResponse> {
  const { request, url } = input;
  const match = matchRoute(url.pathname, onIssuer, onApi, ciPath);
  if (!match) {
    throw new NotFound(
      `Nothing at ${request.method} ${url.pathname}. See ${input.context.endpoints.discovery} for the server's endpoints; the API has /api/v1/users and /api/v1/orders.`,
    );
  }
  setEndpoint(match.route.endpoint);
  const allow = allowedMethods(match.route);
  if (request.method === 'OPTIONS') return empty(204, { Allow: allow.join(', ') });
  const handler = match.route.methods[request.method as keyof Route['methods']];
  if (!handler) throw new MethodNotAllowed(allow, request.method, url.pathname);
  // Undefined (not a promise) when no fault is set: the common case costs no extra await.
  const pending = input.intercept?.(match.route.endpoint);
  const intercepted = pending && (await pending);
  if (intercepted) return intercepted;
  return handler({ ...input, id: match.id });
}
