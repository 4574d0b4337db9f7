/**
 * The hosts of CONTRACT.md ("Hosts"). In the browser the mock servers answer on two `example.com`
 * origins that exist only inside the page: lessons are written for them, the page sends only to
 * them, and the build tells the service worker and the Content-Security-Policy about them.
 * `npm run server` serves both on one local origin.
 */
export const BROWSER_HOSTS = {
  issuer: 'https://auth.example.com',
  apiOrigin: 'https://api.example.com',
  audience: 'https://api.example.com',
} as const;

/** The origins the mock servers answer in the browser. */
export const BROWSER_MOCK_ORIGINS: readonly string[] = [
  ...new Set([BROWSER_HOSTS.issuer, BROWSER_HOSTS.apiOrigin]),
];

/** Where `npm run server` listens by default: issuer and API on one origin. */
export const LOCAL_SERVER_ORIGIN = 'http://localhost:8787';
