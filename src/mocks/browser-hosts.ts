/**
 * The browser runtime's hosts (docs/CONTRACT.md, "Hosts"): they exist only inside the page. The
 * build reads them too: the service worker must never let requests to them reach the network,
 * and the page's Content-Security-Policy allows fetches to them.
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
