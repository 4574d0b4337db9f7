import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';

/**
 * The learner's client side of DPoP (RFC 9449): key pairs, and a fresh proof per request, signed
 * in the page with WebCrypto (jose). Loaded with `import()` only where a proof is made or shown,
 * so no first paint pays for it.
 *
 * Two keys: `mine`, the learner's client's DPoP key (kept in localStorage where there is one, so
 * a bound token saved before a reload stays usable), and `thief`, a key pair made in this page and
 * never kept, for showing that a stolen bound token is useless with anyone else's key.
 */

export type DpopKeyName = 'mine' | 'thief';

/** A DPoP key pair: the private key signs proofs, the public JWK goes in their header. */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key: what a bound token's `cnf.jkt` holds. */
  jkt: string;
}

/** The proof algorithm: ES256, the one every DPoP server must be able to check. */
export const DPOP_ALG = 'ES256';

/** Where the learner's key is kept between page loads (absent in Node: memory only). */
export interface DpopKeyStorage {
  load(): JWK | undefined;
  save(privateJwk: JWK): void;
}

const STORAGE_KEY = 'ccp:dpop-key';

/** localStorage, where the page has it (and it works); nothing otherwise. */
function pageStorage(): DpopKeyStorage | undefined {
  try {
    const storage = globalThis.localStorage;
    if (!storage) return undefined;
    return {
      load: () => {
        const text = storage.getItem(STORAGE_KEY);
        return text === null ? undefined : (JSON.parse(text) as JWK);
      },
      save: (jwk) => storage.setItem(STORAGE_KEY, JSON.stringify(jwk)),
    };
  } catch {
    return undefined;
  }
}

const publicOf = (jwk: JWK): JWK => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });

async function fromPrivateJwk(privateJwk: JWK): Promise<DpopKey> {
  const publicJwk = publicOf(privateJwk);
  return {
    privateKey: (await importJWK(privateJwk, DPOP_ALG)) as CryptoKey,
    publicJwk,
    jkt: await calculateJwkThumbprint(publicJwk),
  };
}

async function newKey(storage: DpopKeyStorage | undefined): Promise<DpopKey> {
  const pair = await generateKeyPair(DPOP_ALG, { extractable: true });
  const privateJwk = await exportJWK(pair.privateKey);
  try {
    storage?.save(privateJwk);
  } catch {
    // storage full or blocked: the key lives as long as the page
  }
  return fromPrivateJwk(privateJwk);
}

async function loadOrCreate(name: DpopKeyName): Promise<DpopKey> {
  const storage = name === 'mine' ? pageStorage() : undefined;
  try {
    const stored = storage?.load();
    if (stored?.d !== undefined) return await fromPrivateJwk(stored);
  } catch {
    // damaged: make a new one
  }
  return newKey(storage);
}

const keys = new Map<DpopKeyName, Promise<DpopKey>>();

/** The named DPoP key, made on first use (and, for `mine`, kept across page loads). */
export function getDpopKey(name: DpopKeyName): Promise<DpopKey> {
  let key = keys.get(name);
  if (!key) {
    key = loadOrCreate(name).catch((error: unknown) => {
      keys.delete(name);
      throw error;
    });
    keys.set(name, key);
  }
  return key;
}

/** Forget the keys this page holds (tests; and "a new key" after the stolen-key lesson). */
export function forgetDpopKeys(): void {
  keys.clear();
  try {
    globalThis.localStorage?.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}

/** `htu`: the request's URL without query and fragment (RFC 9449 §4.2). */
export function dpopHtu(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** base64url(SHA-256(access token)): a proof's `ath` (RFC 9449 §4.2). */
export async function accessTokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

export interface DpopProofInput {
  /** The request's method: `htm`. */
  method: string;
  /** The request's URL (query and fragment are dropped for `htu`). */
  url: string;
  /** At the API: the access token the proof goes with (its hash becomes `ath`). */
  accessToken?: string;
  /** The last nonce the server handed out in `DPoP-Nonce`, when it asked for one. */
  nonce?: string;
  /** Epoch seconds (default now). */
  iat?: number;
}

/**
 * A fresh DPoP proof for one request: header `typ: dpop+jwt`, `alg: ES256` and the public `jwk`;
 * claims `jti` (a new UUID), `htm`, `htu`, `iat`, and `ath` and `nonce` when given.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function signDpopProof(key: DpopKey, input: DpopProofInput): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: crypto.randomUUID(),
    htm: input.method,
    htu: dpopHtu(input.url),
    iat: input.iat ?? Math.floor(Date.now() / 1000),
  };
  if (input.accessToken !== undefined) claims.ath = await accessTokenHash(input.accessToken);
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: DPOP_ALG, jwk: key.publicJwk })
    .sign(key.privateKey);
}

/** The RFC 7638 thumbprint of a proof's `jwk`, for showing which key signed it. */
export async function proofThumbprint(jwk: unknown): Promise<string | undefined> {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  try {
    return await calculateJwkThumbprint(jwk as JWK);
  } catch {
    return undefined;
  }
}
