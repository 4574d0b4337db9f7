import { type CryptoKey, compactVerify, importJWK, type JWK } from 'jose';
import { leeway, type ServerContext, wallNowMs } from './context.ts';
import { InvalidClient, OAuthError } from './errors.ts';
import {
  type AsymmetricAlg,
  audienceIncludes,
  isAsymmetricAlg,
  type ParsedJwt,
  parseCompactJwt,
} from './jwt.ts';
import type { Params } from './parse-body.ts';
import { knownAuthScheme } from './redact.ts';
import type { ClientRecord } from './state.ts';
import { check, checkAsync, type Trace } from './trace.ts';

/**
 * One public answer for an unknown client_id and a wrong secret, so the token endpoint cannot be
 * used to find out which client ids exist. The private detail (what the playground shows as
 * "what the server knew") says which of the two it was.
 */
const CREDENTIALS_REFUSED =
  'The client_id and client_secret do not match a registered client. Check both for typos (the Server page lists the seeded clients and their secrets).';

/**
 * How a client proved who it is: RFC 7591 names, and `workload_identity` for a client assertion
 * issued by a workload platform the client trusts (federated credentials; no registry name).
 */
export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'workload_identity';

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
    // A plain loop: Uint8Array.from(string, mapFn) walks a string iterator, ten times slower.
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    decoded = strictUtf8.decode(bytes);
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

function clientIsFederated(client: ClientRecord): boolean {
  return client.federated_credentials !== undefined;
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

  const method = check(trace, 'selectClientAuthMethod', () => {
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
    if (clientIsFederated(found)) {
      throw new InvalidClient(
        `Client ${id} has no secret: it authenticates with a workload token from the platform it trusts. Send client_id, client_assertion_type=${JWT_BEARER_ASSERTION_TYPE} and the token as client_assertion.`,
        `${id} has federated credentials only but used ${method}`,
        challenge,
      );
    }
    return found;
  });

  // Either secret authenticates; every one is compared, so the time does not say which matched.
  const secrets = client.client_secrets ?? [];
  let matched = -1;
  for (const [index, candidate] of secrets.entries()) {
    if (timingSafeEqual(secret, candidate) && matched === -1) matched = index;
  }
  if (matched === -1) {
    trace.fail('checkClientSecret');
    throw new InvalidClient(
      CREDENTIALS_REFUSED,
      `secret mismatch for ${client.client_id} (sent ${secret.length} characters, expected ${secrets.map((s) => s.length).join(' or ')}${secrets.length > 1 ? `: neither of its ${secrets.length} secrets` : ''})`,
      challenge,
    );
  }
  // Which secret, never the secret: what a rotation needs to see (is the old one still in use?).
  trace.credential = `secret ${matched + 1} of ${secrets.length}`;
  trace.pass('checkClientSecret', trace.credential);
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
  const { clock } = context;
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

  // A client that trusts a workload platform names itself with client_id: the token's iss and
  // sub are the platform and the workload, not the client.
  const bodyId = params.get('client_id');
  const named = bodyId === undefined ? undefined : findClient(context, bodyId);
  if (named && clientIsFederated(named)) {
    trace.clientId = named.client_id;
    trace.pass('identifyClient');
    return authenticateWithWorkloadToken(jwt, parsed, named, context, trace);
  }

  const client = check(trace, 'identifyClient', () => {
    const { iss, sub } = payload;
    if (typeof iss !== 'string' || typeof sub !== 'string' || iss !== sub) {
      throw badAssertion(
        bodyId === undefined && typeof iss === 'string' && typeof sub === 'string'
          ? 'client_assertion must have iss and sub both equal to your client_id. (A workload token from a platform your client trusts has other iss and sub: then send client_id too.)'
          : 'client_assertion must have iss and sub both equal to your client_id. Set both claims to it.',
        `iss ${JSON.stringify(iss)}, sub ${JSON.stringify(sub)}`,
      );
    }
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
    if (clientIsFederated(found)) {
      throw badAssertion(
        `Client ${iss} authenticates with a workload token from the platform it trusts, not an assertion it signs itself. Send client_id=${iss} and the platform's token as client_assertion.`,
        `${iss} has federated credentials, no jwks`,
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

  checkAssertionAudience(context, trace, header, payload.aud, endpointUrl);

  const now = clock.now();
  const exp = check(trace, 'checkAssertionExpiry', () =>
    checkAssertionTimes(context, payload, 'The assertion'),
  );

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

/** The explicit type of a client authentication JWT (draft-ietf-oauth-rfc7523bis), any case. */
const CLIENT_ASSERTION_TYP = /^(application\/)?client-authentication\+jwt$/i;

/** Is this JOSE header's `typ` the client authentication type? (RFC 7515 §4.1.9: any case.) */
export function isTypedClientAssertion(header: Record<string, unknown>): boolean {
  return typeof header.typ === 'string' && CLIENT_ASSERTION_TYP.test(header.typ);
}

/**
 * The audience rule of client assertions. Typed `client-authentication+jwt` (draft-ietf-oauth-
 * rfc7523bis): `aud` MUST be the issuer identifier as its sole value (here a single string), never
 * an endpoint URL. Untyped, with `assertionAudience: legacy`: the issuer or the token endpoint, as
 * RFC 7523 §3 allowed. With `strict`: only the typed form is accepted.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-rfc7523bis/
 */
function checkAssertionAudience(
  context: ServerContext,
  trace: Trace,
  header: Record<string, unknown>,
  aud: unknown,
  endpointUrl: string,
): void {
  const name = 'checkAssertionAudience';
  const { issuer, token } = context.endpoints;
  const typed = isTypedClientAssertion(header);
  const strict = context.state.settings.assertionAudience === 'strict';
  const fail = (description: string, detail: string) => {
    trace.fail(name);
    return badAssertion(description, detail);
  };
  if (!typed && strict) {
    throw fail(
      `This server accepts only explicitly typed client assertions whose aud is its issuer identifier (assertionAudience: strict; draft-ietf-oauth-rfc7523bis). Set the header typ to client-authentication+jwt and aud to "${issuer}".`,
      `header typ ${JSON.stringify(header.typ ?? null)}, aud ${JSON.stringify(aud)}; assertionAudience strict refuses untyped assertions`,
    );
  }
  if (typed) {
    if (aud === issuer) {
      trace.pass(name, 'typed: aud is the issuer identifier');
      return;
    }
    const rule = `The assertion is typed client-authentication+jwt, so its aud must be this server's issuer identifier as its only value, one string: "aud": "${issuer}" (draft-ietf-oauth-rfc7523bis).`;
    const isEndpoint = (v: unknown) =>
      typeof v === 'string' && (v === token || v === endpointUrl || v.startsWith(`${issuer}/`));
    const problem = Array.isArray(aud)
      ? ` Its aud is an array${aud.some(isEndpoint) ? ' with an endpoint URL in it' : ''}.`
      : isEndpoint(aud)
        ? ` Its aud is the endpoint URL ${String(aud)}: an endpoint URL is exactly what the 2025 audience attack relies on, so it must never be the audience.`
        : ` Its aud is ${JSON.stringify(aud)}, not this server.`;
    throw fail(rule + problem, `typed assertion, aud ${JSON.stringify(aud)}, issuer ${issuer}`);
  }
  if (![issuer, token, endpointUrl].some((v) => audienceIncludes(aud, v))) {
    throw fail(
      `The assertion's aud must name this server. Set aud to ${issuer} (or ${token}).`,
      `untyped assertion, aud ${JSON.stringify(aud)}`,
    );
  }
  trace.pass(
    name,
    aud === issuer
      ? 'untyped: aud is the issuer identifier'
      : 'untyped: aud names the server as RFC 7523 allowed (assertionAudience legacy)',
  );
}

/**
 * The time checks of any client assertion: a numeric `exp` not past (with the leeway), at most
 * an hour ahead (a jti must be remembered that long), `nbf` and `iat` not in the future. Answers
 * `exp`. `what` names the assertion in messages ("The assertion", "The workload token").
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
function checkAssertionTimes(
  context: ServerContext,
  payload: Record<string, unknown>,
  what: string,
): number {
  const now = context.clock.now();
  const skew = leeway(context);
  const { exp, nbf, iat } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw badAssertion(
      `${what} has no numeric exp. Add exp (a few minutes from now, epoch seconds).`,
      `exp ${JSON.stringify(exp)}`,
    );
  }
  if (exp + skew <= now) {
    throw badAssertion(
      `${what} has expired (exp ${exp}, ${now - exp} s before the server clock; leeway ${skew} s). Make a fresh one for each request, with exp a few minutes ahead.`,
      `exp ${exp} is ${now - exp}s before server time ${now} (leeway ${skew}s)`,
    );
  }
  if (exp - now > MAX_ASSERTION_LIFETIME) {
    throw badAssertion(
      `${what} expires more than ${MAX_ASSERTION_LIFETIME / 60} minutes from now: too long-lived for the server to remember its jti. Set exp a few minutes ahead.`,
      `exp ${exp} is ${exp - now}s after server time ${now} (at most ${MAX_ASSERTION_LIFETIME}s)`,
    );
  }
  if (typeof nbf === 'number' && nbf - skew > now) {
    throw badAssertion(
      `${what} is not valid yet (nbf is in the future). Check your clock.`,
      `nbf ${nbf}, now ${now}`,
    );
  }
  if (typeof iat === 'number' && iat - skew > now) {
    throw badAssertion(
      `${what} was issued in the future (iat). Check your clock.`,
      `iat ${iat}, now ${now}`,
    );
  }
  return exp;
}

const shown = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'nothing'));

/**
 * Workload identity federation (CONTRACT.md, Additions): a client with federated credentials
 * authenticates with a token its workload platform issued. The token's `iss` must be a trusted
 * issuer, its signature must verify with that issuer's keys, its `sub` and `aud` must equal one
 * credential's (exact strings), and it must be unexpired. Each refusal names what did not match;
 * the detail (never sent) says what the credential expected. The token is not single-use.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc7521#section-4.2
 */
async function authenticateWithWorkloadToken(
  jwt: string,
  parsed: ParsedJwt,
  client: ClientRecord,
  context: ServerContext,
  trace: Trace,
): Promise<AuthenticatedClient> {
  const { header, payload } = parsed;
  const id = client.client_id;
  const credentials = client.federated_credentials ?? [];
  const ci = context.endpoints.ci;
  const { iss, sub, aud } = payload;

  const trusted = check(trace, 'checkFederatedIssuer', () => {
    const matching = credentials.filter((c) => c.issuer === iss);
    if (matching.length === 0) {
      throw badAssertion(
        `The workload token's issuer ${shown(iss)} is not trusted by ${id}: none of its federated credentials names that issuer.`,
        `trusted issuer(s): ${[...new Set(credentials.map((c) => c.issuer))].join(', ')}`,
      );
    }
    return matching;
  });

  await checkAsync(trace, 'checkFederatedSignature', async () => {
    // A credential's issuer is always the platform here (the admin API allows no other).
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const published = context.ciKeys.jwks().keys.map((k) => k.kid ?? '');
    const keys = published.filter((k) => kid === undefined || k === kid);
    if (iss !== ci.issuer || keys.length === 0) {
      throw badAssertion(
        `The workload token's signature cannot be verified: ${kid === undefined ? 'it names no kid, and' : `its kid ${kid} is not`} among the keys ${shown(iss)} publishes (${ci.jwks}). The platform did not sign it, or signed it with a key it has since retired.`,
        `token kid ${String(kid)}; platform keys ${published.join(', ')}`,
      );
    }
    for (const k of keys) {
      const loaded = context.ciKeys.find(k);
      if (!loaded) continue;
      try {
        await compactVerify(jwt, loaded.publicKey, { algorithms: [loaded.stored.alg] });
        return;
      } catch {
        // try the next key
      }
    }
    throw badAssertion(
      `The workload token's signature does not verify with the keys ${shown(iss)} publishes: it was changed after signing, or someone else signed it.`,
      `signature failed against platform key(s) ${keys.join(', ')} (alg ${String(header.alg)})`,
    );
  });

  const bySubject = check(trace, 'checkFederatedSubject', () => {
    const matching = trusted.filter((c) => c.subject === sub);
    if (matching.length === 0) {
      throw badAssertion(
        `The workload token's subject ${shown(sub)} matches no federated credential of ${id} for issuer ${shown(iss)}: the credential names another workload (a branch, an environment, a repository). Subjects are compared as exact strings.`,
        `expected subject(s): ${trusted.map((c) => c.subject).join(', ')}`,
      );
    }
    return matching;
  });

  const credential = check(trace, 'checkFederatedAudience', () => {
    const found = bySubject.find((c) => aud === c.audience);
    if (!found) {
      throw badAssertion(
        `The workload token's audience ${shown(aud)} is not the audience ${id}'s federated credential expects for this subject. Ask the platform for a token whose aud is that audience (one string, exact match).`,
        `expected aud: ${[...new Set(bySubject.map((c) => c.audience))].join(', ')}`,
      );
    }
    return found;
  });

  check(trace, 'checkFederatedExpiry', () =>
    checkAssertionTimes(context, payload, 'The workload token'),
  );
  const index = credentials.indexOf(credential);
  trace.credential = `federated credential ${index + 1} of ${credentials.length} (${credential.subject})`;
  return { client, method: 'workload_identity' };
}
