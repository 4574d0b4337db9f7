import { http, type RequestHandler } from 'msw';
import { defaultCiIssuer, type MockServer } from '../protocol/index.ts';

/**
 * The one handlers array, fed to `setupWorker` in the page, `setupServer` in tests and the
 * node:http adapter in `npm run server`.
 *
 * Each handler only delegates to the core: the core does the routing, the 404s and the 405s.
 * The named routes are here so msw's own tooling (and a reader) sees the API's shape; the
 * catch-all per origin is what keeps every other path on our hosts inside the mock (a JSON 404
 * from the core) instead of letting it reach the network.
 */
export function createHandlers(server: MockServer): RequestHandler[] {
  const { issuer, apiOrigin } = server.options;
  const ci = server.options.ciIssuer ?? defaultCiIssuer(issuer);
  const delegate = ({ request }: { request: Request }) => server.handle(request);

  const routes = [
    http.get(`${issuer}/.well-known/oauth-authorization-server`, delegate),
    http.get(`${issuer}/.well-known/jwks.json`, delegate),
    http.post(`${issuer}/oauth/token`, delegate),
    http.post(`${issuer}/oauth/introspect`, delegate),
    http.post(`${issuer}/oauth/revoke`, delegate),
    http.all(under(`${issuer}/__admin/`), delegate),
    http.get(`${apiOrigin}/api/v1/users`, delegate),
    http.get(`${apiOrigin}/api/v1/orders`, delegate),
    http.post(`${apiOrigin}/api/v1/orders`, delegate),
    http.get(`${ci}/.well-known/openid-configuration`, delegate),
    http.get(`${ci}/.well-known/jwks.json`, delegate),
    http.post(`${ci}/workload-token`, delegate),
  ];
  // In Node the issuer, the API and the platform share one origin: one catch-all is enough.
  const origins = [issuer, apiOrigin, new URL(ci).origin];
  const catchAll = [...new Set(origins)].map((origin) => http.all(under(`${origin}/`), delegate));
  return [...routes, ...catchAll];
}

/**
 * Everything under a URL prefix, as a RegExp without capture groups. Not `${prefix}*`: msw turns a
 * wildcard into a path parameter and runs decodeURIComponent on it, which throws (a 500, or an
 * unhandled request) on a malformed percent-encoding such as `/%zz`. The core answers those.
 */
function under(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);
}
