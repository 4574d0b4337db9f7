/*
 * The playground's service worker (served as /app-worker.js; plugins/app-worker.ts writes it,
 * this file after a `const CONFIG = {...}` line):
 *
 *   CONFIG.mockOrigins  the hosts that exist only inside the page (auth.example.com, ...)
 *   CONFIG.base         the app's base path ('/', or '/playground/' for a sub-path build)
 *   CONFIG.version      this build's app-shell version, or null in `npm run dev` (no caching)
 *   CONFIG.files        the build's files as URL paths ('/', '/lessons/first-token', '/assets/…')
 *
 * msw's own worker (mockServiceWorker.js) is imported unchanged at the end, so msw's version and
 * integrity check still pass. The listeners below are added before it, so they run first and can
 * answer an event or keep it from msw:
 *
 * 1. msw's worker unregisters itself when the last page that used it says it is closing. A page
 *    navigating to the next lesson says so too, and the next page then starts without a worker
 *    in control (and msw's start reloads such a page). The worker stays registered here.
 * 2. A request to the mock hosts from a page whose mock servers are not connected to this worker
 *    (a worker that restarted or was replaced) would go to the real network. It gets a 503 with
 *    `x-ccp-worker: not-connected` instead, and the page answers it itself and reconnects.
 * 3. The app shell: the build's files are cached once a page asks (after its start-up, never on
 *    the first paint's path), so the app loads offline. See docs/decisions/offline-app-shell.md.
 * 4. A mock-host request from a connected page is sent to that page here, in msw's own messages
 *    (REQUEST, answered MOCK_RESPONSE; then RESPONSE for msw's life-cycle events), as msw's worker
 *    would send it, minus three costs on every request's path: finding the page again
 *    (`clients.get`), reading the request body twice, and teeing the answer's body for the
 *    life-cycle message (this app listens to no life-cycle event, so that message carries no
 *    bodies). msw's page side is unchanged and does the rest. A POST through the worker went from
 *    6.2 to about 5 ms (bench/browser-worker-latency.ts); docs/decisions/service-worker-lifecycle.md
 *    says what that costs.
 */
/* global CONFIG, IS_MOCKED_RESPONSE, sendToClient, respondWithMock, serializeRequest */

const CACHE_PREFIX = 'ccp-app-';
const CACHE_NAME = CONFIG.version ? `${CACHE_PREFIX}${CONFIG.version}` : null;
const MOCK_ORIGINS = new Set(CONFIG.mockOrigins);
const SHELL_FILES = new Set(CONFIG.files ?? []);
/** Files never cached: the workers themselves (the browser checks them for updates). */
const WORKER_FILES = new Set([`${CONFIG.base}app-worker.js`, `${CONFIG.base}mockServiceWorker.js`]);
/** Hashed build output: a name never changes content. */
const ASSETS = `${CONFIG.base}assets/`;
/**
 * Pages whose msw client activated mocking with this worker instance (and are still open), by
 * client id, each with the Client to send its requests to.
 */
const mockingClients = new Map();
/** The file each page reported it runs (a hashed chunk): tells which cache versions are in use. */
const clientFiles = new Map();
/**
 * Whether this version's cache exists: until a page has asked for it (after its start-up), the
 * app's files come from the network as if there were no worker, so a first visit is not slowed.
 */
let shellCached = false;
if (CACHE_NAME) {
  caches.has(CACHE_NAME).then((has) => {
    shellCached ||= has;
  });
}

self.addEventListener('message', (event) => {
  const clientId = event.source && 'id' in event.source ? event.source.id : undefined;
  const data = event.data;
  if (data === 'CLIENT_CLOSED') {
    // msw answers this by unregistering the worker when no other window is open: see (1) above.
    // The page stays known: it says this on `beforeunload`, and may still send requests while it
    // unloads (a lesson putting the clock back); its msw answers them until it is gone.
    event.stopImmediatePropagation();
    return;
  }
  if (data === 'MOCK_ACTIVATE' && clientId) {
    mockingClients.set(clientId, event.source);
    event.waitUntil(forgetClosedClients());
  }
  if (data && typeof data === 'object' && data.type === 'CCP_CLAIM') {
    // A page that loaded without a controller (a cache-bypassing reload, or before this worker
    // activated) asks to be taken over instead of being reloaded.
    event.waitUntil(self.clients.claim());
  }
  if (data && typeof data === 'object' && data.type === 'CCP_CACHE_APP') {
    if (clientId && typeof data.uses === 'string') clientFiles.set(clientId, data.uses);
    const port = event.ports[0];
    event.waitUntil(
      cacheAppShell().then(
        (cached) => port?.postMessage({ cached, version: CONFIG.version }),
        (error) => port?.postMessage({ cached: false, error: String(error) }),
      ),
    );
  }
});

self.addEventListener('activate', (event) => {
  // With a build to cache, navigations pass through this worker: let the browser start their
  // network request while the worker boots, instead of after.
  const preload = CACHE_NAME ? self.registration.navigationPreload?.enable() : undefined;
  event.waitUntil(Promise.all([preload?.catch(() => undefined), deleteUnusedCaches()]));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (MOCK_ORIGINS.has(url.origin)) {
    // The page's msw handlers answer it (4); a page this worker does not know would be passed
    // through to the network, where these hosts do not exist (or are someone else's).
    const client = mockingClients.get(event.clientId);
    event.stopImmediatePropagation();
    event.respondWith(client ? answeredByPage(event.request, client) : notConnected());
    return;
  }
  if (!shellCached || request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (WORKER_FILES.has(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(event, url));
  } else if (SHELL_FILES.has(url.pathname)) {
    // Hashed assets never change under one name: the cache first. Other files: the network first.
    event.respondWith(
      url.pathname.startsWith(ASSETS) ? cacheFirst(request) : networkFirst(request, url),
    );
  }
});

async function forgetClosedClients() {
  const open = new Set(
    (await self.clients.matchAll({ includeUncontrolled: true })).map((c) => c.id),
  );
  for (const id of mockingClients.keys()) if (!open.has(id)) mockingClients.delete(id);
}

/**
 * msw's REQUEST → MOCK_RESPONSE exchange with the page (mockServiceWorker.js's `getResponse`,
 * whose `serializeRequest`, `sendToClient` and `respondWithMock` this calls), then the RESPONSE
 * message msw's page side needs to close the request's books. A page that no longer mocks (it is
 * stopping or restarting msw) answers PASSTHROUGH: it gets "not connected" and answers the
 * request itself.
 */
async function answeredByPage(request, client) {
  const interceptedAt = Date.now();
  const id = crypto.randomUUID();
  // msw's own serialization: the body read once, as an ArrayBuffer (empty for a GET).
  const fields = await serializeRequest(request);
  const message = await sendToClient(
    client,
    { type: 'REQUEST', payload: { id, interceptedAt, ...fields } },
    [fields.body],
  );
  if (message.type !== 'MOCK_RESPONSE') return notConnected();
  const response = respondWithMock(message.data);
  client.postMessage({
    type: 'RESPONSE',
    payload: {
      isMockedResponse: IS_MOCKED_RESPONSE in response,
      request: { id, ...fields, body: null },
      response: {
        type: response.type,
        status: response.status,
        statusText: response.statusText,
        headers: Object.fromEntries(response.headers.entries()),
        body: null,
      },
    },
  });
  return response;
}

function notConnected() {
  const body = {
    error: 'temporarily_unavailable',
    error_description:
      'The mock servers are not connected to this tab right now (their service worker restarted or was replaced). The page answers the request itself and reconnects.',
  };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-ccp-worker': 'not-connected',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'x-ccp-worker',
    },
  });
}

/** Online: the network (and a fresh copy kept); offline: the page's cached copy, else the app. */
async function navigation(event, url) {
  try {
    const response = (await event.preloadResponse) ?? (await fetch(event.request));
    if (response.ok && SHELL_FILES.has(url.pathname)) await put(url.pathname, response.clone());
    return response;
  } catch (error) {
    const cached =
      (await caches.match(url.pathname, { ignoreSearch: true, ignoreVary: true })) ??
      // Any other path of the app (the Server page, the editor) renders from index.html.
      (await caches.match(CONFIG.base, { ignoreVary: true }));
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await put(new URL(request.url).pathname, response.clone());
  return response;
}

async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok) await put(url.pathname, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(url.pathname, { ignoreSearch: true, ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function put(path, response) {
  try {
    const cache = await caches.open(CACHE_NAME);
    await cache.put(path, response);
  } catch {
    // Storage full or unavailable: the app works online all the same.
  }
}

/**
 * Cache every file of this build that is not cached yet. A hashed asset an older version's cache
 * already holds is copied from there instead of downloaded again. Resolves true once all are in.
 */
async function cacheAppShell() {
  if (!CACHE_NAME) return false;
  const cache = await caches.open(CACHE_NAME);
  const have = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  const missing = [...SHELL_FILES].filter((path) => !have.has(path));
  let failed = 0;
  const next = async () => {
    for (let path = missing.shift(); path !== undefined; path = missing.shift()) {
      try {
        const old = path.startsWith(ASSETS)
          ? await caches.match(path, { ignoreVary: true })
          : undefined;
        // HTML and other unhashed files: past the HTTP cache, so a deploy is seen at once.
        const response = old ?? (await fetch(path, { cache: 'no-cache' }));
        if (response.ok) await cache.put(path, response);
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all([next(), next(), next(), next()]);
  shellCached = true;
  await deleteUnusedCaches();
  return failed === 0;
}

/**
 * Delete the caches of older versions that no open page runs. A page of the previous deploy can
 * still be open after this worker took over: its lazily loaded chunks are in its version's cache,
 * so that cache stays until no page reports a file it holds. Only when every open page has said
 * which file it runs (this worker may have restarted and forgotten) is anything deleted.
 */
async function deleteUnusedCaches() {
  const names = (await caches.keys()).filter(
    (name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME,
  );
  if (names.length === 0) return;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const id of clientFiles.keys()) {
    if (!windows.some((client) => client.id === id)) clientFiles.delete(id);
  }
  if (windows.some((client) => !clientFiles.has(client.id))) return;
  const inUse = [...clientFiles.values()];
  for (const name of names) {
    const cache = await caches.open(name);
    const used = await Promise.all(inUse.map((path) => cache.match(path, { ignoreVary: true })));
    if (!used.some(Boolean)) await caches.delete(name);
  }
}

importScripts('mockServiceWorker.js');
