import type { ServerContext } from './context.ts';
import { DPOP_ALGS } from './dpop.ts';
import { json, type ProtocolResponse } from './http.ts';
import { ASYMMETRIC_ALGS } from './jwt.ts';
import { API_SCOPES } from './seed.ts';

/** How long clients may cache metadata and keys: short, because keys rotate in lessons. */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=60';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/**
 * The authorization server metadata. There is no authorization endpoint (no grant uses one),
 * so it is omitted, and response_types_supported, REQUIRED by RFC 8414, is an empty list.
 * `dpop_signing_alg_values_supported` says DPoP is supported, with which proof algorithms.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5.1
 */
export function authorizationServerMetadata(context: ServerContext): Record<string, unknown> {
  const e = context.endpoints;
  return {
    issuer: e.issuer,
    token_endpoint: e.token,
    jwks_uri: e.jwks,
    introspection_endpoint: e.introspection,
    revocation_endpoint: e.revocation,
    scopes_supported: [...API_SCOPES],
    response_types_supported: [],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
  };
}

/**
 * `GET /.well-known/oauth-authorization-server`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export function discoveryEndpoint(context: ServerContext): ProtocolResponse {
  return json(200, authorizationServerMetadata(context), {
    'Cache-Control': DISCOVERY_CACHE_CONTROL,
  });
}

/**
 * `GET /.well-known/jwks.json`: public keys only, each with kid, alg, use.
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
export function jwksEndpoint(context: ServerContext): ProtocolResponse {
  return json(200, context.keys.jwks(), { 'Cache-Control': DISCOVERY_CACHE_CONTROL });
}
