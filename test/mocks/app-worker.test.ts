import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type AppWorkerConfig, appWorkerScript, servedPath } from '../../plugins/app-worker.ts';

/**
 * The service worker script (src/mocks/app-worker.js, as plugins/app-worker.ts writes it) run in
 * a sandbox with an in-memory Cache Storage, a list of open pages and a network, with msw's own
 * worker (public/mockServiceWorker.js) imported after it, as the browser does. A page is a fake
 * client that answers msw's REQUEST messages as msw's page side would.
 */

type Listener = (event: Record<string, unknown>) => void;
const MSW_WORKER = readFileSync(
  new URL('../../public/mockServiceWorker.js', import.meta.url),
  'utf8',
);

interface PageMessage {
  type: string;
  payload?: Record<string, unknown>;
}

/** A window client. `answer` is what its msw says to a REQUEST (null: PASSTHROUGH). */
function fakePage(id: string) {
  const page = {
    id,
    frameType: 'top-level',
    visibilityState: 'visible',
    received: [] as PageMessage[],
    answer: { status: 200, body: '{"ok":true}' } as { status: number; body: string } | null,
    postMessage(message: PageMessage, transfer: unknown[] = []) {
      page.received.push(message);
      const port = transfer[0] as MessagePort | undefined;
      if (message.type !== 'REQUEST' || !port) return;
      // As msw's page side sends it in Chromium: the body as a stream, transferred.
      const body = page.answer ? new Response(page.answer.body).body : null;
      port.postMessage(
        page.answer
          ? {
              type: 'MOCK_RESPONSE',
              data: {
                status: page.answer.status,
                statusText: '',
                headers: { 'content-type': 'application/json' },
                body,
              },
            }
          : { type: 'PASSTHROUGH' },
        body ? [body] : [],
      );
      port.close();
    },
  };
  return page;
}

class FakeCache {
  readonly entries = new Map<string, Response>();
  async match(request: string | Request) {
    const key = new URL(typeof request === 'string' ? request : request.url, ORIGIN).pathname;
    return this.entries.get(key)?.clone();
  }
  async put(request: string | Request, response: Response) {
    const key = new URL(typeof request === 'string' ? request : request.url, ORIGIN).pathname;
    this.entries.set(key, response);
  }
  async keys() {
    return [...this.entries.keys()].map((key) => new Request(new URL(key, ORIGIN)));
  }
}

const ORIGIN = 'http://localhost:4173';

function startWorker(config: Partial<AppWorkerConfig> = {}) {
  const listeners: Record<string, Listener[]> = {};
  const caches = new Map<string, FakeCache>();
  const openPages = new Set<string>(['page-1']);
  const pages = new Map(['page-1', 'page-2'].map((id) => [id, fakePage(id)]));
  let unregistered = false;
  let respondedTimes = 0;
  const network = new Map<string, string>();
  const fetched: string[] = [];
  const mswMessages: unknown[] = [];
  const self = {
    location: new URL(`${ORIGIN}/app-worker.js`),
    registration: {
      navigationPreload: undefined,
      unregister: () => {
        unregistered = true;
      },
    },
    skipWaiting: () => {},
    clients: {
      claim: async () => {},
      get: async (id: string) => (openPages.has(id) ? pages.get(id) : undefined),
      matchAll: async () => [...openPages].map((id) => pages.get(id) ?? { id }),
    },
    addEventListener(type: string, listener: Listener) {
      listeners[type] = [...(listeners[type] ?? []), listener];
    },
  };
  const sandbox = {
    self,
    caches: {
      open: async (name: string) => {
        if (!caches.has(name)) caches.set(name, new FakeCache());
        return caches.get(name);
      },
      keys: async () => [...caches.keys()],
      has: async (name: string) => caches.has(name),
      delete: async (name: string) => caches.delete(name),
      match: async (request: string | Request) => {
        for (const cache of caches.values()) {
          const hit = await cache.match(request);
          if (hit) return hit;
        }
        return undefined;
      },
    },
    fetch: async (input: string | Request) => {
      const url = new URL(typeof input === 'string' ? input : input.url, ORIGIN);
      fetched.push(url.pathname);
      const body = network.get(url.pathname);
      if (body === undefined) throw new TypeError('Failed to fetch');
      return new Response(body, { status: 200 });
    },
    addEventListener: (type: string, listener: Listener) => self.addEventListener(type, listener),
    // msw's worker, run after the script as importScripts runs it; its message listener is
    // watched too, to see which messages reach it.
    importScripts: () => {
      self.addEventListener('message', (event) => {
        mswMessages.push(event.data);
      });
      runInContext(MSW_WORKER, context);
    },
    Response,
    Request,
    Headers,
    URL,
    Symbol,
    Reflect,
    MessageChannel,
    crypto,
    console,
  };
  const context = createContext(sandbox);
  const script = appWorkerScript({
    mockOrigins: ['https://auth.example.com'],
    base: '/',
    version: 'v1',
    files: ['/', '/assets/app-1.js', '/lessons/first-token'],
    ...config,
  });
  runInContext(script, context);

  async function dispatch(type: string, event: Record<string, unknown>) {
    const waits: Promise<unknown>[] = [];
    let response: Promise<Response> | undefined;
    let stopped = false;
    const full = {
      ...event,
      waitUntil: (promise: Promise<unknown>) => waits.push(promise),
      respondWith: (promise: Promise<Response> | Response) => {
        respondedTimes++;
        response = Promise.resolve(promise);
      },
      stopImmediatePropagation: () => {
        stopped = true;
      },
    };
    for (const listener of listeners[type] ?? []) {
      if (stopped) break;
      listener(full);
    }
    await Promise.all(waits);
    return response;
  }

  return {
    caches,
    openPages,
    pages,
    unregistered: () => unregistered,
    respondedTimes: () => respondedTimes,
    network,
    fetched,
    mswMessages,
    message: (from: string, data: unknown, ports: unknown[] = []) =>
      dispatch('message', { data, source: pages.get(from) ?? { id: from }, ports }),
    fetch: (url: string, clientId = 'page-1', mode = 'cors', init?: RequestInit) =>
      dispatch('fetch', {
        request: Object.defineProperty(new Request(url, init), 'mode', { value: mode }),
        clientId,
      }),
    cacheApp: async (from: string, uses: string) => {
      let reply: unknown;
      await dispatch('message', {
        data: { type: 'CCP_CACHE_APP', uses },
        source: { id: from },
        ports: [
          {
            postMessage: (data: unknown) => {
              reply = data;
            },
          },
        ],
      });
      return reply;
    },
  };
}

describe('the app worker', () => {
  it('keeps msw from unregistering it when a page says it is closing', async () => {
    const worker = startWorker();
    await worker.message('page-1', 'CLIENT_CLOSED');
    await worker.message('page-1', 'KEEPALIVE_REQUEST');
    await settled();
    expect(worker.mswMessages).toEqual(['KEEPALIVE_REQUEST']);
    expect(worker.unregistered()).toBe(false);
    // msw's own listener still answers the page.
    expect(worker.pages.get('page-1')?.received.map((m) => m.type)).toEqual(['KEEPALIVE_RESPONSE']);
  });

  it('answers a mock-host request of a page msw does not know with 503, never the network', async () => {
    const worker = startWorker();
    const response = await worker.fetch('https://auth.example.com/oauth/token', 'page-2');
    expect(response?.status).toBe(503);
    expect(response?.headers.get('x-ccp-worker')).toBe('not-connected');
    expect(worker.fetched).toEqual([]);
    expect(worker.respondedTimes()).toBe(1);
  });

  it("sends a connected page's mock-host request to its msw once, body and all, and returns its answer", async () => {
    const worker = startWorker();
    await worker.message('page-1', 'MOCK_ACTIVATE');
    await settled();
    const page = worker.pages.get('page-1');
    if (!page) throw new Error('no page-1');
    page.received.length = 0;
    const response = await worker.fetch('https://auth.example.com/oauth/token', 'page-1', 'cors', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response?.status).toBe(200);
    expect(await response?.json()).toEqual({ ok: true });
    expect(worker.respondedTimes()).toBe(1); // msw's own fetch listener did not answer too
    expect(worker.fetched).toEqual([]);
    const [request, closing] = page.received;
    expect(request?.type).toBe('REQUEST');
    expect(request?.payload).toMatchObject({
      url: 'https://auth.example.com/oauth/token',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(new TextDecoder().decode(request?.payload?.body as ArrayBuffer)).toBe(
      'grant_type=client_credentials',
    );
    // Then the message msw's page side closes the request's books with, for the same request.
    expect(closing?.type).toBe('RESPONSE');
    expect(closing?.payload).toMatchObject({
      isMockedResponse: true,
      request: { id: request?.payload?.id, method: 'POST' },
      response: { status: 200, headers: { 'content-type': 'application/json' } },
    });
    expect(page.received).toHaveLength(2);

    // Still known once it says it is closing: it may send requests while it unloads.
    await worker.message('page-1', 'CLIENT_CLOSED');
    const late = await worker.fetch('https://auth.example.com/__admin/clock', 'page-1');
    expect(late?.status).toBe(200);
  });

  it('answers "not connected" when the page\'s msw passes a request through, never the network', async () => {
    const worker = startWorker();
    await worker.message('page-1', 'MOCK_ACTIVATE');
    const page = worker.pages.get('page-1');
    if (!page) throw new Error('no page-1');
    page.answer = null;
    const response = await worker.fetch('https://auth.example.com/oauth/token', 'page-1');
    expect(response?.status).toBe(503);
    expect(response?.headers.get('x-ccp-worker')).toBe('not-connected');
    expect(worker.fetched).toEqual([]);
  });

  it('caches the build when asked, then serves it offline: pages, assets, and the app for any path', async () => {
    const worker = startWorker();
    worker.network.set('/', 'index');
    worker.network.set('/assets/app-1.js', 'app 1');
    worker.network.set('/lessons/first-token', 'lesson page');
    // Before a page asks, the app's files are the network's (a first visit is not slowed).
    expect(await worker.fetch(`${ORIGIN}/assets/app-1.js`)).toBeUndefined();
    expect(await worker.cacheApp('page-1', '/assets/app-1.js')).toEqual({
      cached: true,
      version: 'v1',
    });
    worker.network.clear();
    const text = async (response: Promise<Response | undefined>) => (await response)?.text();
    expect(await text(worker.fetch(`${ORIGIN}/assets/app-1.js`))).toBe('app 1');
    expect(await text(worker.fetch(`${ORIGIN}/lessons/first-token`, '', 'navigate'))).toBe(
      'lesson page',
    );
    expect(await text(worker.fetch(`${ORIGIN}/server`, '', 'navigate'))).toBe('index');
  });

  it('caches nothing in `npm run dev` (no version)', async () => {
    const worker = startWorker({ version: null, files: null });
    worker.network.set('/assets/app-1.js', 'app 1');
    expect(await worker.fetch(`${ORIGIN}/assets/app-1.js`)).toBeUndefined();
    expect(await worker.cacheApp('page-1', '/assets/app-1.js')).toEqual({
      cached: false,
      version: null,
    });
    expect(worker.caches.size).toBe(0);
  });

  it('after a deploy, copies unchanged assets and keeps the old cache while a page runs it', async () => {
    const old = startWorker();
    old.network.set('/', 'index 1');
    old.network.set('/assets/app-1.js', 'app 1');
    old.network.set('/lessons/first-token', 'lesson 1');
    await old.cacheApp('page-1', '/assets/app-1.js');

    // The next deploy: a new worker over the same Cache Storage; app-1.js is now app-2.js.
    const next = startWorker({
      version: 'v2',
      files: ['/', '/assets/app-2.js', '/assets/app-1.js', '/lessons/first-token'],
    });
    for (const [name, cache] of old.caches) next.caches.set(name, cache);
    next.network.set('/', 'index 2');
    next.network.set('/assets/app-2.js', 'app 2');
    next.network.set('/lessons/first-token', 'lesson 2');
    // A page of the new version asks; the old page (page-1) has not said what it runs.
    next.openPages.add('page-2');
    await next.cacheApp('page-2', '/assets/app-2.js');
    expect([...next.caches.keys()]).toEqual(['ccp-app-v1', 'ccp-app-v2']);
    expect(next.fetched).not.toContain('/assets/app-1.js'); // copied from the old cache

    // The old page says it runs app-1.js: its cache stays.
    await next.cacheApp('page-1', '/assets/app-1.js');
    expect([...next.caches.keys()]).toEqual(['ccp-app-v1', 'ccp-app-v2']);

    // Once that page is closed, the old cache goes.
    next.openPages.delete('page-1');
    await next.cacheApp('page-2', '/assets/app-2.js');
    expect([...next.caches.keys()]).toEqual(['ccp-app-v2']);
  });
});

/** Let msw's asynchronous message listener run to its end. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

describe('servedPath', () => {
  it('serves index.html at the base and a prerendered lesson at /lessons/<slug>', () => {
    expect(servedPath('index.html')).toBe('/');
    expect(servedPath('lessons/first-token.html')).toBe('/lessons/first-token');
    expect(servedPath('assets/app-1.js')).toBe('/assets/app-1.js');
  });
});
