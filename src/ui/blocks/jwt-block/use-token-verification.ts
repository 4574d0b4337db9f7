import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import {
  jwksQueryOptions,
  runTokenChecks,
  useDiscovery,
  type VerifyAccessTokenResult,
} from '../../../client/index.ts';
import type { MockServer } from '../../../protocol/index.ts';

export type TokenVerification =
  | { state: 'loading'; message: string }
  | { state: 'error'; message: string }
  | {
      state: 'done';
      result: VerifyAccessTokenResult;
      jwksUri: string;
      /** Epoch seconds the checks ran at (server clock). */
      checkedAt: number;
    };

/**
 * For a DPoP-bound token (`cnf` in its claims), the thumbprint of this page's own DPoP key, so
 * the inspector can say whether the token is bound to it. The DPoP module (jose) loads only then.
 */
async function pageDpopJkt(token: string): Promise<{ dpopJkt?: string }> {
  if (!token.split('.')[1]?.startsWith('ey') || !/"cnf"/.test(safeClaimsText(token))) return {};
  try {
    const dpop = await import('../../../client/dpop.ts');
    return { dpopJkt: (await dpop.getDpopKey('mine')).jkt };
  } catch {
    return {};
  }
}

function safeClaimsText(token: string): string {
  try {
    return atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return '';
  }
}

/** Re-run the time checks this often (server seconds); a moved clock changes the bucket too. */
const TIME_BUCKET_SECONDS = 15;

/**
 * Verify a token as the resource API does: find the JWKS through the issuer's metadata
 * (RFC 8414), then run the API's ordered checks with jose (`runTokenChecks`), at the server's
 * time and leeway. An unknown `kid` refetches the JWKS once, as a resource server does after a
 * key rotation.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export function useTokenVerification(
  token: string,
  server: MockServer,
  now: number,
): TokenVerification {
  const { issuer, audience } = server.options;
  const discovery = useDiscovery(issuer);
  const jwksUri = discovery.data?.jwks_uri;
  const jwks = useQuery({ ...jwksQueryOptions(jwksUri ?? ''), enabled: jwksUri !== undefined });
  const leewaySeconds = server.admin.settings().leewaySeconds;
  const bucket = Math.floor(now / TIME_BUCKET_SECONDS);
  const verification = useQuery({
    queryKey: ['jwt-block', 'verify', token, jwks.dataUpdatedAt, leewaySeconds, bucket],
    queryFn: async () => ({
      result: await runTokenChecks(token, {
        issuer,
        audience,
        // enabled only once the JWKS is there
        jwks: jwks.data ?? { keys: [] },
        now,
        leewaySeconds,
        ...(await pageDpopJkt(token)),
      }),
      checkedAt: now,
    }),
    enabled: jwks.data !== undefined,
    // Keep showing the last result while the same token is re-checked (never another token's).
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[2] === token ? previous : undefined,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
  });

  // After a key rotation the cached JWKS lacks the new kid: fetch it again, once per token.
  const refetchedFor = useRef<string | undefined>(undefined);
  const { refetch } = jwks;
  const kidUnknown = verification.data?.result.steps.some(
    (s) => s.name === 'checkKid' && s.status === 'failed',
  );
  useEffect(() => {
    if (kidUnknown && refetchedFor.current !== token) {
      refetchedFor.current = token;
      void refetch();
    }
  }, [kidUnknown, token, refetch]);

  if (discovery.error) {
    return {
      state: 'error',
      message: `Could not read the issuer’s metadata: ${discovery.error.message}`,
    };
  }
  if (discovery.data && !jwksUri) {
    return {
      state: 'error',
      message: 'The issuer’s metadata names no jwks_uri: no keys to verify with.',
    };
  }
  if (jwks.error) {
    return { state: 'error', message: `Could not fetch the JWKS: ${jwks.error.message}` };
  }
  if (!verification.data || !jwksUri) {
    return {
      state: 'loading',
      message: jwks.data ? 'Running the checks…' : 'Fetching the issuer’s metadata and keys…',
    };
  }
  return { state: 'done', jwksUri, ...verification.data };
}
