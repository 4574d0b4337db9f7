import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AuthorizationServerMetadata } from '../../src/client/queries.ts';
import {
  discoveryQueryOptions,
  useDiscovery,
  useJwks,
  useSendRequest,
} from '../../src/client/queries.ts';

const issuer = 'https://auth.example.com';

function Probe() {
  const discovery = useDiscovery(issuer);
  const jwks = useJwks(`${issuer}/.well-known/jwks.json`);
  const send = useSendRequest();
  const facts = [
    discovery.data?.token_endpoint ?? 'none',
    jwks.status,
    send.status,
    typeof send.mutate,
  ];
  return <p>{facts.join(' | ')}</p>;
}

describe('hooks', () => {
  it('read cached discovery, report pending JWKS and an idle mutation inside a provider', () => {
    const queryClient = new QueryClient();
    const metadata: AuthorizationServerMetadata = {
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
    };
    queryClient.setQueryData(discoveryQueryOptions(issuer).queryKey, metadata);
    const html = renderToString(
      <QueryClientProvider client={queryClient}>
        <Probe />
      </QueryClientProvider>,
    );
    expect(html).toBe('<p>https://auth.example.com/oauth/token | pending | idle | function</p>');
  });
});
