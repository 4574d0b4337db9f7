/** Verifying the DPoP proofs' signatures: one seam for WebCrypto in the page, node:crypto in Node. */
import { base64url, type CryptoKey } from 'jose';
import type { AsymmetricAlg } from './jwt.ts';

/**
 * Checks a JWS signature over `data` (the ASCII signing input) with a public key: the raw r||s
 * for ES256 (RFC 7518 §3.4), PKCS#1 v1.5 for RS256, PSS for PS256, Ed25519 for EdDSA. The default
 * is WebCrypto; Node injects `node:crypto`'s synchronous verify (`MockServerOptions.verifier`),
 * which skips WebCrypto's thread-pool round trip, as the access-token signer does.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export type SignatureVerifier = (
  key: CryptoKey,
  alg: AsymmetricAlg,
  data: Uint8Array,
  signature: Uint8Array,
) => boolean | Promise<boolean>;

const VERIFY_ALGORITHM: Record<AsymmetricAlg, AlgorithmIdentifier | EcdsaParams | RsaPssParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
  EdDSA: { name: 'Ed25519' },
};

/** The WebCrypto verifier: works wherever `crypto.subtle` does. */
export const webCryptoVerifier: SignatureVerifier = (key, alg, data, signature) =>
  crypto.subtle.verify(
    VERIFY_ALGORITHM[alg],
    key,
    signature as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );

const ascii = new TextEncoder();

/** Does the compact JWS `jwt` carry a valid `alg` signature by `key`? Never throws. */
export async function verifyCompact(
  jwt: string,
  key: CryptoKey,
  alg: AsymmetricAlg,
  verifier: SignatureVerifier,
): Promise<boolean> {
  const last = jwt.lastIndexOf('.');
  let signature: Uint8Array;
  try {
    signature = base64url.decode(jwt.slice(last + 1));
  } catch {
    return false;
  }
  try {
    return await verifier(key, alg, ascii.encode(jwt.slice(0, last)), signature);
  } catch {
    return false;
  }
}
