/**
 * The browser runtime's hosts (docs/CONTRACT.md, "Hosts"): they exist only inside the page. The
 * build reads them too (plugins/app-worker.ts), so the service worker knows which requests must
 * never reach the network.
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

/**
 * The playground's service worker, served from the app's root: msw's `mockServiceWorker.js`,
 * imported unchanged, plus the app-shell cache and the guards of src/mocks/app-worker.js.
 */
export const APP_WORKER_FILE = 'app-worker.js';
