import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';

/**
 * The seeded `signing-client` authenticates with `private_key_jwt` (RFC 7523). Its key pair is
 * made once in the browser and kept in localStorage, so assertions signed after a reload still
 * match the public key the mock server registered.
 *
 * The key is the learner's client's: the client signs `client_assertion`s with the private half,
 * and the app hands the pair to the mock servers at start-up (src/app/mock-server-provider.tsx),
 * which register the public half. jose only, loaded with `import()` off the first paint.
 */
export const SIGNING_CLIENT_ID = 'signing-client';
export const SIGNING_CLIENT_ALG = 'ES256';

const STORAGE_KEY = 'ccp:signing-client-key';
const KEY_VERSION = 1;

export interface SigningClientKey {
  /** Public JWK with `kid`, `alg` and `use: "sig"`: what the server trusts. */
  publicJwk: JWK;
  /** Private JWK (same `kid`): what the learner's client signs `client_assertion`s with. */
  privateJwk: JWK;
}

let cached: Promise<SigningClientKey> | undefined;

/** The signing-client's key pair, generated on first use and persisted afterwards. */
export function getSigningClientKey(): Promise<SigningClientKey> {
  cached ??= loadOrCreate().catch((error: unknown) => {
    cached = undefined; // let a later call retry instead of caching the failure
    throw error;
  });
  return cached;
}

/**
 * Use this key pair from now on: the one the tab running the mock servers has (src/mocks/
 * tab-sync.ts). Two tabs opened at once on a first visit would otherwise each make their own,
 * and one tab's assertions would not match the key the servers registered.
 */
export function adoptSigningClientKey(key: SigningClientKey): void {
  cached = Promise.resolve(key);
}

/**
 * The key pair, checked by signing and verifying with it; a pair that fails (damaged in storage:
 * halves that do not match, a key that does not import) is replaced by a new one, persisted.
 * "Reset server" calls this before re-registering `signing-client`, so a reset always leaves a
 * working pair behind.
 */
export async function repairSigningClientKey(): Promise<SigningClientKey> {
  const current = await getSigningClientKey().catch(() => undefined);
  if (current && (await keyPairWorks(current))) return current;
  const fresh = createKeyPair();
  cached = fresh;
  return fresh;
}

/** The private JWK the learner-side client signs `client_assertion` JWTs with. */
export async function getSigningClientPrivateJwk(): Promise<JWK> {
  return (await getSigningClientKey()).privateJwk;
}

/** The public key set registered for `signing-client` on the mock server. */
export async function getSigningClientJwks(): Promise<{ keys: JWK[] }> {
  return { keys: [(await getSigningClientKey()).publicJwk] };
}

async function loadOrCreate(): Promise<SigningClientKey> {
  const stored = readStored();
  if (stored && (await keyPairWorks(stored))) return stored;
  return createKeyPair();
}

async function createKeyPair(): Promise<SigningClientKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_CLIENT_ALG, {
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: SIGNING_CLIENT_ALG, use: 'sig' } as const;
  const key: SigningClientKey = {
    publicJwk: { ...publicJwk, ...meta },
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
  };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ v: KEY_VERSION, ...key }));
  } catch (error) {
    console.warn('[playground] could not persist the signing-client key pair', error);
  }
  return key;
}

/** Whether the private half signs what the public half verifies (both import, same key). */
async function keyPairWorks(key: SigningClientKey): Promise<boolean> {
  try {
    const data = new TextEncoder().encode('signing-client key check');
    const privateKey = await importJWK(key.privateJwk, SIGNING_CLIENT_ALG);
    const publicKey = await importJWK(key.publicJwk, SIGNING_CLIENT_ALG);
    const jws = await new CompactSign(data)
      .setProtectedHeader({ alg: SIGNING_CLIENT_ALG })
      .sign(privateKey);
    await compactVerify(jws, publicKey);
    return true;
  } catch {
    return false;
  }
}

function readStored(): SigningClientKey | undefined {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as Partial<SigningClientKey> & { v?: unknown };
    const { publicJwk, privateJwk } = parsed;
    if (
      parsed.v === KEY_VERSION &&
      publicJwk?.kty === 'EC' &&
      typeof publicJwk.kid === 'string' &&
      privateJwk?.kid === publicJwk.kid &&
      typeof privateJwk.d === 'string'
    ) {
      return { publicJwk, privateJwk };
    }
  } catch {
    // unreadable: make a new pair
  }
  return undefined;
}
