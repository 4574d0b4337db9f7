/**
 * DPoP (RFC 9449): the proof checks the token endpoint and the resource API share, the nonces
 * each hands out, and the key binding of access tokens (`cnf.jkt`). One implementation for both
 * runtimes; each check is recorded under its own name, so the log, the lessons (`at
 * checkDpopReplay`) and the forge name the one that refused a request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
import { base64url, type CryptoKey, calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { jwkFitsAlg } from './authenticate-client.ts';
import { leeway, type ServerContext, stateMemory, wallNowMs } from './context.ts';
import { DpopChallenge, OAuthError } from './errors.ts';
import { ASYMMETRIC_ALGS, type AsymmetricAlg, isAsymmetricAlg, parseCompactJwt } from './jwt.ts';
import type { DpopNonce } from './state.ts';
import { check, checkAsync, type Trace } from './trace.ts';
import { verifyCompact, webCryptoVerifier } from './verify-signature.ts';

/** The JWS algorithms a DPoP proof may use: asymmetric only (RFC 9449 §4.2, §11.6). */
export const DPOP_ALGS: readonly AsymmetricAlg[] = ASYMMETRIC_ALGS;

/** The DPoP proof checks, in the order this server runs them (RFC 9449 §4.3 allows any). */
export const DPOP_PROOF_CHECKS = [
  'checkDpopProof',
  'checkDpopTarget',
  'checkDpopFreshness',
  'checkDpopAth',
  'checkDpopNonce',
  'checkDpopReplay',
] as const;

/** How long a nonce is handed out before the server makes a new one (the previous stays good). */
export const DPOP_NONCE_LIFETIME = 300;

/** The longest `jti` remembered (RFC 9449 §11.1: refuse unnecessarily large ones). */
const MAX_JTI_LENGTH = 256;

/** How many seen proofs the server remembers at most; the oldest (closest to expiry) go first. */
export const SEEN_PROOFS_CAPACITY = 20_000;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A proof that passed its checks: the key's thumbprint and what it said. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key: what a bound token's `cnf.jkt` holds. */
  jkt: string;
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  jwk: JWK;
}

/** Where a proof was sent: the two servers keep their own nonces (RFC 9449 §9). */
export type DpopAudience = 'token' | 'api';

/** The errors a proof check throws where it runs: 400s at the token endpoint, DPoP challenges at the API. */
interface Failures {
  proof(description: string, detail: string): OAuthError;
  nonce(description: string, detail: string, nonce: string): OAuthError;
}

const FAILURES: Record<DpopAudience, Failures> = {
  token: {
    proof: (description, detail) =>
      new OAuthError('invalid_dpop_proof', description, { status: 400, detail }),
    nonce: (description, detail, nonce) =>
      new OAuthError('use_dpop_nonce', description, {
        status: 400,
        detail,
        headers: { 'DPoP-Nonce': nonce },
      }),
  },
  api: {
    proof: (description, detail) =>
      new DpopChallenge('invalid_dpop_proof', description, { algs: DPOP_ALGS, detail }),
    nonce: (description, detail, nonce) =>
      new DpopChallenge('use_dpop_nonce', description, { algs: DPOP_ALGS, detail, nonce }),
  },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The nonce `audience` hands out now, made on first use and renewed every
 * {@link DPOP_NONCE_LIFETIME} seconds of server time (the one before stays accepted). Nonces must
 * be unpredictable (RFC 9449 §8): 128 random bits.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8.2
 */
export function currentDpopNonce(context: ServerContext, audience: DpopAudience): string {
  const now = context.clock.now();
  const nonces = context.state.dpopNonces;
  const held = nonces[audience];
  if (held && now - held.issuedAt < DPOP_NONCE_LIFETIME && now >= held.issuedAt) {
    return held.current;
  }
  const next: DpopNonce = {
    current: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    ...(held && { previous: held.current }),
    issuedAt: now,
  };
  nonces[audience] = next;
  context.changed();
  return next.current;
}

/** Headers for a DPoP request's answer: the nonce to use next, when the server wants nonces. */
export function dpopNonceHeaders(
  context: ServerContext,
  audience: DpopAudience,
): Record<string, string> {
  return context.state.settings.dpopNonce === 'on'
    ? { 'DPoP-Nonce': currentDpopNonce(context, audience) }
    : {};
}

/** `request`'s URI as `htu` names it: no query, no fragment, normalized as `URL` does. */
export function htuOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** base64url(SHA-256(token)): the `ath` a proof for this access token carries. */
export async function accessTokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

/** Imported proof keys by their public members: a client signs many proofs with one key. */
const keyCache = new Map<string, { key: CryptoKey; jkt: string }>();
const KEY_CACHE_CAPACITY = 256;

async function proofKey(jwk: JWK, alg: AsymmetricAlg): Promise<{ key: CryptoKey; jkt: string }> {
  const members = Object.keys(jwk)
    .filter((k) => typeof (jwk as Record<string, unknown>)[k] === 'string')
    .sort()
    .map((k) => `${k}=${String((jwk as Record<string, unknown>)[k])}`)
    .join('&');
  const cacheKey = `${alg}\n${members}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const key = (await importJWK(jwk, alg)) as CryptoKey;
  const loaded = { key, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
  if (keyCache.size >= KEY_CACHE_CAPACITY) {
    const oldest = keyCache.keys().next().value;
    if (oldest !== undefined) keyCache.delete(oldest);
  }
  keyCache.set(cacheKey, loaded);
  return loaded;
}

export interface CheckDpopInput {
  request: Request;
  context: ServerContext;
  trace: Trace;
  audience: DpopAudience;
  /** At the API: the access token the proof must name in `ath`. */
  accessToken?: string;
}

/**
 * Check the request's DPoP proof, every item of RFC 9449 §4.3 (and §7's `ath` at the API), each
 * recorded under its name: one `DPoP` header holding one well-formed JWT with every required
 * claim, `typ` dpop+jwt, an asymmetric `alg` from the list, a public `jwk` that verifies the
 * signature (`checkDpopProof`); `htm` and `htu` of this request (`checkDpopTarget`); `iat`
 * within the leeway of the server clock (`checkDpopFreshness`); at the API, `ath` the hash of the
 * token (`checkDpopAth`); the current nonce when the server asks for one (`checkDpopNonce`); a
 * `jti` not used before at this URI while the proof could still be accepted (`checkDpopReplay`).
 * Throws `invalid_dpop_proof` (or `use_dpop_nonce`) shaped for the token endpoint or the API.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export async function checkDpopProof(input: CheckDpopInput): Promise<DpopProof> {
  const { request, context, trace, audience, accessToken } = input;
  const fail = FAILURES[audience];
  const bad = (description: string, detail: string) => fail.proof(description, detail);

  const proof = await checkAsync(trace, 'checkDpopProof', async () => {
    const value = request.headers.get('dpop');
    if (value === null) {
      throw bad(
        'The request has no DPoP header. Send a DPoP proof (a JWT signed with your DPoP key) in the DPoP header with every request that uses a DPoP-bound token.',
        'no DPoP header',
      );
    }
    // Two DPoP headers reach the core joined by ", " (Fetch's combining), which no JWT contains.
    if (value.includes(',')) {
      throw bad(
        'The request has more than one DPoP header. Send exactly one proof.',
        'several DPoP header values',
      );
    }
    const jwt = value.trim();
    const parsed = TOKEN68.test(jwt) ? parseCompactJwt(jwt) : 'it is not token68 text';
    if (typeof parsed === 'string') {
      throw bad(
        'The DPoP header is not a well-formed JWT. Send one compact JWS: header.payload.signature.',
        `DPoP header: ${parsed}`,
      );
    }
    const { header, payload } = parsed;
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
    if (typ !== 'dpop+jwt' && typ !== 'application/dpop+jwt') {
      throw bad(
        `The proof's typ is ${header.typ === undefined ? 'missing' : JSON.stringify(header.typ)}; a DPoP proof has typ dpop+jwt, so that no other JWT can pass for one.`,
        `typ ${JSON.stringify(header.typ)}`,
      );
    }
    if (!isAsymmetricAlg(header.alg)) {
      throw bad(
        `The proof is signed with alg ${String(header.alg)}. Sign it with an asymmetric algorithm: ${DPOP_ALGS.join(', ')} (never none, never HMAC).`,
        `alg ${JSON.stringify(header.alg)}`,
      );
    }
    const alg = header.alg;
    if (header.crit !== undefined) {
      throw bad(
        'The proof has a crit header, naming extensions this server does not understand (RFC 7515 §4.1.11). Leave crit out.',
        `crit ${JSON.stringify(header.crit)}`,
      );
    }
    const jwk = header.jwk;
    if (!isObject(jwk)) {
      throw bad(
        "The proof's header has no jwk. Put your DPoP public key in the header as a JWK.",
        'no jwk header parameter',
      );
    }
    const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (secret.length > 0) {
      throw bad(
        `The proof's jwk contains private key members (${secret.join(', ')}). Send only the public key; the private key never leaves the client.`,
        `jwk has ${secret.join(', ')}`,
      );
    }
    if (!jwkFitsAlg(jwk as JWK, alg)) {
      throw bad(
        `The proof's jwk (kty ${String(jwk.kty)}) cannot verify alg ${alg}. Sign with the key in the header.`,
        `jwk kty ${String(jwk.kty)} crv ${String(jwk.crv)} vs alg ${alg}`,
      );
    }
    const { jti, htm, htu, iat } = payload;
    const missing = [
      typeof jti === 'string' && jti !== '' ? undefined : 'jti',
      typeof htm === 'string' ? undefined : 'htm',
      typeof htu === 'string' ? undefined : 'htu',
      typeof iat === 'number' && Number.isFinite(iat) ? undefined : 'iat',
    ].filter((c) => c !== undefined);
    if (missing.length > 0) {
      throw bad(
        `The proof lacks ${missing.join(', ')}. A DPoP proof carries jti (a fresh random id), htm (the method), htu (the URL without query) and iat (now, in epoch seconds).`,
        `missing ${missing.join(', ')}`,
      );
    }
    if ((jti as string).length > MAX_JTI_LENGTH) {
      throw bad(
        `The proof's jti is ${(jti as string).length} characters long; at most ${MAX_JTI_LENGTH}. A random UUID is plenty.`,
        `jti of ${(jti as string).length} characters`,
      );
    }
    let loaded: { key: CryptoKey; jkt: string };
    try {
      loaded = await proofKey(jwk as JWK, alg);
    } catch (error) {
      throw bad(
        "The proof's jwk could not be read as a public key. Send the public half of your DPoP key pair as a JWK.",
        `importJWK: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const verifier = context.options.verifier ?? webCryptoVerifier;
    if (!(await verifyCompact(jwt, loaded.key, alg, verifier))) {
      throw bad(
        "The proof's signature does not verify with the jwk in its header. Sign the proof with the private key of that jwk.",
        `${alg} signature check failed against the header's jwk (thumbprint ${loaded.jkt})`,
      );
    }
    return {
      jkt: loaded.jkt,
      jti: jti as string,
      htm: htm as string,
      htu: htu as string,
      iat: iat as number,
      jwk: jwk as JWK,
      nonce: payload.nonce,
      ath: payload.ath,
    };
  });

  check(trace, 'checkDpopTarget', () => {
    if (proof.htm !== request.method) {
      throw bad(
        `The proof is for ${proof.htm} requests; this one is ${request.method}. Make a new proof for each request, with its method in htm.`,
        `htm ${JSON.stringify(proof.htm)}, request ${request.method}`,
      );
    }
    const here = htuOf(request.url);
    let claimed: string | undefined;
    try {
      const u = new URL(proof.htu);
      claimed = u.search === '' && u.hash === '' ? htuOf(proof.htu) : undefined;
    } catch {
      claimed = undefined;
    }
    if (claimed !== here) {
      throw bad(
        `The proof is for ${proof.htu}; this request goes to ${here}. Make a new proof for each request, with its URL (no query, no fragment) in htu.`,
        `htu ${JSON.stringify(proof.htu)}, request ${here}`,
      );
    }
  });

  const now = context.clock.now();
  const skew = leeway(context);
  check(trace, 'checkDpopFreshness', () => {
    if (proof.iat < now - skew || proof.iat > now + skew) {
      const off = proof.iat - now;
      throw bad(
        `The proof was made ${Math.abs(off)} seconds ${off < 0 ? 'ago' : 'in the future'} (iat ${proof.iat}); this server accepts proofs within ${skew} seconds of its clock. Make a fresh proof for every request.`,
        `iat ${proof.iat}, server time ${now}, leeway ${skew}`,
      );
    }
  });

  if (audience === 'api') {
    await checkAsync(trace, 'checkDpopAth', async () => {
      const expected = await accessTokenHash(accessToken ?? '');
      if (proof.ath !== expected) {
        throw bad(
          proof.ath === undefined
            ? 'The proof has no ath. At the API, a proof carries ath: the base64url SHA-256 hash of the access token it goes with.'
            : "The proof's ath is not the hash of this access token: the proof was made for another token.",
          `ath ${JSON.stringify(proof.ath)}, token hash ${expected}`,
        );
      }
    });
  }

  if (context.state.settings.dpopNonce === 'on') {
    check(trace, 'checkDpopNonce', () => {
      const current = currentDpopNonce(context, audience);
      const held = context.state.dpopNonces[audience];
      if (
        proof.nonce === current ||
        (proof.nonce !== undefined && proof.nonce === held?.previous)
      ) {
        return;
      }
      throw fail.nonce(
        proof.nonce === undefined
          ? `This server wants a nonce in every DPoP proof. Make a new proof with nonce "${current}" (from the DPoP-Nonce header) and send the request again.`
          : `The proof's nonce is not one this server handed out recently. Make a new proof with nonce "${current}" (from the DPoP-Nonce header) and send the request again.`,
        `nonce ${JSON.stringify(proof.nonce)}, current ${current}`,
        current,
      );
    });
  }

  check(trace, 'checkDpopReplay', () => {
    const key = `${htuOf(request.url)} ${proof.jti}`;
    const seen = context.state.seenDpopProofs[key];
    if (seen !== undefined) {
      throw bad(
        'This DPoP proof was already used. A proof is good for one request: make a new one, with a new jti, for every request (retries included).',
        `jti ${proof.jti} at ${htuOf(request.url)} seen before`,
      );
    }
    // Remembered while it could pass the freshness check, on the server clock and in real time.
    const exp = proof.iat + skew;
    const wallNow = Math.floor(wallNowMs(context) / 1000);
    const seenProofs = context.state.seenDpopProofs;
    seenProofs[key] = { exp, wallExp: exp - now + wallNow };
    // Counting the keys is O(n): only every thousand new proofs (expired ones go in pruneSoon).
    const memory = stateMemory(context);
    if (++memory.proofsAdded >= 1000) {
      memory.proofsAdded = 0;
      const keys = Object.keys(seenProofs);
      for (const old of keys.slice(0, Math.max(0, keys.length - SEEN_PROOFS_CAPACITY))) {
        delete seenProofs[old];
      }
    }
    context.changed();
  });

  const { jkt, jti, htm, htu, iat, jwk } = proof;
  return { jkt, jti, htm, htu, iat, jwk };
}

/** The `cnf.jkt` of a verified access token's claims, if it is DPoP-bound. */
export function boundThumbprint(claims: Record<string, unknown>): string | undefined {
  const cnf = claims.cnf;
  return isObject(cnf) && typeof cnf.jkt === 'string' ? cnf.jkt : undefined;
}
