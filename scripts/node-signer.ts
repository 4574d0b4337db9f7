import { constants, KeyObject, sign, verify } from 'node:crypto';
import type { AccessTokenSigner, SignatureVerifier } from '../src/protocol/index.ts';

/**
 * The Node server's access-token signer: node:crypto's synchronous sign on the keys jose made
 * (the same CryptoKeys, as KeyObjects). WebCrypto's sign hops to libuv's thread pool and back for
 * every token, which costs more CPU than the signature itself. Same JWS bytes: raw r||s for ES256
 * (dsaEncoding ieee-p1363, RFC 7518 §3.4), PKCS#1 v1.5 for RS256.
 */
export function createNodeSigner(): AccessTokenSigner {
  const keyObjects = new WeakMap<CryptoKey, KeyObject>();
  return (key, alg, data) => {
    let keyObject = keyObjects.get(key);
    if (!keyObject) {
      keyObject = KeyObject.from(key);
      keyObjects.set(key, keyObject);
    }
    return sign(
      'sha256',
      data,
      alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject,
    );
  };
}

/**
 * The Node server's DPoP proof verifier: node:crypto's synchronous verify on the CryptoKeys jose
 * imported from the proofs' jwk headers, for the reason the signer above exists (a DPoP token
 * request verifies one signature and makes one). ES256 signatures are raw r||s (ieee-p1363), PS256
 * uses PSS with a 32-byte salt, EdDSA takes no digest.
 */
export function createNodeVerifier(): SignatureVerifier {
  const keyObjects = new WeakMap<CryptoKey, KeyObject>();
  return (key, alg, data, signature) => {
    let keyObject = keyObjects.get(key);
    if (!keyObject) {
      keyObject = KeyObject.from(key);
      keyObjects.set(key, keyObject);
    }
    switch (alg) {
      case 'ES256':
        return verify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
      case 'RS256':
        return verify('sha256', data, keyObject, signature);
      case 'PS256':
        return verify(
          'sha256',
          data,
          { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          signature,
        );
      case 'EdDSA':
        return verify(null, data, keyObject, signature);
    }
  };
}
