import {
  constants,
  KeyObject,
  sign,
  type VerifyKeyObjectInput,
  type VerifyPublicKeyInput,
  verify,
} from 'node:crypto';
import type { AccessTokenSigner, SignatureVerifier } from '../src/protocol/index.ts';

/**
 * The Node server's access-token signer: node:crypto's `sign` on the keys jose made (the same
 * CryptoKeys, as KeyObjects), with a callback, so the signature is made on libuv's thread pool
 * while the main thread goes on with the other connections' requests. Same JWS bytes: raw r||s
 * for ES256 (dsaEncoding ieee-p1363, RFC 7518 §3.4), PKCS#1 v1.5 for RS256.
 *
 * Not WebCrypto's `subtle.sign`, which also runs on the pool but costs more CPU than the
 * signature itself on the way there and back. Not the synchronous `sign` either, which this used
 * before: on the main thread the signature (~25 µs of ES256) holds up every other connection.
 * Measured on the 2-core machine, 10 keep-alive connections, windows alternating: 6.8k tokens/s
 * and 150 µs of server CPU per token synchronous, 11.2k tokens/s and 125 µs on the pool (the
 * event loop then handles several connections per turn). bench/oidc-provider-throughput.ts;
 * docs/decisions/node-signing-on-the-thread-pool.md.
 */
export function createNodeSigner(): AccessTokenSigner {
  const keyObjects = new WeakMap<CryptoKey, KeyObject>();
  return (key, alg, data) => {
    let keyObject = keyObjects.get(key);
    if (!keyObject) {
      keyObject = KeyObject.from(key);
      keyObjects.set(key, keyObject);
    }
    const signingKey =
      alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject;
    return new Promise<Uint8Array>((resolve, reject) => {
      sign('sha256', data, signingKey, (error, signature) => {
        if (error) reject(error);
        else resolve(signature);
      });
    });
  };
}

/**
 * The Node server's DPoP proof verifier: node:crypto's `verify` with a callback, on libuv's
 * thread pool like the signer above, over the CryptoKeys jose imported from the proofs' jwk
 * headers (a DPoP token request verifies one signature and makes one). ES256 signatures are raw
 * r||s (ieee-p1363), PS256 uses PSS with a 32-byte salt, EdDSA takes no digest. An error (a
 * malformed signature) rejects; verifyCompact counts that as a bad signature, as before.
 */
export function createNodeVerifier(): SignatureVerifier {
  const keyObjects = new WeakMap<CryptoKey, KeyObject>();
  return (key, alg, data, signature) => {
    let keyObject = keyObjects.get(key);
    if (!keyObject) {
      keyObject = KeyObject.from(key);
      keyObjects.set(key, keyObject);
    }
    let digest: string | null = 'sha256';
    let verifyingKey: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput = keyObject;
    switch (alg) {
      case 'ES256':
        verifyingKey = { key: keyObject, dsaEncoding: 'ieee-p1363' };
        break;
      case 'PS256':
        verifyingKey = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
        break;
      case 'EdDSA':
        digest = null;
        break;
    }
    return new Promise<boolean>((resolve, reject) => {
      verify(digest, data, verifyingKey, signature, (error, valid) => {
        if (error) reject(error);
        else resolve(valid);
      });
    });
  };
}
