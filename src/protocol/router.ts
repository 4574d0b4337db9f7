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
import { serveApi } from './resource-server.ts';
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

/** Every route the core serves. */
export const ROUTES: readonly Route[] = [
  {
    host: 'issuer',
    path: '/.well-known/oauth-authorization-server',
    endpoint: 'discovery',
    methods: {
      GET: ({ context, trace }) => {
        trace.pass('serveMetadata');
        return discoveryEndpoint(context);
      },
    },
  },
  {
    host: 'issuer',
    path: '/.well-known/jwks.json',
    endpoint: 'jwks',
    methods: {
      GET: ({ context, trace }) => {
        trace.pass('servePublicKeys');
        return jwksEndpoint(context);
      },
    },
  },
  {
    host: 'issuer',
    path: '/oauth/token',
    endpoint: 'token',
    methods: { POST: (i) => tokenEndpoint(i.request, i.context, i.trace) },
  },
  {
    host: 'issuer',
    path: '/oauth/introspect',
    endpoint: 'introspection',
    methods: { POST: (i) => introspectionEndpoint(i.request, i.context, i.trace) },
  },
  {
    host: 'issuer',
    path: '/oauth/revoke',
    endpoint: 'revocation',
    methods: { POST: (i) => revocationEndpoint(i.request, i.context, i.trace) },
  },
  {
    host: 'api',
    path: '/api/v1/users',
    endpoint: 'api',
    methods: {
      GET: (i) =>
        serveApi(
          i.request,
          i.url,
          { action: 'listUsers', scope: 'read:users' },
          i.context,
          i.trace,
        ),
    },
  },
  {
    host: 'api',
    path: '/api/v1/orders',
    endpoint: 'api',
    methods: {
      GET: (i) =>
        serveApi(
          i.request,
          i.url,
          { action: 'listOrders', scope: 'read:orders' },
          i.context,
          i.trace,
        ),
      POST: (i) =>
        serveApi(
          i.request,
          i.url,
          { action: 'createOrder', scope: 'write:orders' },
          i.context,
          i.trace,
        ),
    },
  },
  {
    host: 'api',
    path: '/api/v1/orders/',
    withId: true,
    endpoint: 'api',
    methods: {
      GET: (i) =>
        serveApi(
          i.request,
          i.url,
          { action: 'getOrder', scope: 'read:orders', id: i.id },
          i.context,
          i.trace,
        ),
    },
  },
  {
    host: 'issuer',
    path: '/__admin/reset',
    endpoint: 'admin',
    methods: {
      POST: async (i) => {
        await i.admin.reset(await adminBody(i));
        return ok({ reset: true });
      },
    },
  },
  {
    host: 'issuer',
    path: '/__admin/clock',
    endpoint: 'admin',
    methods: {
      GET: ({ admin }) => ok(admin.clock()),
      POST: async (i) => ok(await i.admin.setClock(await adminBody(i))),
    },
  },
  {
    host: 'issuer',
    path: '/__admin/clients',
    endpoint: 'admin',
    methods: { GET: ({ admin }) => ok({ clients: admin.listClients() }) },
  },
  {
    host: 'issuer',
    path: '/__admin/clients/',
    withId: true,
    endpoint: 'admin',
    methods: {
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
    },
  },
  {
    host: 'issuer',
    path: '/__admin/keys/rotate',
    endpoint: 'admin',
    methods: { POST: async (i) => ok(await i.admin.rotateKeys(await adminBody(i))) },
  },
  {
    host: 'issuer',
    path: '/__admin/keys/retire',
    endpoint: 'admin',
    methods: { POST: async ({ admin }) => ok(await admin.retireKeys()) },
  },
  {
    host: 'issuer',
    path: '/__admin/keys',
    endpoint: 'admin',
    methods: { GET: ({ admin }) => ok({ keys: admin.keys() }) },
  },
  {
    host: 'issuer',
    path: '/__admin/tokens',
    endpoint: 'admin',
    methods: {
      GET: ({ admin }) => ok({ tokens: admin.issuedTokens(), revoked: admin.revokedTokens() }),
    },
  },
  {
    host: 'issuer',
    path: '/__admin/tokens/revoke',
    endpoint: 'admin',
    methods: {
      POST: async (i) => {
        const body = await adminBody(i);
        const jti =
          typeof body === 'object' && body !== null ? (body as { jti?: unknown }).jti : undefined;
        return ok(await i.admin.revokeToken(jti));
      },
    },
  },
  {
    host: 'issuer',
    path: '/__admin/mint',
    endpoint: 'admin',
    methods: { POST: async (i) => ok(await i.admin.mint(await adminBody(i))) },
  },
  {
    host: 'issuer',
    path: '/__admin/log',
    endpoint: 'admin',
    methods: {
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
            {
              detail: `log query ${url.search.slice(0, 100)}`,
            },
          );
        }
        return ok({ entries: selectLog(admin.log(), query) });
      },
    },
  },
  {
    host: 'issuer',
    path: '/__admin/settings',
    endpoint: 'admin',
    methods: {
      GET: ({ admin }) => ok(admin.settings()),
      PUT: async (i) => ok(await i.admin.updateSettings(await adminBody(i))),
    },
  },
  {
    host: 'issuer',
    path: '/__admin/clients/',
    withId: true,
    suffix: '/revoke-tokens',
    endpoint: 'admin',
    methods: { POST: async ({ admin, id }) => ok(await admin.revokeClientTokens(id)) },
  },
  {
    host: 'issuer',
    path: '/__admin/ci/keys/rotate',
    endpoint: 'admin',
    methods: { POST: async (i) => ok(await i.admin.rotateCiKeys(await adminBody(i))) },
  },
  {
    host: 'issuer',
    path: '/__admin/ci/keys',
    endpoint: 'admin',
    methods: { GET: ({ admin }) => ok({ keys: admin.ciKeys() }) },
  },
  {
    host: 'issuer',
    path: '/__admin/faults',
    endpoint: 'admin',
    methods: {
      GET: ({ admin }) => ok(admin.faults()),
      PUT: async (i) => ok(await i.admin.putFaults(await adminBody(i))),
      DELETE: async ({ admin }) => ok(await admin.clearFaults()),
    },
  },
  {
    host: 'ci',
    path: '/.well-known/openid-configuration',
    endpoint: 'platform',
    methods: {
      GET: ({ context, trace }) => {
        trace.pass('servePlatformMetadata');
        return json(200, ciMetadata(context), CI_CACHE);
      },
    },
  },
  {
    host: 'ci',
    path: '/.well-known/jwks.json',
    endpoint: 'platform',
    methods: {
      GET: ({ context, trace }) => {
        trace.pass('servePlatformKeys');
        return json(200, ciJwks(context), CI_CACHE);
      },
    },
  },
  {
    host: 'ci',
    path: '/workload-token',
    endpoint: 'platform',
    methods: { POST: (i) => workloadTokenEndpoint(i.request, i.context, i.trace) },
  },
  {
    host: 'issuer',
    path: '/__admin/profile',
    endpoint: 'admin',
    methods: {
      GET: ({ admin }) => ok(profileView(admin.settings())),
      PUT: async (i) => ok(await applyProfile(i.admin, await adminBody(i))),
    },
  },
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
