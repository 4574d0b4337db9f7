import { mutationOptions, queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import type { JSONWebKeySet } from 'jose';
import type { HttpRequestModel } from './http-request.ts';
import { expectJsonObject, OAuthResponseError } from './oauth-response-error.ts';
import type { RecordedExchange, SendRequestError, SendRequestOptions } from './send-request.ts';
import { sendRequest } from './send-request.ts';

/** Every error a client query or mutation rejects with. */
export type ClientRequestError = OAuthResponseError | SendRequestError;

declare module '@tanstack/react-query' {
  interface Register {
    // A query fails either with a response it cannot use or with no response at all.
    defaultError: ClientRequestError;
  }
}

/**
 * The RFC 8414 metadata fields the playground reads (servers may send more).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  grant_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  scopes_supported?: string[];
  [field: string]: unknown;
}

export interface ClientFetchOptions {
  /** Injected fetch (tests, or a mock's `handle`); default global fetch. */
  fetch?: SendRequestOptions['fetch'];
}

const get = (url: string): HttpRequestModel => ({
  method: 'GET',
  url,
  headers: [['Accept', 'application/json']],
  body: '',
});

/** The RFC 8414 metadata URL of an issuer (no path component here, so a plain suffix). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/oauth-authorization-server`;
}

/**
 * Fetch and check authorization server metadata: a JSON object whose `issuer` is exactly the
 * issuer asked for, with a `token_endpoint`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export async function fetchDiscovery(
  issuer: string,
  options: ClientFetchOptions & { signal?: AbortSignal } = {},
): Promise<AuthorizationServerMetadata> {
  const exchange = await sendRequest(get(discoveryUrl(issuer)), options);
  const doc = expectJsonObject(exchange);
  if (doc.issuer !== issuer) {
    throw new OAuthResponseError(
      exchange,
      `The metadata names issuer ${JSON.stringify(doc.issuer)}, not ${issuer}: RFC 8414 §3.3 says to reject it.`,
    );
  }
  if (typeof doc.token_endpoint !== 'string') {
    throw new OAuthResponseError(exchange, 'The metadata has no token_endpoint.');
  }
  return doc as AuthorizationServerMetadata;
}

/**
 * Fetch a JWK Set and check its shape.
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
export async function fetchJwks(
  jwksUri: string,
  options: ClientFetchOptions & { signal?: AbortSignal } = {},
): Promise<JSONWebKeySet> {
  const exchange = await sendRequest(get(jwksUri), options);
  const doc = expectJsonObject(exchange);
  if (!Array.isArray(doc.keys) || !doc.keys.every((k) => typeof k === 'object' && k !== null)) {
    throw new OAuthResponseError(exchange, 'The JWKS has no "keys" array of objects.');
  }
  return doc as unknown as JSONWebKeySet;
}

/** Query options for an issuer's metadata; key `['discovery', issuer]`. */
export function discoveryQueryOptions(issuer: string, options: ClientFetchOptions = {}) {
  return queryOptions({
    queryKey: ['discovery', issuer] as const,
    queryFn: ({ signal }) => fetchDiscovery(issuer, { ...options, signal }),
    staleTime: 5 * 60_000,
  });
}

/**
 * Query options for a JWKS; key `['jwks', jwksUri]`. Short stale time: keys rotate, and the
 * key-rotation lesson refetches on an unknown kid.
 */
export function jwksQueryOptions(jwksUri: string, options: ClientFetchOptions = {}) {
  return queryOptions({
    queryKey: ['jwks', jwksUri] as const,
    queryFn: ({ signal }) => fetchJwks(jwksUri, { ...options, signal }),
    staleTime: 30_000,
  });
}

/**
 * Mutation options for sending any request from a panel; key `['exchange', 'send']`. Resolves with
 * the exchange for every HTTP status (a 4xx is a lesson, not a failure); rejects only with a
 * {@link SendRequestError}.
 */
export function sendRequestMutationOptions(options: ClientFetchOptions = {}) {
  return mutationOptions<RecordedExchange, ClientRequestError, HttpRequestModel>({
    mutationKey: ['exchange', 'send'],
    mutationFn: (request) => sendRequest(request, options),
  });
}

export function useDiscovery(issuer: string, options?: ClientFetchOptions) {
  return useQuery(discoveryQueryOptions(issuer, options));
}

export function useJwks(jwksUri: string, options?: ClientFetchOptions) {
  return useQuery(jwksQueryOptions(jwksUri, options));
}

/** Send a request from a panel: `const send = useSendRequest(); send.mutate(request)`. */
export function useSendRequest(options?: ClientFetchOptions) {
  return useMutation(sendRequestMutationOptions(options));
}
