/**
 * Client authentication for the token, introspection and revocation requests: the three methods
 * the runner can test, built from the credentials the user gave.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
import { type CryptoKey, importJWK, importPKCS8, type JWK, SignJWT } from 'jose';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Headers and form fields that authenticate one request. */
export interface ClientAuth {
  headers: Record<string, string>;
  form: [string, string][];
}

/** RFC 6749 §2.3.1: form-urlencode id and secret, then base64 "id:secret". */
export function basicAuthorization(clientId: string, secret: string): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  const bytes = new TextEncoder().encode(`${encode(clientId)}:${encode(secret)}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export function secretBasic(clientId: string, secret: string): ClientAuth {
  return { headers: { authorization: basicAuthorization(clientId, secret) }, form: [] };
}

export function secretPost(clientId: string, secret: string): ClientAuth {
  return {
    headers: {},
    form: [
      ['client_id', clientId],
      ['client_secret', secret],
    ],
  };
}

/** A private key ready to sign client assertions. */
export interface AssertionKey {
  key: CryptoKey;
  alg: string;
  kid?: string;
  /** Secret parts of the key text, for masking. */
  secrets: string[];
}

const CURVE_ALGS: Record<string, string> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  Ed25519: 'EdDSA',
};

/** The alg a JWK implies when it names none. */
function algForJwk(jwk: JWK): string | undefined {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if ((jwk.kty === 'EC' || jwk.kty === 'OKP') && jwk.crv) return CURVE_ALGS[jwk.crv];
  return undefined;
}

/**
 * Read a private key from a JWK (JSON) or PKCS#8 PEM text. Throws an Error with a message fit
 * for the user (never the key itself).
 */
export async function loadAssertionKey(
  text: string,
  options: { alg?: string; kid?: string } = {},
): Promise<AssertionKey> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(trimmed) as JWK;
    } catch {
      throw new Error('the key file starts with "{" but is not valid JSON');
    }
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') {
      throw new Error('the key file is JSON but not a JWK (no "kty")');
    }
    if (jwk.d === undefined) {
      throw new Error(
        'the JWK has no private part ("d"): give the private key, not the public one',
      );
    }
    const alg = options.alg ?? algForJwk(jwk);
    if (!alg) throw new Error(`cannot tell the alg of a ${jwk.kty} key: pass --alg`);
    try {
      const key = await importJWK(jwk, alg);
      if (key instanceof Uint8Array) {
        throw new Error('a symmetric key cannot sign a private_key_jwt assertion');
      }
      const secrets = ['d', 'p', 'q', 'dp', 'dq', 'qi']
        .map((k) => (jwk as Record<string, unknown>)[k])
        .filter((v): v is string => typeof v === 'string');
      const kid = options.kid ?? jwk.kid;
      return { key, alg, secrets, ...(kid ? { kid } : {}) };
    } catch (error) {
      throw new Error(
        `the JWK cannot be used with alg ${alg}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (trimmed.includes('-----BEGIN PRIVATE KEY-----')) {
    const candidates = options.alg ? [options.alg] : ['ES256', 'RS256', 'ES384', 'ES512', 'EdDSA'];
    for (const alg of candidates) {
      try {
        const key = await importPKCS8(trimmed, alg);
        return { key, alg, secrets: [trimmed], ...(options.kid ? { kid: options.kid } : {}) };
      } catch {
        // try the next alg
      }
    }
    throw new Error(
      options.alg
        ? `the PEM key cannot be used with alg ${options.alg}`
        : 'the PEM key is none of ES256, RS256, ES384, ES512, EdDSA: pass --alg',
    );
  }
  if (trimmed.includes('-----BEGIN')) {
    throw new Error(
      'the PEM is not PKCS#8 ("BEGIN PRIVATE KEY"). Convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem',
    );
  }
  throw new Error('the key file is neither a JWK (JSON) nor a PKCS#8 PEM');
}

/** Claims to vary for the negative assertion checks. */
export interface AssertionOverrides {
  aud?: string;
  /** Seconds from now; negative for an expired assertion. */
  expiresIn?: number;
  jti?: string;
}

/** A signed client assertion: iss = sub = client_id, aud = the token endpoint (RFC 7523 §3). */
export async function signAssertion(
  key: AssertionKey,
  clientId: string,
  audience: string,
  overrides: AssertionOverrides = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = overrides.expiresIn ?? 60;
  const header: { alg: string; typ: string; kid?: string } = { alg: key.alg, typ: 'JWT' };
  if (key.kid) header.kid = key.kid;
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(overrides.aud ?? audience)
    .setJti(overrides.jti ?? crypto.randomUUID())
    .setIssuedAt(expiresIn < 0 ? now + expiresIn - 60 : now)
    .setExpirationTime(now + expiresIn)
    .sign(key.key);
}

export function assertionAuth(clientId: string, assertion: string): ClientAuth {
  return {
    headers: {},
    form: [
      ['client_id', clientId],
      ['client_assertion_type', JWT_BEARER],
      ['client_assertion', assertion],
    ],
  };
}
