export { BROWSER_HOSTS, BROWSER_MOCK_ORIGINS } from '../protocol/index.ts';

/**
 * The playground's service worker, served from the app's root: msw's `mockServiceWorker.js`,
 * imported unchanged, plus the app-shell cache and the guards of src/mocks/app-worker.js.
 */
export const APP_WORKER_FILE = 'app-worker.js';
