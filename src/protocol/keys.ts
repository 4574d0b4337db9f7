import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { SigningAlg, StoredKey } from './state.ts';

/** A signing key ready to use: the CryptoKeys are imported once and cached. */
export interface LoadedKey {
  readonly stored: StoredKey;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** base64url of the access-token header `{alg, typ: "at+jwt", kid}`: the same for every token. */
  readonly encodedHeader: string;
}

const SIGN_ALGORITHM: Record<SigningAlg, AlgorithmIdentifier | EcdsaParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
};
const utf8 = new TextEncoder();

/**
 * Makes the JWS signature of `data` (the ASCII signing input) with a private key, in the form JWS
 * wants: raw r||s for ES256 (RFC 7518 §3.4), the PKCS#1 v1.5 signature for RS256 (§3.3). The
 * default is WebCrypto; a runtime may inject a cheaper one through `MockServerOptions.signer`
 * (Node: `node:crypto`'s `sign` with a callback, on the thread pool without WebCrypto's overhead).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.4
 */
export type AccessTokenSigner = (
  key: CryptoKey,
  alg: SigningAlg,
  data: Uint8Array,
) => Uint8Array | Promise<Uint8Array>;

/** The WebCrypto signer: works wherever `crypto.subtle` does. */
export const webCryptoSigner: AccessTokenSigner = async (key, alg, data) =>
  new Uint8Array(
    await crypto.subtle.sign(SIGN_ALGORITHM[alg], key, data as Uint8Array<ArrayBuffer>),
  );

/**
 * Sign an access token with a loaded key. The hot path of the token endpoint, so it skips
 * jose's builder: the header is encoded once per key, and the signer's output is used as is.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.1
 */
export async function signAccessToken(
  key: LoadedKey,
  payload: Record<string, unknown>,
  signer: AccessTokenSigner = webCryptoSigner,
): Promise<string> {
  const input = `${key.encodedHeader}.${base64url.encode(JSON.stringify(payload))}`;
  const signature = await signer(key.privateKey, key.stored.alg, utf8.encode(input));
  return `${input}.${base64url.encode(signature)}`;
}

/** Public JWK members per key type; nothing else reaches the JWKS. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ['kty', 'crv', 'x', 'y'],
  RSA: ['kty', 'n', 'e'],
  OKP: ['kty', 'crv', 'x'],
};

/** Rotating without retiring keeps old keys published; beyond this many, the oldest go. */
export const MAX_PUBLISHED_KEYS = 10;

/** Keep only a JWK's public members. */
export function publicMembers(jwk: JWK): JWK {
  const out: JWK = {};
  for (const m of PUBLIC_MEMBERS[jwk.kty ?? ''] ?? []) {
    const v = (jwk as Record<string, unknown>)[m];
    if (typeof v === 'string') (out as Record<string, unknown>)[m] = v;
  }
  return out;
}

/**
 * Make a new signing key with jose; its kid is the RFC 7638 thumbprint.
 * @see https://www.rfc-editor.org/rfc/rfc7638
 */
export async function generateSigningKey(alg: SigningAlg, createdAt: number): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const private_jwk = await exportJWK(privateKey);
  const public_jwk = publicMembers(private_jwk);
  const kid = await calculateJwkThumbprint(public_jwk);
  return { kid, alg, status: 'active', created_at: createdAt, private_jwk, public_jwk };
}

async function loadKey(stored: StoredKey): Promise<LoadedKey> {
  const privateKey = (await importJWK(stored.private_jwk, stored.alg)) as CryptoKey;
  const publicKey = (await importJWK(stored.public_jwk, stored.alg)) as CryptoKey;
  const encodedHeader = base64url.encode(
    JSON.stringify({ alg: stored.alg, typ: 'at+jwt', kid: stored.kid }),
  );
  return { stored, privateKey, publicKey, encodedHeader };
}

/**
 * The server's signing keys. `stored` is the snapshot's array, kept in step with the loaded
 * keys, so saving the snapshot saves the keys.
 */
export class KeyRing {
  private readonly loaded = new Map<string, LoadedKey>();
  private activeKey: LoadedKey;
  private cachedJwks: JSONWebKeySet | undefined;

  private constructor(
    private readonly stored: StoredKey[],
    keys: LoadedKey[],
  ) {
    for (const k of keys) this.loaded.set(k.stored.kid, k);
    const active = keys.find((k) => k.stored.status === 'active');
    if (!active) throw new Error('no active signing key');
    this.activeKey = active;
  }

  /** Import persisted keys (throws if any is unusable: the caller then reseeds). */
  static async load(stored: StoredKey[]): Promise<KeyRing> {
    return new KeyRing(stored, await Promise.all(stored.map(loadKey)));
  }

  /** The key new tokens are signed with. */
  active(): LoadedKey {
    return this.activeKey;
  }

  /** The key with this kid, if it is still published. */
  find(kid: string): LoadedKey | undefined {
    return this.loaded.get(kid);
  }

  /**
   * The public keys, each with kid, alg and use "sig".
   * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
   */
  jwks(): JSONWebKeySet {
    this.cachedJwks ??= {
      keys: this.stored.map((k) => ({ ...k.public_jwk, kid: k.kid, alg: k.alg, use: 'sig' })),
    };
    return this.cachedJwks;
  }

  /** Make a new active key; the old ones stay published unless `retirePrevious`. */
  async rotate(alg: SigningAlg, createdAt: number, retirePrevious: boolean): Promise<LoadedKey> {
    const next = await loadKey(await generateSigningKey(alg, createdAt));
    for (const k of this.stored) k.status = 'previous';
    this.stored.push(next.stored);
    this.loaded.set(next.stored.kid, next);
    this.activeKey = next;
    this.cachedJwks = undefined;
    if (retirePrevious) this.retire();
    while (this.stored.length > MAX_PUBLISHED_KEYS) {
      const [oldest] = this.stored.splice(0, 1);
      if (oldest) this.loaded.delete(oldest.kid);
    }
    return next;
  }

  /** Drop every key but the active one from the JWKS: tokens they signed stop verifying. */
  retire(): string[] {
    const retired = this.stored.filter((k) => k.status !== 'active').map((k) => k.kid);
    for (const kid of retired) this.loaded.delete(kid);
    const keep = this.stored.filter((k) => k.status === 'active');
    this.stored.splice(0, this.stored.length, ...keep);
    this.cachedJwks = undefined;
    return retired;
  }
}
