import { KeyObject, sign } from 'node:crypto';
import type { AccessTokenSigner } from '../src/protocol/index.ts';

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
