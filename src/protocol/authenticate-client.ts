import { type CryptoKey, compactVerify, importJWK, type JWK } from 'jose';
import { leeway, type ServerContext, wallNowMs } from './context.ts';
import { InvalidClient, OAuthError } from './errors.ts';
import { type AsymmetricAlg, audienceIncludes, isAsymmetricAlg, parseCompactJwt } from './jwt.ts';
import type { Params } from './parse-body.ts';
import { knownAuthScheme } from './redact.ts';
import type { ClientRecord } from './state.ts';
import { check, type Trace } from './trace.ts';

/**
 * One public answer for an unknown client_id and a wrong secret, so the token endpoint cannot be
 * used to find out which client ids exist. The private detail (what the playground shows as
 * "what the server knew") says which of the two it was.
 */
const CREDENTIALS_REFUSED =
  'The client_id and client_secret do not match a registered client. Check both for typos (the Server page lists the seeded clients and their secrets).';

/** How a client proved who it is (RFC 7591 names). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: ClientAuthMethod;
}

/** The only client_assertion_type this server knows (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Compare two secrets in time that depends only on their lengths, not their contents. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const invalidRequest = (description: string, detail: string) =>
  new OAuthError('invalid_request', description, { detail });

/** Form-urldecode one Basic credential half (RFC 6749 §2.3.1). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Decode `Authorization: Basic ...` into a client id and secret, both form-urldecoded after
 * base64 as RFC 6749 §2.3.1 requires. A header that is not Basic or does not decode: 400.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function parseBasicCredentials(header: string): { id: string; secret: string } {
  const match = /^basic +([A-Za-z0-9+/=]*) *$/i.exec(header);
  if (!match) {
    // Named back only when it is a known scheme: a header without one may be a bare secret.
    const scheme = knownAuthScheme(header);
    const what =
      scheme === undefined
        ? header.trim() === ''
          ? 'is empty'
          : /\s/.test(header.trim())
            ? 'uses a scheme this server does not know'
            : 'has no scheme (a bare value)'
        : /^basic$/i.test(scheme)
          ? 'uses Basic with an invalid value'
          : `uses the ${scheme} scheme`;
    throw invalidRequest(
      `The Authorization header ${what}. ` +
        'Send Authorization: Basic base64(urlencode(client_id):urlencode(client_secret)), or put the credentials in the body.',
      `Authorization header ${what} at the token endpoint (its value is not logged)`,
    );
  }
  let decoded: string;
  try {
    const binary = atob(match[1] ?? '');
    decoded = strictUtf8.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    throw invalidRequest(
      'The Basic credentials are not valid base64 of UTF-8 text. Encode client_id:client_secret with base64.',
      'base64 or UTF-8 decoding of the Basic credentials failed',
    );
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) {
    throw invalidRequest(
      'The Basic credentials have no colon. Encode client_id:client_secret (with the colon) in base64.',
      'no ":" in the decoded Basic credentials',
    );
  }
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    throw invalidRequest(
      'The Basic credentials have a broken %-escape. Form-urlencode client_id and client_secret before base64.',
      'decodeURIComponent failed on the Basic credentials',
    );
  }
}

/** The registered client, or undefined. */
export function findClient(context: ServerContext, id: string): ClientRecord | undefined {
  return context.state.clients[id];
}

function clientUsesJwt(client: ClientRecord): boolean {
  return client.jwks !== undefined;
}

/**
 * Authenticate the client with exactly one method: Basic, client_secret in the body, or a JWT
 * client assertion. Records each check in `trace`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export async function authenticateClient(
  request: Request,
  params: Params,
  context: ServerContext,
  trace: Trace,
  endpointUrl: string,
): Promise<AuthenticatedClient> {
  const realm = context.endpoints.issuer;
  const header = request.headers.get('authorization');
  const bodyClientId = params.get('client_id');

  const method = check(trace, 'selectClientAuthMethod', (): ClientAuthMethod => {
    const used: ClientAuthMethod[] = [];
    if (header !== null) used.push('client_secret_basic');
    if (params.has('client_secret')) used.push('client_secret_post');
    if (params.has('client_assertion') || params.has('client_assertion_type'))
      used.push('private_key_jwt');
    if (used.length > 1) {
      throw invalidRequest(
        `The request uses more than one client authentication method (${used.join(', ')}). Use exactly one.`,
        `methods present: ${used.join(', ')}`,
      );
    }
    const [only] = used;
    if (only === undefined) {
      throw new InvalidClient(
        bodyClientId === undefined
          ? 'The request has no client authentication. Send client_id and client_secret (Basic header or body), or a client_assertion.'
          : 'The request names a client_id but proves nothing. Add client_secret (or use the Basic header, or a client_assertion).',
        bodyClientId === undefined
          ? 'no credentials at all'
          : `client_id ${bodyClientId} without a secret or assertion`,
      );
    }
    return only;
  });

  if (method === 'private_key_jwt')
    return authenticateWithAssertion(params, context, trace, endpointUrl);

  const basic = method === 'client_secret_basic' ? parseBasicCredentials(header ?? '') : undefined;
  const challenge = basic ? realm : undefined;
  const id = basic ? basic.id : bodyClientId;
  const secret = basic ? basic.secret : (params.get('client_secret') ?? '');

  const client = check(trace, 'identifyClient', () => {
    if (basic && bodyClientId !== undefined && bodyClientId !== basic.id) {
      throw invalidRequest(
        'The client_id in the body differs from the one in the Basic header. Send one client_id, or the same in both.',
        `Basic id ${basic.id}, body client_id ${bodyClientId}`,
      );
    }
    if (id === undefined) {
      throw new InvalidClient(
        'client_secret was sent without client_id. Send both in the body, or use the Basic header.',
        'client_secret_post without client_id',
      );
    }
    trace.clientId = id;
    const found = findClient(context, id);
    if (!found) {
      timingSafeEqual(secret, 'not-a-real-secret');
      throw new InvalidClient(
        CREDENTIALS_REFUSED,
        `unknown client_id ${JSON.stringify(id)}`,
        challenge,
      );
    }
    if (clientUsesJwt(found)) {
      throw new InvalidClient(
        `Client ${id} authenticates with private_key_jwt, not a secret. Send client_assertion_type and a signed client_assertion.`,
        `${id} has no client_secret (jwks client) but used ${method}`,
        challenge,
      );
    }
    return found;
  });

  check(trace, 'checkClientSecret', () => {
    if (!timingSafeEqual(secret, client.client_secret ?? '')) {
      throw new InvalidClient(
        CREDENTIALS_REFUSED,
        `secret mismatch for ${client.client_id} (sent ${secret.length} characters, expected ${(client.client_secret ?? '').length})`,
        challenge,
      );
    }
  });
  return { client, method };
}

/**
 * The longest a client assertion may live: its `exp` at most this many seconds after the server
 * clock. The server remembers each jti until its assertion is dead, so this bounds that memory
 * (CONTRACT.md, Additions).
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export const MAX_ASSERTION_LIFETIME = 3600;

const CURVE_ALG: Record<string, AsymmetricAlg> = { 'P-256': 'ES256', Ed25519: 'EdDSA' };

/** Can this JWK verify a signature made with `alg`? */
export function jwkFitsAlg(jwk: JWK, alg: AsymmetricAlg): boolean {
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.kty === 'RSA') return alg === 'RS256' || alg === 'PS256';
  if (jwk.kty === 'EC' || jwk.kty === 'OKP') return CURVE_ALG[jwk.crv ?? ''] === alg;
  return false;
}

async function clientKey(
  context: ServerContext,
  clientId: string,
  index: number,
  jwk: JWK,
  alg: AsymmetricAlg,
): Promise<CryptoKey | undefined> {
  const cacheKey = `${clientId}\n${index}\n${alg}`;
  const cached = context.clientKeyCache.get(cacheKey);
  if (cached) return cached;
  try {
    const key = (await importJWK(jwk, alg)) as CryptoKey;
    context.clientKeyCache.set(cacheKey, key);
    return key;
  } catch {
    return undefined;
  }
}

const badAssertion = (description: string, detail: string) =>
  new InvalidClient(description, detail);

async function authenticateWithAssertion(
  params: Params,
  context: ServerContext,
  trace: Trace,
  endpointUrl: string,
): Promise<AuthenticatedClient> {
  const { endpoints, clock } = context;
  const assertion = params.get('client_assertion');
  check(trace, 'checkAssertionType', () => {
    const type = params.get('client_assertion_type');
    if (type !== JWT_BEARER_ASSERTION_TYPE) {
      throw invalidRequest(
        type === undefined
          ? `client_assertion_type is missing. Send client_assertion_type=${JWT_BEARER_ASSERTION_TYPE}.`
          : `client_assertion_type ${type} is not supported. Send ${JWT_BEARER_ASSERTION_TYPE}.`,
        `client_assertion_type ${JSON.stringify(type ?? null)}`,
      );
    }
    if (assertion === undefined) {
      throw invalidRequest(
        'client_assertion is missing. Send the signed JWT as client_assertion.',
        'client_assertion_type without client_assertion',
      );
    }
  });
  const jwt = assertion ?? '';

  const parsed = check(trace, 'checkAssertionFormat', () => {
    const result = parseCompactJwt(jwt);
    if (typeof result === 'string') {
      throw badAssertion(
        'client_assertion is not a well-formed JWT. Send a compact JWS: header.payload.signature.',
        `client_assertion: ${result}`,
      );
    }
    return result;
  });
  const { header, payload } = parsed;

  const alg = check(trace, 'checkAssertionAlg', () => {
    if (!isAsymmetricAlg(header.alg)) {
      throw badAssertion(
        `client_assertion is signed with alg ${String(header.alg)}. Sign it with ES256, RS256, PS256 or EdDSA using the client's private key.`,
        `assertion alg ${JSON.stringify(header.alg)} not allowed (never none, never HMAC)`,
      );
    }
    return header.alg;
  });

  const client = check(trace, 'identifyClient', () => {
    const { iss, sub } = payload;
    if (typeof iss !== 'string' || typeof sub !== 'string' || iss !== sub) {
      throw badAssertion(
        'client_assertion must have iss and sub both equal to your client_id. Set both claims to it.',
        `iss ${JSON.stringify(iss)}, sub ${JSON.stringify(sub)}`,
      );
    }
    const bodyId = params.get('client_id');
    if (bodyId !== undefined && bodyId !== iss) {
      throw badAssertion(
        "The client_id parameter differs from the assertion's iss and sub. Send the same client_id everywhere.",
        `client_id ${bodyId}, assertion iss ${iss}`,
      );
    }
    trace.clientId = iss;
    const found = findClient(context, iss);
    if (!found) {
      throw badAssertion(
        `No client ${iss} is registered. Check the iss and sub of the assertion.`,
        `unknown client_id ${JSON.stringify(iss)} in assertion`,
      );
    }
    if (!clientUsesJwt(found)) {
      throw badAssertion(
        `Client ${iss} authenticates with a client_secret, not private_key_jwt. Send its client_id and client_secret instead.`,
        `${iss} has no registered jwks`,
      );
    }
    if ((found.jwks?.keys.length ?? 0) === 0) {
      throw badAssertion(
        `Client ${iss} has no public key registered. Register one: PUT /__admin/clients/${iss} with {"jwks":{"keys":[<your public JWK>]},"scopes":[...]}.`,
        `${iss} has an empty jwks`,
      );
    }
    return found;
  });

  await (async () => {
    const name = 'checkAssertionSignature';
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const keys = client.jwks?.keys ?? [];
    let candidates = 0;
    for (const [index, jwk] of keys.entries()) {
      if (kid !== undefined && jwk.kid !== kid) continue;
      if (!jwkFitsAlg(jwk, alg)) continue;
      candidates++;
      const key = await clientKey(context, client.client_id, index, jwk, alg);
      if (!key) continue;
      try {
        await compactVerify(jwt, key, { algorithms: [alg] });
        trace.pass(name);
        return;
      } catch {
        // try the next candidate key
      }
    }
    trace.fail(name);
    throw badAssertion(
      candidates === 0
        ? `No registered key of ${client.client_id} matches the assertion's ${kid === undefined ? '' : `kid ${kid} and `}alg ${alg}. Sign with the private key whose public half you registered.`
        : `The client_assertion signature does not verify with ${client.client_id}'s registered keys. Sign with the matching private key and do not change the token after signing.`,
      candidates === 0
        ? `no key fits kid ${String(kid)} / alg ${alg}`
        : `signature failed against ${candidates} key(s)`,
    );
  })();

  check(trace, 'checkAssertionAudience', () => {
    const aud = payload.aud;
    if (![endpoints.issuer, endpoints.token, endpointUrl].some((v) => audienceIncludes(aud, v))) {
      throw badAssertion(
        `The assertion's aud must name this server. Set aud to ${endpoints.issuer} (or ${endpoints.token}).`,
        `aud ${JSON.stringify(aud)}`,
      );
    }
  });

  const now = clock.now();
  const skew = leeway(context);
  const exp = check(trace, 'checkAssertionExpiry', () => {
    const { exp, nbf, iat } = payload;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      throw badAssertion(
        'The assertion has no numeric exp. Add exp (a few minutes from now, epoch seconds).',
        `exp ${JSON.stringify(exp)}`,
      );
    }
    if (exp + skew <= now) {
      throw badAssertion(
        'The assertion has expired. Make a fresh one for each request, with exp a few minutes ahead.',
        `exp ${exp} is ${now - exp}s before server time ${now} (leeway ${skew}s)`,
      );
    }
    if (exp - now > MAX_ASSERTION_LIFETIME) {
      throw badAssertion(
        `The assertion expires more than ${MAX_ASSERTION_LIFETIME / 60} minutes from now: too long-lived for the server to remember its jti. Set exp a few minutes ahead.`,
        `exp ${exp} is ${exp - now}s after server time ${now} (at most ${MAX_ASSERTION_LIFETIME}s)`,
      );
    }
    if (typeof nbf === 'number' && nbf - skew > now) {
      throw badAssertion(
        'The assertion is not valid yet (nbf is in the future). Check your clock.',
        `nbf ${nbf}, now ${now}`,
      );
    }
    if (typeof iat === 'number' && iat - skew > now) {
      throw badAssertion(
        'The assertion was issued in the future (iat). Check your clock.',
        `iat ${iat}, now ${now}`,
      );
    }
    return exp;
  });

  check(trace, 'checkAssertionReplay', () => {
    const { jti } = payload;
    if (typeof jti !== 'string' || jti === '') {
      throw badAssertion(
        'The assertion has no jti. Add a unique jti (a random id) to every assertion.',
        'jti missing',
      );
    }
    const key = `${client.client_id} ${jti}`;
    // Remembered until the assertion is dead on the server clock and in real time (pruneExpired),
    // so a jti is refused as long as it could pass the expiry check, however the clock moves.
    const seen = context.state.seenAssertions[key];
    if (seen !== undefined) {
      throw badAssertion(
        'This client_assertion was already used. Make a new assertion with a new jti for every request.',
        `jti ${jti} replayed (remembered until exp ${seen.exp})`,
      );
    }
    const wallNow = Math.floor(wallNowMs(context) / 1000);
    context.state.seenAssertions[key] = { exp, wallExp: exp - now + wallNow };
    context.changed();
  });
  return { client, method: 'private_key_jwt' };
}
