import { setupWorker } from 'msw/browser';
import { createMockServer, type MockServer } from '../protocol';
import { APP_WORKER_FILE, BROWSER_HOSTS, BROWSER_MOCK_ORIGINS } from './browser-hosts';
import { createHandlers } from './handlers';
import { createLocalStorageStore } from './local-storage-store';
import { type SharedMockServer, type SigningKeyPair, shareMockServer } from './tab-sync';
import { linkWorker, WorkerControlError, type WorkerLink } from './worker-link';

export { BROWSER_HOSTS } from './browser-hosts';
export type { StorageProblem } from './local-storage-store';
export type { WorkerLinkState } from './worker-link';

/**
 * How requests reach the mock servers: through the service worker (the normal case, visible in
 * DevTools' Network panel) or, where service workers are unavailable, msw's in-page fallback
 * that patches `fetch` and `XMLHttpRequest`.
 */
export type MockMode = 'service-worker' | 'in-page-fallback';

export interface StartedMockServer {
  server: MockServer;
  mode: MockMode;
  /** The servers' state as all tabs share it: changes from any tab, and storage problems. */
  shared: Pick<SharedMockServer, 'onStateChange' | 'storageProblem' | 'onStorageProblemChange'>;
  /** The link to the service worker (absent in the in-page fallback). */
  link: WorkerLink | undefined;
}

export type MockStartFailure =
  | 'insecure-context'
  | 'crypto-unavailable'
  | 'worker-missing'
  | 'registration-blocked'
  | 'not-controlled'
  | 'start-failed';

/** A start-up failure, explained for a person: what happened and what to do about it. */
export class MockStartError extends Error {
  override readonly name = 'MockStartError';
  constructor(
    readonly reason: MockStartFailure,
    readonly title: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(title, options);
  }
}

export interface StartMockServerOptions {
  /**
   * The seeded `signing-client`'s key pair, kept by the page's client (src/client/
   * signing-client-key.ts): the server registers its public half.
   */
  signingKey: {
    /** This tab's pair (made on first use, persisted). */
    own(): Promise<SigningKeyPair>;
    /** Another tab's pair, which owns the servers: sign with it from now on. */
    adopt(key: SigningKeyPair): void;
    /** Before a reset: a pair that works (a damaged one replaced). */
    repair(): Promise<SigningKeyPair>;
  };
  /**
   * A registration of the worker script begun before this module loaded (index.html starts one
   * on a first visit, so the worker installs while the app's code downloads).
   */
  earlyRegistration?: Promise<ServiceWorkerRegistration> | undefined;
}

/** The name every tab of the origin shares its one server under (src/mocks/tab-sync.ts). */
const SHARED_SERVER_NAME = 'ccp:mock-server';

/**
 * Create the protocol core with the `example.com` hosts, persisted in localStorage and shared by
 * every tab of the origin, and start the service worker in front of it. Load this module with
 * `import()`: msw is ~157 kB gzip.
 *
 * Never navigates the page (docs/decisions/service-worker-lifecycle.md). Throws a
 * {@link MockStartError} that says plainly what went wrong and how to fix it.
 */
export async function startMockServer(options: StartMockServerOptions): Promise<StartedMockServer> {
  checkEnvironment();

  const store = createLocalStorageStore();
  const shared = await shareMockServer({
    name: SHARED_SERVER_NAME,
    store,
    createServer: async (tabStore) =>
      createMockServer({
        ...BROWSER_HOSTS,
        store: tabStore,
        signingClientJwks: { keys: [(await options.signingKey.own()).publicJwk] },
      }),
    ownSigningKey: options.signingKey.own,
    adoptSigningKey: options.signingKey.adopt,
    beforeReset: options.signingKey.repair,
  }).catch((cause: unknown) => {
    throw new MockStartError(
      'start-failed',
      `The mock servers could not be created: ${messageOf(cause)}`,
      'Reload the page. If it keeps failing, clear this site’s data (DevTools → Application → Storage → Clear site data) to start from the seeded state.',
      { cause },
    );
  });
  const server = shared.server;

  const mode: MockMode = 'serviceWorker' in navigator ? 'service-worker' : 'in-page-fallback';
  const worker = setupWorker(...createHandlers(server));
  let link: WorkerLink | undefined;
  try {
    if (mode === 'service-worker') {
      link = await linkWorker({
        worker,
        url: new URL(`${import.meta.env.BASE_URL}${APP_WORKER_FILE}`, location.href).href,
        early: options.earlyRegistration,
        mockOrigins: BROWSER_MOCK_ORIGINS,
        // Only mock-host requests come here, and the core answers every path on those hosts.
        answerInPage: async (request) =>
          (await server.handle(request)) ?? new Response(null, { status: 404 }),
        buildFile: new URL(import.meta.url).pathname,
      });
    } else {
      await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
    }
  } catch (cause) {
    throw explainStartFailure(cause);
  }
  globalThis.__playground = { server, mode };
  return { server, mode, shared, link };
}

/**
 * A debug handle on the running mock servers, for DevTools, Playwright tests and `npm run bench`:
 * `await __playground.server.handle(new Request('https://auth.example.com/oauth/token', {...}))`
 * calls the core directly in the page, without the service worker, and
 * `__playground.server.admin` reaches the control functions. Set once `startMockServer()` has
 * resolved (the `<html data-mock="ready">` attribute says when); undefined before that.
 */
export interface PlaygroundDebugHandle {
  server: MockServer;
  mode: MockMode;
}

declare global {
  /** See {@link PlaygroundDebugHandle}. */
  var __playground: PlaygroundDebugHandle | undefined;
}

function checkEnvironment(): void {
  if (!globalThis.isSecureContext) {
    throw new MockStartError(
      'insecure-context',
      `This page is open at ${location.origin}, which the browser does not treat as a secure origin, so it switches off service workers and WebCrypto — the two things the mock servers run on.`,
      `Open the playground on http://localhost:${location.port || '80'} (on the machine that runs it) or serve it over https. A LAN address such as http://192.168.x.x is not a secure origin.`,
    );
  }
  if (globalThis.crypto?.subtle === undefined) {
    throw new MockStartError(
      'crypto-unavailable',
      'This browser does not offer WebCrypto (crypto.subtle), which the mock servers need to sign and verify tokens.',
      'Use a current version of Chrome, Edge, Firefox or Safari.',
    );
  }
}

function explainStartFailure(cause: unknown): MockStartError {
  if (cause instanceof MockStartError) return cause;
  const message = messageOf(cause);
  if (cause instanceof WorkerControlError) {
    return new MockStartError(
      'not-controlled',
      cause.message,
      'Reload the page. If that does not help, unregister the old worker (DevTools → Application → Service workers → Unregister) and reload again.',
      { cause },
    );
  }
  if (message.includes('does not exist at the given path') || message.includes('(404)')) {
    return new MockStartError(
      'worker-missing',
      `The service worker script (/${APP_WORKER_FILE}, or the /mockServiceWorker.js it imports) was not found on this server.`,
      'If you run the playground from source, run `npx msw init public` and restart the dev server. If you deployed it under a sub-path, make sure both files are served next to index.html.',
      { cause },
    );
  }
  if (message.includes('Failed to register') || /SecurityError|denied|blocked/i.test(message)) {
    return new MockStartError(
      'registration-blocked',
      `The browser refused to register the mock servers’ service worker (${firstLine(message).replace(/^Failed to register the Service Worker:\s*/, '')}).`,
      'Allow cookies and site data for this site (service workers are blocked with them), leave private browsing, or check that no extension or enterprise policy disables service workers. Then reload.',
      { cause },
    );
  }
  return new MockStartError(
    'start-failed',
    `The mock servers’ service worker did not start: ${firstLine(message)}`,
    'Reload the page. If that does not help, unregister the old worker (DevTools → Application → Service workers → Unregister) and reload again.',
    { cause },
  );
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function firstLine(message: string): string {
  // msw prefixes its messages with "[MSW] " and appends docs links on later lines.
  const lines = message
    .replace(/^\[MSW\]\s*/, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(0, 2).join(' ');
}
