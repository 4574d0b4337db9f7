import type { SetupWorker } from 'msw/browser';

/**
 * The page's link to the service worker, kept up for the page's whole life
 * (docs/decisions/service-worker-lifecycle.md):
 *
 * - **Start-up never navigates.** msw's `start()` reloads a page that has a worker registration
 *   but no controller. The page is taken over instead: the worker is asked to `clients.claim()`
 *   it (a cache-bypassing reload, a worker that just activated), and msw starts only once the
 *   page is controlled, so its reload is never reached.
 * - **A lost worker is noticed and replaced.** Clearing the site's data unregisters the worker and
 *   drops the page's controller; a worker can also restart (losing msw's list of pages) or be
 *   replaced by a new deploy. The link says `reconnecting`, registers the worker again if it is
 *   gone, takes the page over and restarts msw.
 * - **Mock-host requests never reach the network.** While the link is not up, or when the worker
 *   answers that it does not know this page, the page answers the request itself (the servers
 *   run in the page anyway); `example.com` is a real domain.
 */

export type WorkerLinkState = 'connected' | 'reconnecting';

export interface WorkerLink {
  state(): WorkerLinkState;
  /** Called on every state change. Returns an unsubscribe function. */
  subscribe(listener: (state: WorkerLinkState) => void): () => void;
  /**
   * Ask the worker to cache the app (its shell, lessons and chunks) so that it loads offline.
   * Resolves true once every file is cached (false in `npm run dev`, which caches nothing).
   */
  cacheApp(): Promise<boolean>;
}

export interface WorkerLinkOptions {
  worker: SetupWorker;
  /** The worker script's URL, absolute. */
  url: string;
  /** A registration begun by index.html before the app's code loaded. */
  early?: Promise<ServiceWorkerRegistration> | undefined;
  /** The origins only the mock servers answer. */
  mockOrigins: readonly string[];
  /** Answer a mock-host request inside the page, without the worker. */
  answerInPage(request: Request): Promise<Response>;
  /** A file of this build (a hashed chunk): tells the worker which cached version this page runs. */
  buildFile: string;
}

/** The options every registration of the worker uses (a different value would be an update). */
export const REGISTRATION_OPTIONS: RegistrationOptions = {
  // The worker imports msw's script: check it for changes too, past the HTTP cache.
  updateViaCache: 'none',
};

/** How long a page waits for the worker to take it over before start-up fails. */
const CONTROL_TIMEOUT_MS = 10_000;
/** How often the page checks that its worker is still there (besides on focus and online). */
const CHECK_INTERVAL_MS = 5000;
/** Reconnection attempts back off up to this. */
const MAX_RETRY_MS = 10_000;
/** The worker's answer to a page it does not know (src/mocks/app-worker.js). */
const NOT_CONNECTED = 'not-connected';

/** A start-up failure the page explains (browser.ts turns it into a MockStartError). */
export class WorkerControlError extends Error {
  override readonly name = 'WorkerControlError';
}

/**
 * Take control of the page with the worker and start msw on it; keep the link up afterwards.
 * Rejects if the worker cannot be registered or never takes control of the page.
 */
export async function linkWorker(options: WorkerLinkOptions): Promise<WorkerLink> {
  const container = navigator.serviceWorker;
  const startOptions = {
    onUnhandledRequest: 'bypass',
    quiet: true,
    serviceWorker: { url: options.url, options: REGISTRATION_OPTIONS },
  } as const;
  let state: WorkerLinkState = 'connected';
  const listeners = new Set<(state: WorkerLinkState) => void>();
  const setState = (next: WorkerLinkState) => {
    if (state === next) return;
    state = next;
    for (const listener of listeners) listener(state);
  };

  await takeControl(options.url, options.early);
  await options.worker.start(startOptions);
  let linkedTo = container.controller;

  let reconnecting: Promise<void> | undefined;
  const reconnect = (): Promise<void> => {
    reconnecting ??= (async () => {
      setState('reconnecting');
      for (let attempt = 0; ; attempt++) {
        try {
          options.worker.stop();
          await takeControl(options.url);
          await options.worker.start(startOptions);
          linkedTo = container.controller;
          setState('connected');
          return;
        } catch (error) {
          console.warn('[playground] could not reconnect the mock servers’ worker', error);
          await sleep(Math.min(MAX_RETRY_MS, 500 * 2 ** attempt));
        }
      }
    })().finally(() => {
      reconnecting = undefined;
    });
    return reconnecting;
  };

  const check = async () => {
    if (reconnecting) return;
    const lost =
      !container.controller ||
      container.controller !== linkedTo ||
      !(await container.getRegistration().catch(() => undefined));
    if (lost && !reconnecting) void reconnect();
  };
  container.addEventListener('controllerchange', () => void check());
  addEventListener('focus', () => void check());
  addEventListener('online', () => void check());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void check();
  });
  setInterval(() => void check(), CHECK_INTERVAL_MS);

  guardMockFetches(
    options,
    () => {
      const up = state === 'connected' && container.controller !== null;
      if (!up && !reconnecting) void reconnect();
      return up;
    },
    () => void reconnect(),
  );

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    cacheApp: () => cacheApp(options.buildFile),
  };
}

/**
 * Make sure the page is controlled by the worker at `url`: register it if no registration has it,
 * wait for it to activate, and, if the page is still not controlled, ask it to claim the page.
 */
async function takeControl(url: string, early?: Promise<ServiceWorkerRegistration>): Promise<void> {
  const container = navigator.serviceWorker;
  let registration = (await early?.catch(() => undefined)) ?? (await container.getRegistration());
  if (!registration || newest(registration)?.scriptURL !== url) {
    registration = await container.register(url, REGISTRATION_OPTIONS);
  }
  for (const each of await container.getRegistrations()) quietUpdates(each);
  const active = await activated(registration);
  if (container.controller === active) return;
  const controlled = untilControlledBy(active, CONTROL_TIMEOUT_MS);
  active.postMessage({ type: 'CCP_CLAIM' });
  if (!(await controlled)) {
    throw new WorkerControlError(
      'The mock servers’ service worker is installed but did not take control of this page.',
    );
  }
}

function newest(registration: ServiceWorkerRegistration): ServiceWorker | null {
  return registration.installing ?? registration.waiting ?? registration.active;
}

/** The registration's worker once it is activated (a newer one that installs meanwhile wins). */
async function activated(registration: ServiceWorkerRegistration): Promise<ServiceWorker> {
  for (;;) {
    const worker = newest(registration);
    if (!worker) throw new WorkerControlError('The service worker registration has no worker.');
    if (worker.state === 'activated') return worker;
    if (worker.state === 'redundant') {
      throw new WorkerControlError('The mock servers’ service worker failed to install.');
    }
    await new Promise<void>((resolve) => {
      worker.addEventListener('statechange', () => resolve(), { once: true });
    });
  }
}

function untilControlledBy(worker: ServiceWorker, timeoutMs: number): Promise<boolean> {
  const container = navigator.serviceWorker;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      container.removeEventListener('controllerchange', changed);
      resolve(container.controller === worker);
    };
    const changed = () => {
      if (container.controller === worker) done();
    };
    const timer = setTimeout(done, timeoutMs);
    container.addEventListener('controllerchange', changed);
  });
}

const quieted = new WeakSet<ServiceWorkerRegistration>();

/**
 * msw's start calls `registration.update()` and leaves its promise alone: offline, or with the
 * registration gone (site data cleared), it rejects unhandled ("Failed to update a
 * ServiceWorker … Not found"). A failed update check is harmless (the current worker stays), so
 * this registration's update reports it as a warning instead. The registration object is the
 * same one msw gets from `getRegistrations()` (one object per registration in a page).
 */
function quietUpdates(registration: ServiceWorkerRegistration): void {
  if (quieted.has(registration)) return;
  quieted.add(registration);
  const update = registration.update.bind(registration);
  registration.update = () =>
    update().catch((error: unknown) => {
      console.warn('[playground] the service worker update check failed', error);
      return registration;
    }) as ReturnType<ServiceWorkerRegistration['update']>;
}

/**
 * Mock-host requests made with `fetch` while the link is down, or that the worker answers with
 * "not connected", are answered in the page instead of going to the network.
 */
function guardMockFetches(
  options: WorkerLinkOptions,
  linkUp: () => boolean,
  lost: () => void,
): void {
  const origins = new Set(options.mockOrigins);
  const nativeFetch = globalThis.fetch.bind(globalThis);
  const isMock = (input: RequestInfo | URL): boolean => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    try {
      return origins.has(new URL(href, location.href).origin);
    } catch {
      return false;
    }
  };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!isMock(input)) return nativeFetch(input, init);
    if (!linkUp()) return options.answerInPage(new Request(input, init));
    // The page may have to make the request again itself. A Request or a stream body can be read
    // only once, so those are copied first; any other body (text, form, bytes, a blob) is made
    // again from the same arguments. Copying a request with a body (`clone()`) costs about as much
    // as the rest of a token request's trip through the worker (bench/browser-worker-latency.ts).
    const readOnce = input instanceof Request || init?.body instanceof ReadableStream;
    const spare = readOnce ? new Request(input, init) : undefined;
    const response = await (spare ? nativeFetch(spare.clone()) : nativeFetch(input, init));
    if (response.headers.get('x-ccp-worker') !== NOT_CONNECTED) return response;
    lost();
    return options.answerInPage(spare ?? new Request(input, init));
  };
}

/** See {@link WorkerLink.cacheApp}. */
async function cacheApp(buildFile: string): Promise<boolean> {
  const controller = navigator.serviceWorker.controller;
  if (!controller) return false;
  const channel = new MessageChannel();
  const reply = new Promise<{ cached?: unknown }>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<{ cached?: unknown }>) => resolve(event.data);
  });
  controller.postMessage({ type: 'CCP_CACHE_APP', uses: buildFile }, [channel.port2]);
  return (await reply).cached === true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
