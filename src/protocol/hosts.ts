/**
 * The hosts of CONTRACT.md ("Hosts", and the workload platform of its Additions). In the browser
 * the mock servers answer on three `example.com` origins that exist only inside the page: lessons
 * are written for them, the page sends only to them, and the build tells the service worker and
 * the Content-Security-Policy about them. `npm run server` serves all of them on one local origin,
 * the platform under `/ci`.
 */
export const BROWSER_HOSTS = {
  issuer: 'https://auth.example.com',
  apiOrigin: 'https://api.example.com',
  audience: 'https://api.example.com',
  /** The mock workload (CI) platform's issuer. */
  ciIssuer: 'https://ci.example.com',
} as const;

/** The origins the mock servers answer in the browser. */
export const BROWSER_MOCK_ORIGINS: readonly string[] = [
  ...new Set([BROWSER_HOSTS.issuer, BROWSER_HOSTS.apiOrigin, BROWSER_HOSTS.ciIssuer]),
];

/** Where `npm run server` listens by default: issuer and API on one origin. */
export const LOCAL_SERVER_ORIGIN = 'http://localhost:8787';

/** Where the workload platform lives on a server whose issuer is `issuer` and no other is given. */
export function defaultCiIssuer(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/ci`;
}

/**
 * The same URL on `npm run server` (at `origin`): the authorization server and the API become
 * that origin, the workload platform its `/ci` path. Any other URL comes back unchanged.
 */
export function toLocalServerUrl(url: string, origin: string = LOCAL_SERVER_ORIGIN): string {
  const ci = BROWSER_HOSTS.ciIssuer;
  if (url === ci || url.startsWith(`${ci}/`)) return defaultCiIssuer(origin) + url.slice(ci.length);
  for (const host of [BROWSER_HOSTS.issuer, BROWSER_HOSTS.apiOrigin]) {
    if (url === host || url.startsWith(`${host}/`)) return origin + url.slice(host.length);
  }
  return url;
}
