import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type AppWorkerConfig, appWorkerScript, servedPath } from '../../plugins/app-worker.ts';

/**
 * The service worker script (src/mocks/app-worker.js, as plugins/app-worker.ts writes it) run in
 * a sandbox with an in-memory Cache Storage, a list of open pages and a network. msw's worker,
 * which it imports, is a spy here: the script's own listeners must run first.
 */

type Listener = (event: Record<string, unknown>) => void;

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
  const network = new Map<string, string>();
  const fetched: string[] = [];
  const mswMessages: unknown[] = [];
  const self = {
    location: new URL(`${ORIGIN}/app-worker.js`),
    registration: { navigationPreload: undefined, unregister: () => {} },
    clients: {
      claim: async () => {},
      matchAll: async () => [...openPages].map((id) => ({ id })),
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
    // msw's worker: a message listener of its own, added after the script's.
    importScripts: () =>
      self.addEventListener('message', (event) => {
        mswMessages.push(event.data);
      }),
    Response,
    Request,
    URL,
    console,
  };
  const script = appWorkerScript({
    mockOrigins: ['https://auth.example.com'],
    base: '/',
    version: 'v1',
    files: ['/', '/assets/app-1.js', '/lessons/first-token'],
    ...config,
  });
  runInNewContext(script, sandbox);

  async function dispatch(type: string, event: Record<string, unknown>) {
    const waits: Promise<unknown>[] = [];
    let response: Promise<Response> | undefined;
    let stopped = false;
    const full = {
      ...event,
      waitUntil: (promise: Promise<unknown>) => waits.push(promise),
      respondWith: (promise: Promise<Response> | Response) => {
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
    network,
    fetched,
    mswMessages,
    message: (from: string, data: unknown, ports: unknown[] = []) =>
      dispatch('message', { data, source: { id: from }, ports }),
    fetch: (url: string, clientId = 'page-1', mode = 'cors') =>
      dispatch('fetch', {
        request: Object.defineProperty(new Request(url), 'mode', { value: mode }),
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
    expect(worker.mswMessages).toEqual(['KEEPALIVE_REQUEST']);
  });

  it('answers a mock-host request of a page msw does not know with 503, never the network', async () => {
    const worker = startWorker();
    const response = await worker.fetch('https://auth.example.com/oauth/token', 'page-2');
    expect(response?.status).toBe(503);
    expect(response?.headers.get('x-ccp-worker')).toBe('not-connected');
    expect(worker.fetched).toEqual([]);
    // A page that activated mocking: left to msw (no answer of the script's own).
    await worker.message('page-1', 'MOCK_ACTIVATE');
    expect(await worker.fetch('https://auth.example.com/oauth/token', 'page-1')).toBeUndefined();
    // Still known once it says it is closing: it may send requests while it unloads.
    await worker.message('page-1', 'CLIENT_CLOSED');
    expect(await worker.fetch('https://auth.example.com/oauth/token', 'page-1')).toBeUndefined();
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

describe('servedPath', () => {
  it('serves index.html at the base and a prerendered lesson at /lessons/<slug>', () => {
    expect(servedPath('index.html')).toBe('/');
    expect(servedPath('lessons/first-token.html')).toBe('/lessons/first-token');
    expect(servedPath('assets/app-1.js')).toBe('/assets/app-1.js');
  });
});
