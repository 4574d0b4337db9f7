import { type ReactNode, useEffect, useState } from 'react';
import type { StartedMockServer } from '../mocks/browser';
import {
  type MockServerStatus,
  MockServerStatusContext,
  type MockStartProblem,
} from '../ui/server/mock-server-context';
import { useServerLiveUpdates } from '../ui/server/server-queries';

let starting: Promise<StartedMockServer> | undefined;

/**
 * Start the mock servers once per page. `import()` keeps msw (~157 kB gzip) out of the entry
 * chunk, so the shell paints before the worker is even downloaded.
 */
function startOnce(): Promise<StartedMockServer> {
  starting ??= import('../mocks/browser').then((module) => module.startMockServer());
  return starting;
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
    'This browser window does not allow service workers (private browsing in some browsers, or a setting or policy), so requests are answered by code patched into this page instead. Lessons work, but DevTools will not show the requests as served by a service worker.',
  fix: 'Open the playground in a normal window, or allow service workers for this site.',
};

export function MockServerProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<MockServerStatus>({ state: 'starting' });

  useEffect(() => {
    let active = true;
    startOnce().then(
      ({ server, mode }) => {
        if (!active) return;
        document.documentElement.dataset.mock = 'ready';
        setStatus({
          state: 'ready',
          server,
          ...(mode === 'in-page-fallback' && { notice: FALLBACK_NOTICE }),
        });
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

  useServerLiveUpdates(status.state === 'ready' ? status.server : undefined);

  return (
    <MockServerStatusContext.Provider value={status}>{children}</MockServerStatusContext.Provider>
  );
}
