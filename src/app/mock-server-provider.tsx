import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import type { StartedMockServer, StorageProblem } from '../mocks/browser';
import { serverKeys } from '../ui/server/server-queries';
import {
  type MockServerStatus,
  MockServerStatusContext,
  type MockStartProblem,
} from '../ui/shared/mock-server-context';

let starting: Promise<StartedMockServer> | undefined;

declare global {
  interface Window {
    /** index.html's first-visit registration of the worker script (absent when controlled). */
    __ccpEarlyWorker?: Promise<ServiceWorkerRegistration>;
  }
}

/**
 * Start the mock servers once per page. `import()` keeps msw (~157 kB gzip) and jose out of the entry
 * chunk, so the shell paints before the worker is even downloaded. On a first visit the worker
 * itself is already registering (index.html), so its install overlaps the download.
 */
function startOnce(): Promise<StartedMockServer> {
  starting ??= Promise.all([
    import('../mocks/browser'),
    import('../client/signing-client-key.ts'),
  ]).then(([mocks, keys]) =>
    mocks.startMockServer({
      earlyRegistration: window.__ccpEarlyWorker,
      // The key pair is the learner's client's; the app hands its public half to the server.
      signingKey: {
        own: keys.getSigningClientKey,
        adopt: keys.adoptSigningClientKey,
        repair: keys.repairSigningClientKey,
      },
    }),
  );
  return starting;
}

// Begin as soon as the app's code runs, not after the first render commits: downloading and
// compiling msw and registering the service worker then overlap with rendering the lesson
// (the network, the worker's thread and the browser do most of that work), and "Send" is
// usable sooner. The provider's effect picks up the same promise and reports its outcome.
if (typeof window !== 'undefined' && 'document' in window) {
  startOnce().catch(() => undefined);
}

function explain(error: unknown): MockStartProblem {
  if (error instanceof Error && 'fix' in error && typeof error.fix === 'string') {
    return { title: error.message, fix: error.fix };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (
    /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(message)
  ) {
    return {
      title: `The mock servers’ code could not be loaded (${message}).`,
      fix: 'Check that the playground’s server is still running, then reload the page.',
    };
  }
  return {
    title: `The mock servers failed to start: ${message}`,
    fix: 'Reload the page. If it keeps happening, clear this site’s data in DevTools (Application → Storage) and reload.',
  };
}

const FALLBACK_NOTICE: MockStartProblem = {
  title:
    'This window runs no service workers (a Firefox private window does not, and a setting or policy can switch them off), so the mock servers answer from code inside this page. Every lesson works.',
  differences: [
    'DevTools’ Network panel does not list the requests: they never leave the page.',
    'Only this page’s own requests are answered: opening https://auth.example.com/… in the address bar or another tab reaches nothing.',
    'In a private window, your progress and the servers’ state are forgotten when the window closes.',
  ],
  fix: 'Open the playground in a normal window, or allow service workers for this site.',
};

/** Why the servers' state is not saved, in words for the learner; undefined when it is. */
function describeStorageProblem(problem: StorageProblem | undefined): MockStartProblem | undefined {
  if (!problem) return undefined;
  const said = `The browser said: ${problem.cause.replace(/\.$/, '')}.`;
  if (problem.kind === 'full') {
    return {
      title: `This site’s storage in your browser is full, so the mock servers’ state (clients, keys, revocations, the clock, the log) is no longer saved: it is lost when every tab of the playground is closed or reloaded. ${said}`,
      fix: 'Reset server empties the request log and the issued tokens, which makes the state small again; or free space by clearing this site’s data (DevTools → Application → Storage → Clear site data).',
    };
  }
  return {
    title: `This browser does not let the playground store anything, so the mock servers’ state is lost when every tab of the playground is closed or reloaded. ${said}`,
    fix: 'Allow cookies and site data for this site, or leave private browsing, then reload.',
  };
}

/** At most one refresh of the Server page's queries per this many ms while requests flow. */
const LIVE_UPDATE_INTERVAL_MS = 250;
/** How long after start-up the app may wait for an idle moment to cache itself for offline. */
const CACHE_APP_IDLE_TIMEOUT_MS = 5000;

/**
 * Keep the server queries (clients, keys, clock, log) fresh as the state changes, here or in
 * another tab, like `useServerLiveUpdates`, but refresh once per burst instead of once per
 * change: each refresh re-reads and re-renders the whole request log, which on the Server page
 * cost more than the request itself (seconds per request during a replay). The first change of a
 * burst refreshes on the next task; later ones within LIVE_UPDATE_INTERVAL_MS share one refresh.
 */
function useCoalescedServerUpdates(shared: StartedMockServer['shared'] | undefined): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!shared) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastRefresh = Number.NEGATIVE_INFINITY;
    const refresh = () => {
      timer = undefined;
      lastRefresh = performance.now();
      void queryClient.invalidateQueries({ queryKey: serverKeys.all });
    };
    const unsubscribe = shared.onStateChange(() => {
      if (timer !== undefined) return;
      const wait = Math.max(0, lastRefresh + LIVE_UPDATE_INTERVAL_MS - performance.now());
      timer = setTimeout(refresh, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [shared, queryClient]);
}

/**
 * Once the servers run and the page is idle, ask the service worker to cache the app, so the
 * next visit loads offline; `<html data-offline="ready">` says when every file is in. Never on
 * the first paint's path: the worker fetches in the background.
 */
function cacheAppWhenIdle(started: StartedMockServer): void {
  const link = started.link;
  if (!link) return;
  const run = () => {
    link.cacheApp().then(
      (cached) => {
        if (cached) document.documentElement.dataset.offline = 'ready';
      },
      (error: unknown) => console.warn('[playground] could not cache the app for offline', error),
    );
  };
  if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(run, { timeout: CACHE_APP_IDLE_TIMEOUT_MS });
  } else {
    setTimeout(run, 1000);
  }
}

export function MockServerProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<MockServerStatus>({ state: 'starting' });

  const [started, setStarted] = useState<StartedMockServer>();

  useEffect(() => {
    let active = true;
    startOnce().then(
      (result) => {
        if (!active) return;
        setStarted(result);
        cacheAppWhenIdle(result);
      },
      (error: unknown) => {
        if (!active) return;
        console.error('[playground] mock servers failed to start', error);
        document.documentElement.dataset.mock = 'failed';
        setStatus({ state: 'failed', problem: explain(error) });
      },
    );
    return () => {
      active = false;
    };
  }, []);

  // Ready, and what it depends on: the worker link (reconnecting after a loss) and storage.
  useEffect(() => {
    if (!started) return;
    const { server, mode, shared, link } = started;
    const update = () => {
      const reconnecting = link?.state() === 'reconnecting';
      const storage = describeStorageProblem(shared.storageProblem());
      document.documentElement.dataset.mock = reconnecting ? 'reconnecting' : 'ready';
      setStatus({
        state: 'ready',
        server,
        ...(mode === 'in-page-fallback' && { notice: FALLBACK_NOTICE }),
        ...(reconnecting && { reconnecting }),
        ...(storage && { storage }),
      });
    };
    update();
    const unsubscribeLink = link?.subscribe((state) => {
      update();
      // A new worker (a deploy, or site data cleared): it caches this build for offline anew.
      if (state === 'connected') cacheAppWhenIdle(started);
    });
    const unsubscribeStorage = shared.onStorageProblemChange(update);
    return () => {
      unsubscribeLink?.();
      unsubscribeStorage();
    };
  }, [started]);

  useCoalescedServerUpdates(started?.shared);

  return (
    <MockServerStatusContext.Provider value={status}>{children}</MockServerStatusContext.Provider>
  );
}
