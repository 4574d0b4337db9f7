import {
  base64url,
  type CryptoKey,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import { type ClientAuthMethod, jwkFitsAlg } from './authenticate-client.ts';
import { LATEST_CLOCK } from './clock.ts';
import { type ServerContext, wallNowMs } from './context.ts';
import { NotFound, OAuthError } from './errors.ts';
import { type FaultsView, faultsView, parseFaultsInput } from './faults.ts';
import { ASYMMETRIC_ALGS, type AsymmetricAlg } from './jwt.ts';
import type { KeyRing } from './keys.ts';
import type { LogEntry } from './log.ts';
import { isScopeToken } from './scope.ts';
import { DEFAULT_ACCESS_TOKEN_TTL, SEEDED_CLIENTS } from './seed.ts';
import {
  type ClientRecord,
  type FederatedCredential,
  type IssuedToken,
  noFaults,
  type ServerSettings,
  type StoredKey,
} from './state.ts';
import { WORKLOAD_TOKEN_ALG } from './workload-platform.ts';

/**
 * The server clock as the admin API shows it: epoch seconds, the offset from real time in
 * seconds, and whether it stands still.
 */
export interface ClockView {
  now: number;
  offset: number;
  frozen: boolean;
}

/**
 * What `POST /__admin/reset {"only": [...]}` can put back on its own (no body: everything): the
 * clock (real time, running), the settings (the default profile), the seeded clients (as seeded;
 * other clients stay), the rate-limit windows and the injected faults (none).
 */
export const RESET_PARTS = ['clock', 'settings', 'clients', 'rate_limits', 'faults'] as const;
export type ResetPart = (typeof RESET_PARTS)[number];

/**
 * A registered client as the admin API shows it: the record, with how it authenticates, its
 * first secret (what clients with one secret have always shown) and `require_dpop` always given.
 */
export interface ClientView extends Omit<ClientRecord, 'require_dpop'> {
  /**
   * How the client authenticates: an RFC 7591 name, or `workload_identity` (a JWT-bearer client
   * assertion issued by a platform the client trusts through its federated credentials; no
   * registry name exists for it).
   */
  token_endpoint_auth_method: Extract<
    ClientAuthMethod,
    'client_secret_basic' | 'private_key_jwt' | 'workload_identity'
  >;
  client_secret?: string;
  /** Every token request must carry a DPoP proof (RFC 9449 §5.2 `dpop_bound_access_tokens`). */
  require_dpop: boolean;
}

/** What `rotateKeys` answers. */
export interface RotateResult {
  kid: string;
  alg: string;
  retired: string[];
  jwks: JSONWebKeySet;
}

/** A signing key as the console shows it: never the private half. */
export interface KeyView {
  kid: string;
  alg: string;
  /** 'active' signs new tokens; 'previous' keys still verify until retired. */
  status: 'active' | 'previous';
  /** Epoch seconds (server clock) when the key was made. */
  created_at: number;
}

/** What `revokeToken` answers. */
export interface RevokeResult {
  jti: string;
  /** False when the token was already revoked. */
  revoked: boolean;
}

/** Input of `mint`. */
export interface MintInput {
  claims: Record<string, unknown>;
  header?: Record<string, unknown>;
  sign_with?: 'server' | 'rogue' | 'none';
}

/** The control API: the same functions `/__admin` reaches and the playground's panels call. */
export interface Admin {
  /**
   * Back to the seeded state; the signing keys stay (docs/decisions/reset-keeps-keys.md). With
   * `{only: [...RESET_PARTS]}`, only those parts.
   */
  reset(input?: unknown): Promise<void>;
  clock(): ClockView;
  /**
   * `{advance: seconds}` (may be negative), `{set: epochSeconds}`, `{freeze: true | false}` (stand
   * still where it is, or run on from there) or `{real: true}` (real time again, running).
   */
  setClock(input: unknown): Promise<ClockView>;
  listClients(): ClientView[];
  getClient(id: string): ClientView | undefined;
  /** Create or replace a client; throws OAuthError invalid_request on bad input. */
  putClient(id: string, body: unknown): Promise<ClientView>;
  /** False when no such client. */
  deleteClient(id: string): Promise<boolean>;
  /** New active key; `{retire_previous: true}` drops the others from the JWKS. */
  rotateKeys(input?: unknown): Promise<RotateResult>;
  /** Drop every non-active key from the JWKS. */
  retireKeys(): Promise<{ retired: string[]; jwks: JSONWebKeySet }>;
  /** A token with any claims, for replaying bad-token cases. */
  mint(input: unknown): Promise<{ token: string }>;
  /** Redacted entries, newest last. */
  log(): LogEntry[];
  jwks(): JSONWebKeySet;
  settings(): ServerSettings;
  updateSettings(input: unknown): Promise<ServerSettings>;
  /** The issued-token index (newest last): what the server remembers of tokens it issued. */
  issuedTokens(): IssuedToken[];
  /** The published signing keys, oldest first, with which one is active. */
  keys(): KeyView[];
  /** Revoke an issued token by its jti (any client's); throws OAuthError when unknown. */
  revokeToken(jti: unknown): Promise<RevokeResult>;
  /** The jtis on the revocation list. */
  revokedTokens(): string[];
  /**
   * Revoke every live token the server remembers issuing to this client (its issued-token index
   * and opaque tokens), as if each were revoked at the revocation endpoint; throws NotFound for
   * an unknown client.
   */
  revokeClientTokens(id: string): Promise<{ revoked: number }>;
  /** A new active key for the workload platform; `{retire_previous: true}` drops the others. */
  rotateCiKeys(input?: unknown): Promise<RotateResult>;
  /** The workload platform's published keys. */
  ciKeys(): KeyView[];
  /** The injected faults and their seed (`GET /__admin/faults`). */
  faults(): FaultsView;
  /** Replace the injected faults (`PUT /__admin/faults`); throws OAuthError on bad input. */
  putFaults(input: unknown): Promise<FaultsView>;
  /** Clear the injected faults (`DELETE /__admin/faults`). */
  clearFaults(): Promise<FaultsView>;
}

const invalid = (description: string, detail?: string) =>
  new OAuthError('invalid_request', description, { detail: detail ?? description });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A client id: RFC 6749 VSCHARs (%x20-7E), 1..128 characters, not starting or ending with a space. */
const CLIENT_ID = /^(?! )[\x20-\x7E]{1,128}(?<! )$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Show a client record (copies, so callers cannot mutate state). */
export function clientView(c: ClientRecord): ClientView {
  return {
    client_id: c.client_id,
    token_endpoint_auth_method: c.jwks
      ? 'private_key_jwt'
      : c.federated_credentials
        ? 'workload_identity'
        : 'client_secret_basic',
    ...(c.client_secrets !== undefined
      ? { client_secret: c.client_secrets[0], client_secrets: [...c.client_secrets] }
      : {}),
    ...(c.jwks ? { jwks: structuredClone(c.jwks) } : {}),
    ...(c.federated_credentials
      ? { federated_credentials: c.federated_credentials.map((f) => ({ ...f })) }
      : {}),
    scopes: [...c.scopes],
    token_format: c.token_format,
    access_token_ttl: c.access_token_ttl,
    rate_limit_per_minute: c.rate_limit_per_minute,
    require_dpop: c.require_dpop === true,
  };
}

function inferAlg(jwk: JWK): AsymmetricAlg | undefined {
  if (typeof jwk.alg === 'string')
    return (ASYMMETRIC_ALGS as readonly string[]).includes(jwk.alg)
      ? (jwk.alg as AsymmetricAlg)
      : undefined;
  return ASYMMETRIC_ALGS.find((alg) => jwkFitsAlg(jwk, alg));
}

/** Validate a client's public JWKS by hand and by importing each key. */
async function validateJwks(value: unknown): Promise<JSONWebKeySet> {
  const hint = 'Send {"keys":[<public JWK>]} with an EC P-256, RSA or Ed25519 public key.';
  if (
    !isObject(value) ||
    !Array.isArray(value.keys) ||
    value.keys.length === 0 ||
    value.keys.length > 10
  ) {
    throw invalid(`jwks must be an object with 1 to 10 keys. ${hint}`);
  }
  const keys: JWK[] = [];
  for (const [i, key] of value.keys.entries()) {
    if (!isObject(key)) throw invalid(`jwks.keys[${i}] is not an object. ${hint}`);
    const found = PRIVATE_MEMBERS.filter((m) => m in key);
    if (found.length > 0) {
      throw invalid(
        `jwks.keys[${i}] contains private or secret members (${found.join(', ')}). Register only the public key: drop ${found.join(', ')}.`,
      );
    }
    if (key.kid !== undefined && typeof key.kid !== 'string')
      throw invalid(`jwks.keys[${i}].kid must be a string.`);
    const jwk = key as JWK;
    const alg = inferAlg(jwk);
    if (!alg || !jwkFitsAlg(jwk, alg)) {
      throw invalid(
        `jwks.keys[${i}] is not a usable signing key (kty ${String(key.kty)}, alg ${String(key.alg ?? 'none')}). ${hint}`,
      );
    }
    try {
      (await importJWK(jwk, alg)) satisfies CryptoKey | Uint8Array;
    } catch (error) {
      throw invalid(
        `jwks.keys[${i}] could not be imported as a ${alg} public key. ${hint}`,
        String(error),
      );
    }
    keys.push(structuredClone(jwk));
  }
  return { keys };
}

const CLIENT_FIELDS = new Set([
  'client_id',
  'client_secret',
  'client_secrets',
  'jwks',
  'federated_credentials',
  'scopes',
  'token_format',
  'access_token_ttl',
  'rate_limit_per_minute',
  'require_dpop',
]);

const SECRET = /^[\x20-\x7E]{1,256}$/;
const CREDENTIAL_STRING = /^[\x20-\x7E]{1,512}$/;

/**
 * Validate federated credentials: 1 to 10 `{issuer, subject, audience}`, exact strings. The
 * issuer must be the workload platform this server knows: a real server fetches any issuer's
 * keys from its metadata, and this one cannot reach other hosts.
 */
function parseFederatedCredentials(value: unknown, ciIssuer: string): FederatedCredential[] {
  const example = `{"issuer": "${ciIssuer}", "subject": "repo:acme/warehouse-sync:ref:refs/heads/main", "audience": "<this server's issuer>"}`;
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) {
    throw invalid(`federated_credentials must be an array of 1 to 10 objects such as ${example}.`);
  }
  const out: FederatedCredential[] = [];
  for (const [i, item] of value.entries()) {
    if (!isObject(item))
      throw invalid(`federated_credentials[${i}] must be an object: ${example}.`);
    const extra = Object.keys(item).filter((k) => !['issuer', 'subject', 'audience'].includes(k));
    if (extra.length > 0) {
      throw invalid(
        `federated_credentials[${i}] has unknown field(s) ${extra.join(', ')}: only issuer, subject and audience.`,
      );
    }
    for (const name of ['issuer', 'subject', 'audience'] as const) {
      const v = item[name];
      if (typeof v !== 'string' || !CREDENTIAL_STRING.test(v)) {
        throw invalid(
          `federated_credentials[${i}].${name} must be a string of 1 to 512 printable ASCII characters (an exact match, no wildcards).`,
        );
      }
    }
    if (item.issuer !== ciIssuer) {
      throw invalid(
        `federated_credentials[${i}].issuer ${String(item.issuer)} is not a platform this server can fetch keys from. Use the workload platform ${ciIssuer} (a real server would fetch any issuer's keys through its /.well-known/openid-configuration).`,
      );
    }
    out.push({
      issuer: item.issuer as string,
      subject: item.subject as string,
      audience: item.audience as string,
    });
  }
  return out;
}

/** What validating a client needs to know of the server. */
export interface ClientBodyContext {
  /** The workload platform's issuer: the only one a federated credential may name. */
  ciIssuer: string;
}

/** Validate a PUT /__admin/clients/:id body by hand (the core has no schema library). */
export async function parseClientBody(
  id: string,
  body: unknown,
  server: ClientBodyContext,
): Promise<ClientRecord> {
  if (!CLIENT_ID.test(id)) {
    throw invalid(
      'The client id must be 1 to 128 printable ASCII characters, not starting or ending with a space.',
    );
  }
  if (!isObject(body)) {
    throw invalid(
      'The body must be a JSON object such as {"client_secret":"s3cret","scopes":["read:users"]}.',
    );
  }
  const unknown = Object.keys(body).filter((k) => !CLIENT_FIELDS.has(k));
  if (unknown.length > 0) {
    throw invalid(
      `Unknown field(s) ${unknown.join(', ')}. Allowed: ${[...CLIENT_FIELDS].join(', ')}.`,
    );
  }
  if (body.client_id !== undefined && body.client_id !== id) {
    throw invalid(
      `client_id in the body (${String(body.client_id)}) differs from the path (${id}). Drop it or make them equal.`,
    );
  }
  const given = (
    ['client_secret', 'client_secrets', 'jwks', 'federated_credentials'] as const
  ).filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    throw invalid(
      `Send exactly one of client_secret (a string), client_secrets (one or two strings, while rotating), jwks (public keys for private_key_jwt) or federated_credentials (workload identities)${given.length > 1 ? `; got ${given.join(' and ')}` : ''}.`,
    );
  }
  const client: ClientRecord = {
    client_id: id,
    scopes: [],
    token_format: 'jwt',
    access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
    rate_limit_per_minute: null,
  };
  if (given[0] === 'client_secret') {
    if (typeof body.client_secret !== 'string' || !SECRET.test(body.client_secret)) {
      throw invalid('client_secret must be 1 to 256 printable ASCII characters.');
    }
    client.client_secrets = [body.client_secret];
  } else if (given[0] === 'client_secrets') {
    const secrets = body.client_secrets;
    if (
      !Array.isArray(secrets) ||
      secrets.length < 1 ||
      secrets.length > 2 ||
      !secrets.every((s): s is string => typeof s === 'string' && SECRET.test(s))
    ) {
      throw invalid(
        'client_secrets must be an array of one or two secrets, each 1 to 256 printable ASCII characters: ["old-secret", "new-secret"] while rotating.',
      );
    }
    if (secrets.length === 2 && secrets[0] === secrets[1]) {
      throw invalid(
        'The two client_secrets are the same: a second secret must differ from the first.',
      );
    }
    client.client_secrets = [...secrets];
  } else if (given[0] === 'jwks') {
    client.jwks = await validateJwks(body.jwks);
  } else {
    client.federated_credentials = parseFederatedCredentials(
      body.federated_credentials,
      server.ciIssuer,
    );
  }
  if (!Array.isArray(body.scopes) || body.scopes.length > 50 || !body.scopes.every(isScopeToken)) {
    throw invalid(
      'scopes must be an array of up to 50 scope names without spaces, quotes or backslashes, e.g. ["read:users"].',
    );
  }
  client.scopes = [...new Set(body.scopes)];
  if (body.token_format !== undefined) {
    if (body.token_format !== 'jwt' && body.token_format !== 'opaque') {
      throw invalid('token_format must be "jwt" or "opaque".');
    }
    client.token_format = body.token_format;
  }
  if (body.access_token_ttl !== undefined) {
    const ttl = body.access_token_ttl;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 86400) {
      throw invalid('access_token_ttl must be a whole number of seconds from 1 to 86400.');
    }
    client.access_token_ttl = ttl;
  }
  if (body.rate_limit_per_minute !== undefined) {
    const limit = body.rate_limit_per_minute;
    if (
      limit !== null &&
      (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100_000)
    ) {
      throw invalid(
        'rate_limit_per_minute must be a whole number from 1 to 100000, or null for no limit.',
      );
    }
    client.rate_limit_per_minute = limit;
  }
  if (body.require_dpop !== undefined) {
    if (typeof body.require_dpop !== 'boolean') {
      throw invalid('require_dpop must be true (every token request needs a DPoP proof) or false.');
    }
    if (body.require_dpop) client.require_dpop = true;
  }
  return client;
}

/** The stranger key that signs "rogue" tokens: made once per process, never published. */
let rogueKey: Promise<CryptoKey> | undefined;
function getRogueKey(): Promise<CryptoKey> {
  rogueKey ??= generateKeyPair('ES256').then((pair) => pair.privateKey);
  return rogueKey;
}

/**
 * Mint a token with any claims. Defaults give a valid demo-client token; each claim in
 * `claims` replaces its default, and `null` removes it. "server" signs with the active key,
 * "rogue" with a stranger key under the active kid (unless `header.kid` says otherwise), so the
 * failing check is the signature; "none" makes `alg: none` with an empty signature.
 */
export async function mintToken(
  context: ServerContext,
  input: unknown,
): Promise<{ token: string }> {
  if (!isObject(input)) {
    throw invalid(
      'The body must be {"claims": {...}, "header"?: {...}, "sign_with": "server" | "rogue" | "none"}.',
    );
  }
  const { claims, header = {}, sign_with = 'server' } = input;
  if (!isObject(claims))
    throw invalid('claims must be a JSON object, e.g. {"iss":"https://evil.example"}.');
  if (!isObject(header)) throw invalid('header must be a JSON object, e.g. {"typ":"JWT"}.');
  if (sign_with !== 'server' && sign_with !== 'rogue' && sign_with !== 'none') {
    throw invalid('sign_with must be "server", "rogue" or "none".');
  }
  const iat = context.clock.now();
  const payload: Record<string, unknown> = {
    iss: context.endpoints.issuer,
    sub: SEEDED_CLIENTS.demo.client_id,
    aud: context.endpoints.audience,
    client_id: SEEDED_CLIENTS.demo.client_id,
    scope: 'read:users',
    iat,
    exp: iat + DEFAULT_ACCESS_TOKEN_TTL,
    jti: crypto.randomUUID(),
  };
  for (const [k, v] of Object.entries(claims)) {
    if (v === null) delete payload[k];
    else payload[k] = v;
  }
  const active = context.keys.active();
  const protectedHeader: Record<string, unknown> = { typ: 'at+jwt', kid: active.stored.kid };
  for (const [k, v] of Object.entries(header)) {
    if (k === 'alg') continue;
    if (v === null) delete protectedHeader[k];
    else protectedHeader[k] = v;
  }
  if (sign_with === 'none') {
    const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
    const { kid: _kid, ...rest } = protectedHeader;
    const noneHeader = { alg: 'none', ...(header.kid !== undefined ? protectedHeader : rest) };
    return { token: `${enc(noneHeader)}.${enc(payload)}.` };
  }
  const alg = sign_with === 'server' ? active.stored.alg : 'ES256';
  if (header.alg !== undefined && header.alg !== alg) {
    throw invalid(
      `header.alg ${String(header.alg)} cannot be used with sign_with ${sign_with} (its key is ${alg}). Leave alg out, or use sign_with "none" for an unsigned token.`,
    );
  }
  const key = sign_with === 'server' ? active.privateKey : await getRogueKey();
  try {
    const token = await new SignJWT(payload)
      .setProtectedHeader({ ...protectedHeader, alg })
      .sign(key);
    return { token };
  } catch (error) {
    throw invalid(
      `jose refused to sign this token: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export type ClockChange =
  | { advance: number }
  | { set: number }
  | { freeze: boolean }
  | { real: true };

/** Validate a clock change. */
export function parseClockInput(input: unknown): ClockChange {
  const hint =
    'Send {"advance": seconds} (may be negative), {"set": epochSeconds}, {"freeze": true} (or false) or {"real": true}.';
  if (!isObject(input)) throw invalid(`The body must be a JSON object. ${hint}`);
  const given = (['advance', 'set', 'freeze', 'real'] as const).filter(
    (key) => input[key] !== undefined,
  );
  if (given.length !== 1)
    throw invalid(`Send exactly one of advance, set, freeze or real. ${hint}`);
  const limit = 100 * 365 * 86400;
  if (given[0] === 'freeze') {
    if (typeof input.freeze !== 'boolean') throw invalid(`freeze must be true or false. ${hint}`);
    return { freeze: input.freeze };
  }
  if (given[0] === 'real') {
    if (input.real !== true) throw invalid(`real must be true. ${hint}`);
    return { real: true };
  }
  if (given[0] === 'advance') {
    const a = input.advance;
    if (typeof a !== 'number' || !Number.isFinite(a) || Math.abs(a) > limit) {
      throw invalid(`advance must be a number of seconds within ±100 years. ${hint}`);
    }
    return { advance: a };
  }
  const s = input.set;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > LATEST_CLOCK) {
    throw invalid(`set must be epoch seconds (e.g. 1767225600). ${hint}`);
  }
  return { set: s };
}

/** Validate a reset's body: none (everything) or `{only: [parts]}`. */
export function parseResetInput(input: unknown): readonly ResetPart[] | undefined {
  if (input === undefined) return undefined;
  const hint = `Send no body to reset everything, or {"only": [...]} with any of ${RESET_PARTS.join(', ')}.`;
  if (!isObject(input) || Object.keys(input).some((key) => key !== 'only')) {
    throw invalid(`The body must be {"only": [...]}. ${hint}`);
  }
  const only = input.only;
  if (
    !Array.isArray(only) ||
    only.length === 0 ||
    !only.every((part) => (RESET_PARTS as readonly unknown[]).includes(part))
  ) {
    throw invalid(`only must list parts to reset. ${hint}`);
  }
  return only as ResetPart[];
}

/** The settings that take one of a few words, and those words. */
const SETTING_CHOICES = {
  scopePolicy: ['strict', 'downscope'],
  signingAlg: ['ES256', 'RS256'],
  tokenReuse: ['never', 'same-second'],
  assertionAudience: ['legacy', 'strict'],
  dpopNonce: ['off', 'on'],
} as const satisfies { [K in keyof ServerSettings]?: readonly ServerSettings[K][] };
type EnumSetting = keyof typeof SETTING_CHOICES;

/** Validate a settings change (a partial ServerSettings). Leeway above 300 s is clamped. */
export function parseSettingsInput(current: ServerSettings, input: unknown): ServerSettings {
  if (!isObject(input)) {
    throw invalid(
      'The body must be a JSON object, e.g. {"scopePolicy":"downscope","leewaySeconds":30}.',
    );
  }
  const known = [
    'scopePolicy',
    'leewaySeconds',
    'signingAlg',
    'tokenReuse',
    'assertionAudience',
    'dpopNonce',
  ];
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw invalid(`Unknown setting(s) ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
  }
  const next = { ...current };
  /** A setting that takes one of a few words; `why` says what they mean. */
  const choose = <K extends EnumSetting>(key: K, why = '') => {
    const value = input[key];
    if (value === undefined) return;
    const allowed: readonly string[] = SETTING_CHOICES[key];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      const words = allowed.map((w) => `"${w}"`).join(' or ');
      throw invalid(`${key} must be ${words}${why}.`);
    }
    next[key] = value as ServerSettings[K];
  };
  choose('scopePolicy');
  if (input.leewaySeconds !== undefined) {
    const l = input.leewaySeconds;
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0) {
      throw invalid('leewaySeconds must be a number of seconds from 0 to 300.');
    }
    next.leewaySeconds = Math.min(300, Math.floor(l));
  }
  choose('signingAlg', '; it applies to keys made from now on (rotate to use it)');
  choose('tokenReuse');
  choose(
    'assertionAudience',
    ' ("legacy": untyped assertions may name the issuer or the token endpoint; "strict": only typed client-authentication+jwt assertions whose aud is the issuer)',
  );
  choose('dpopNonce', ' ("on": DPoP proofs must then carry the nonce the server hands out)');
  return next;
}

/** Build the admin functions over a server context; `reset` is supplied by the server. */
export function createAdmin(
  context: ServerContext,
  reset: (parts?: readonly ResetPart[]) => Promise<void>,
): Admin {
  const clockView = (): ClockView => ({
    now: context.clock.now(),
    // `|| 0`: never -0, which a JSON reader shows as 0 but a strict comparison does not.
    offset: Math.round((context.clock.nowMs() - wallNowMs(context)) / 1000) || 0,
    frozen: context.state.clockFrozenAtMs !== undefined,
  });
  /** Rotate a key ring and say what changed: the new key, the keys retired, the set served. */
  const rotateRing = async (
    ring: KeyRing,
    alg: Parameters<KeyRing['rotate']>[0],
    retire: boolean,
  ): Promise<RotateResult> => {
    const before = ring.jwks().keys.map((k) => k.kid ?? '');
    const next = await ring.rotate(alg, context.clock.now(), retire);
    context.changed();
    const after = new Set(ring.jwks().keys.map((k) => k.kid));
    return {
      kid: next.stored.kid,
      alg: next.stored.alg,
      retired: before.filter((kid) => !after.has(kid)),
      jwks: ring.jwks(),
    };
  };
  return {
    reset: (input) => reset(parseResetInput(input)),
    clock: clockView,
    async setClock(input) {
      const change = parseClockInput(input);
      const state = context.state;
      if ('freeze' in change || 'real' in change) {
        if ('real' in change) {
          state.clockOffsetMs = 0;
          delete state.clockFrozenAtMs;
        } else if (change.freeze && state.clockFrozenAtMs === undefined) {
          state.clockFrozenAtMs = context.clock.nowMs();
        } else if (!change.freeze && state.clockFrozenAtMs !== undefined) {
          // Run on from where it stood.
          state.clockOffsetMs = state.clockFrozenAtMs - wallNowMs(context);
          delete state.clockFrozenAtMs;
        }
        context.changed();
        return clockView();
      }
      const nowMs = context.clock.nowMs();
      const targetMs = 'advance' in change ? nowMs + change.advance * 1000 : change.set * 1000;
      if (targetMs < 0 || targetMs > LATEST_CLOCK * 1000) {
        const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        throw invalid(
          `The server clock must stay between 1970-01-01 and ${date(LATEST_CLOCK * 1000)}; it shows ${date(nowMs)}, and this change would take it outside. Advance less, or set a time in that range.`,
        );
      }
      if (state.clockFrozenAtMs !== undefined) state.clockFrozenAtMs = targetMs;
      else state.clockOffsetMs += targetMs - nowMs;
      context.changed();
      return clockView();
    },
    listClients: () => Object.values(context.state.clients).map(clientView),
    getClient: (id) => {
      const c = context.state.clients[id];
      return c ? clientView(c) : undefined;
    },
    async putClient(id, body) {
      const client = await parseClientBody(id, body, { ciIssuer: context.endpoints.ci.issuer });
      context.state.clients[id] = client;
      context.clientKeyCache.clear();
      context.changed();
      return clientView(client);
    },
    async deleteClient(id) {
      if (!context.state.clients[id]) return false;
      delete context.state.clients[id];
      delete context.state.rateLimits[id];
      context.clientKeyCache.clear();
      context.changed();
      return true;
    },
    rotateKeys: async (input) =>
      rotateRing(context.keys, context.state.settings.signingAlg, parseRotateInput(input)),
    async retireKeys() {
      const retired = context.keys.retire();
      context.changed();
      return { retired, jwks: context.keys.jwks() };
    },
    mint: (input) => mintToken(context, input),
    log: () => [...context.state.log],
    jwks: () => context.keys.jwks(),
    settings: () => ({ ...context.state.settings }),
    async updateSettings(input) {
      context.state.settings = parseSettingsInput(context.state.settings, input);
      context.changed();
      return { ...context.state.settings };
    },
    issuedTokens: () => [...context.state.issued],
    keys: () => {
      const active = context.keys.active().stored.kid;
      return context.keys.jwks().keys.map((k) => {
        const kid = k.kid ?? '';
        const stored = context.keys.find(kid)?.stored;
        return {
          kid,
          alg: String(k.alg),
          status: kid === active ? 'active' : 'previous',
          created_at: stored?.created_at ?? 0,
        };
      });
    },
    async revokeToken(jti) {
      if (typeof jti !== 'string' || jti === '') {
        throw invalid(
          'Send the jti of an issued token, e.g. {"jti": "…"} (GET the issued tokens).',
        );
      }
      const issued = context.state.issued.find((t) => t.jti === jti);
      if (!issued) {
        throw new NotFound(
          `No issued token has jti ${jti}: it was never issued here, or it expired and was forgotten.`,
        );
      }
      if (context.state.revoked[jti] !== undefined) return { jti, revoked: false };
      context.state.revoked[jti] = issued.exp;
      context.changed();
      return { jti, revoked: true };
    },
    revokedTokens: () => Object.keys(context.state.revoked),
    async revokeClientTokens(id) {
      if (!context.state.clients[id]) {
        throw new NotFound(`No client ${id}. GET /__admin/clients lists them.`);
      }
      const now = context.clock.now();
      const { revoked, issued, opaque } = context.state;
      let count = 0;
      // The issued-token index holds JWT and opaque tokens alike; opaque ones are also in
      // `opaque`, where the index may have forgotten the oldest.
      for (const token of [...issued, ...Object.values(opaque)]) {
        if (token.client_id !== id || revoked[token.jti] !== undefined) continue;
        if (token.exp <= now) continue;
        revoked[token.jti] = token.exp;
        count++;
      }
      if (count > 0) context.changed();
      return { revoked: count };
    },
    rotateCiKeys: async (input) =>
      rotateRing(context.ciKeys, WORKLOAD_TOKEN_ALG, parseRotateInput(input)),
    ciKeys: () => keyViews(context.state.ciKeys),
    faults: () => faultsView(context.state.faults),
    async putFaults(input) {
      context.state.faults = parseFaultsInput(input);
      context.changed();
      return faultsView(context.state.faults);
    },
    async clearFaults() {
      context.state.faults = noFaults();
      context.changed();
      return faultsView(context.state.faults);
    },
  };
}

/** `{}` or `{"retire_previous": true | false}`: whether a rotation retires the other keys. */
function parseRotateInput(input: unknown): boolean {
  if (input !== undefined && !isObject(input))
    throw invalid('The body must be {} or {"retire_previous": true}.');
  const retire = input?.retire_previous;
  if (retire !== undefined && typeof retire !== 'boolean')
    throw invalid('retire_previous must be true or false.');
  return retire === true;
}

/** Published keys as the console shows them: no private half. */
function keyViews(stored: readonly StoredKey[]): KeyView[] {
  return stored.map((k) => ({
    kid: k.kid,
    alg: k.alg,
    status: k.status,
    created_at: k.created_at,
  }));
}
