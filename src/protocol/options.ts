import type { JSONWebKeySet } from 'jose';
import type { AccessTokenSigner } from './keys.ts';
import type { StateStore } from './state.ts';
import type { SignatureVerifier } from './verify-signature.ts';

/** How a mock server is made: its hosts, its store, its wall clock. */
export interface MockServerOptions {
  /** Authorization server origin, e.g. 'https://auth.example.com' or 'http://localhost:8787'. */
  issuer: string;
  /** Resource API origin, e.g. 'https://api.example.com'. */
  apiOrigin: string;
  /** The `aud` of issued tokens, e.g. 'https://api.example.com'. */
  audience: string;
  /**
   * The mock workload platform's issuer (CONTRACT.md, Additions): an origin, or an origin and a
   * path. Default: the issuer plus `/ci` (`http://localhost:8787/ci`); the page uses
   * `https://ci.example.com`.
   */
  ciIssuer?: string;
  /** Persistence; default: memory only. */
  store?: StateStore;
  /** Wall clock in ms (default Date.now); the server adds its own offset. */
  now?: () => number;
  /** Public keys of the seeded `signing-client`. */
  signingClientJwks?: JSONWebKeySet;
  /** Signs access tokens (default: WebCrypto). Node injects `node:crypto`'s `sign` (thread pool). */
  signer?: AccessTokenSigner;
  /** Verifies DPoP proofs' signatures (default: WebCrypto). Node injects `node:crypto`'s verify. */
  verifier?: SignatureVerifier;
}
