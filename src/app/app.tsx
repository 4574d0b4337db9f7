import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { CLIENT_NETWORK_MODE } from '../client/network-mode';
import { AppShell } from '../ui/layout/app-shell';
import { replayEarlyPresses } from '../ui/lesson/early-presses';
import { RouterProvider } from '../ui/shared/router';
import { MockServerProvider } from './mock-server-provider';
import { PageErrorBoundary } from './page-error-boundary';
import { RouteOutlet } from './route-outlet';
import { navItems, routes } from './routes';
import { StartUpNotice } from './start-up-notice';

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The servers live in this tab: a focus refetch would only add noise to the request log.
        refetchOnWindowFocus: false,
        retry: false,
        networkMode: CLIENT_NETWORK_MODE,
      },
      mutations: { networkMode: CLIENT_NETWORK_MODE },
    },
  });
}

/** The whole app. `path` is for prerendering a page at build time (src/entry-server.tsx). */
export function App({ path }: { path?: string }) {
  const [queryClient] = useState(createQueryClient);
  useEffect(() => {
    // Mounted (or hydrated): React handles presses from now on, even on parts still hydrating,
    // and those made on the prerendered page before are replayed.
    replayEarlyPresses();
    // For tests and scripts: the page's own code now runs it (`<html data-app="ready">`).
    document.documentElement.dataset.app = 'ready';
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider path={path}>
        <MockServerProvider>
          <AppShell nav={navItems} notice={<StartUpNotice />}>
            <PageErrorBoundary>
              <RouteOutlet routes={routes} />
            </PageErrorBoundary>
          </AppShell>
        </MockServerProvider>
      </RouterProvider>
    </QueryClientProvider>
  );
}
