import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { AppShell } from '../ui/layout/app-shell';
import { RouterProvider } from '../ui/layout/router';
import { MockServerProvider } from './mock-server-provider';
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
      },
    },
  });
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider>
        <MockServerProvider>
          <AppShell nav={navItems} notice={<StartUpNotice />}>
            <RouteOutlet routes={routes} />
          </AppShell>
        </MockServerProvider>
      </RouterProvider>
    </QueryClientProvider>
  );
}
