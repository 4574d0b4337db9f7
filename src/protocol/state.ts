import type { JSONWebKeySet, JWK } from 'jose';
import { LATEST_CLOCK } from './clock.ts';
import type { LogEntry } from './log.ts';

/** Algorithms the server signs access tokens with. */
export type SigningAlg = 'ES256' | 'RS256';

/** How the token endpoint treats a scope the client may not have. */
export type ScopePolicy = 'strict' | 'downscope';

/**
 * Whether the token endpoint may answer a repeated request with a token it already issued:
 * 'never' (default, the contract: every request gets a new token) or 'same-second' (the same
 * client asking for the same scope and audience within one server second gets the same token
 * back, as a server that caches its own answers does).
 */
export type TokenReuse = 'never' | 'same-second';

/**
 * Which client assertions the token endpoint accepts (draft-ietf-oauth-rfc7523bis): 'legacy'
 * (default) holds an assertion typed `client-authentication+jwt` to the draft's audience rule (the
 * issuer identifier, as its one value) and lets an untyped one name the issuer or the token
 * endpoint, as RFC 7523 did; 'strict' accepts only the typed, issuer-audience assertion.
 */
export type AssertionAudience = 'legacy' | 'strict';

/**
 * Whether the token endpoint and the API ask DPoP clients for a server-provided nonce: 'off'
 * (default) or 'on' (a proof without the current nonce: `use_dpop_nonce` and a `DPoP-Nonce` to
 * retry with, RFC 9449 §8 and §9).
 */
export type DpopNonceSetting = 'off' | 'on';

/** The server's behaviour profile, changeable through the admin API. */
export interface ServerSettings {
  /** 'strict' (default): invalid_scope; 'downscope': grant the allowed part. */
  scopePolicy: ScopePolicy;
  /** Clock skew tolerance for exp, nbf, iat: 0..300 seconds, default 60. */
  leewaySeconds: number;
  /** Algorithm of keys made from now on (rotation, reset). */
  signingAlg: SigningAlg;
  /** 'never' (default): a new token per request; 'same-second': repeat within a second reuses. */
  tokenReuse: TokenReuse;
  /** 'legacy' (default): untyped assertions as RFC 7523 allowed; 'strict': the typed form only. */
  assertionAudience: AssertionAudience;
  /** 'off' (default): DPoP proofs need no nonce; 'on': the server hands one out and wants it. */
  dpopNonce: DpopNonceSetting;
}

/**
 * A workload identity the client trusts instead of a secret: a token from `issuer` whose `sub`
 * and `aud` are exactly these strings authenticates the client (CONTRACT.md, Additions).
 */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audience: string;
}

/**
 * A registered client, with exactly one kind of credential: one or two secrets (two while a
 * secret is being rotated), public keys (`private_key_jwt`), or federated credentials.
 */
export interface ClientRecord {
  client_id: string;
  /** One or two secrets; either authenticates. */
  client_secrets?: string[];
  jwks?: JSONWebKeySet;
  federated_credentials?: FederatedCredential[];
  scopes: string[];
  token_format: 'jwt' | 'opaque';
  access_token_ttl: number;
  rate_limit_per_minute: number | null;
  /**
   * The client must send a DPoP proof with every token request (RFC 9449 §5.2 calls this
   * `dpop_bound_access_tokens`). Absent: false.
   */
  require_dpop?: boolean;
}

/** A signing key as persisted: JWKs, so a reload keeps tokens verifiable. */
export interface StoredKey {
  kid: string;
  alg: SigningAlg;
  status: 'active' | 'previous';
  created_at: number;
  private_jwk: JWK;
  public_jwk: JWK;
}

/** What the server remembers of an issued token. */
export interface IssuedToken {
  jti: string;
  client_id: string;
  scope: string;
  aud: string;
  iss: string;
  iat: number;
  exp: number;
  format: 'jwt' | 'opaque';
  /** The RFC 7638 thumbprint of the DPoP key the token is bound to (`cnf.jkt`), if it is. */
  jkt?: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
}

export interface Order {
  id: string;
  item: string;
  quantity: number;
  status: 'pending' | 'shipped';
  created_by: string;
  created_at: number;
}

/**
 * A used client assertion, remembered while it could still be accepted: until it is dead both on
 * the server clock and in real time. The server clock alone is not enough: moved forward past
 * `exp` and back again, it would make the assertion valid again after its jti was forgotten.
 */
export interface SeenAssertion {
  /** The assertion's `exp` (server clock, epoch seconds). */
  exp: number;
  /** When it dies by the wall clock: `exp` minus the clock's offset when it was used. */
  wallExp: number;
}

/** A DPoP nonce the server hands out, and the one before it (still accepted for a while). */
export interface DpopNonce {
  current: string;
  previous?: string;
  /** When `current` was made, server clock, epoch seconds. */
  issuedAt: number;
}

/** Where faults can be injected (CONTRACT.md, Additions: Faults). */
export const FAULT_TARGETS = ['token', 'api', 'introspect', 'revoke'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/** What an injected fault does. */
export const FAULT_KINDS = ['status', 'delay', 'drop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One injected fault, as `PUT /__admin/faults` set it, with what is left of its count. */
export interface FaultRule {
  target: FaultTarget;
  kind: FaultKind;
  /** For `status`: 500..599 or 429. */
  status?: number;
  /** For `status`: a Retry-After in seconds. */
  retry_after?: number;
  /** For `delay`: how long to hold the request before answering it, in ms. */
  delay_ms?: number;
  /** Fault the next `count` matching requests, then stop. */
  count?: number;
  /** Fault each matching request at this chance (a seeded random, so a run replays the same). */
  probability?: number;
  /** How many of `count` are left (absent without a count). */
  remaining?: number;
  /** Matching requests this rule faulted so far. */
  fired: number;
}

/** The injected faults and the seeded random that decides the probabilistic ones. */
export interface FaultState {
  rules: FaultRule[];
  /** The seed the last PUT gave (default 1). */
  seed: number;
  /** The random generator's state now (mulberry32), advanced by each draw. */
  random: number;
}

/**
 * Everything the server knows, as one JSON-serializable value. Dictionaries have no prototype,
 * so ids like `__proto__` are plain keys.
 */
export interface ServerSnapshot {
  version: 1;
  clients: Record<string, ClientRecord>;
  keys: StoredKey[];
  settings: ServerSettings;
  /**
   * The workload platform's signing keys (the `ci` host), persisted like the server's own: its
   * tokens keep verifying across reloads. Empty only in snapshots saved before it existed.
   */
  ciKeys: StoredKey[];
  /** Milliseconds added to the wall clock. */
  clockOffsetMs: number;
  /**
   * When set, the server clock stands still at this time (epoch ms) instead of following the wall
   * clock: lessons that travel in time freeze it, so a learner's pause changes nothing.
   */
  clockFrozenAtMs?: number;
  /** Newest last, at most ~500, expired ones pruned. */
  issued: IssuedToken[];
  /** Opaque token value -> what it stands for. */
  opaque: Record<string, IssuedToken>;
  /** Revoked jti -> its exp (kept until then). */
  revoked: Record<string, number>;
  /** `client_id jti` of seen client assertions -> until when (kept while they could be replayed). */
  seenAssertions: Record<string, SeenAssertion>;
  /** `htu jti` of seen DPoP proofs -> until when (kept while their iat is in the window). */
  seenDpopProofs: Record<string, SeenAssertion>;
  /** The DPoP nonces of the token endpoint and of the API (RFC 9449 §9: each its own). */
  dpopNonces: { token?: DpopNonce; api?: DpopNonce };
  /** Injected faults (`/__admin/faults`); reset clears them. */
  faults: FaultState;
  /** client_id -> server-ms timestamps of token requests in the last 60 s. */
  rateLimits: Record<string, number[]>;
  orders: Order[];
  nextOrderNumber: number;
  /** Newest last, redacted. */
  log: LogEntry[];
}

/**
 * Where the server persists its snapshot (browser: localStorage; Node: memory).
 * `save` receives the live state: serialize or clone it before returning.
 */
export interface StateStore {
  load(): Promise<ServerSnapshot | undefined>;
  save(snapshot: ServerSnapshot): Promise<void>;
}

/** The default settings. */
export function defaultSettings(): ServerSettings {
  return {
    scopePolicy: 'strict',
    leewaySeconds: 60,
    signingAlg: 'ES256',
    tokenReuse: 'never',
    assertionAudience: 'legacy',
    dpopNonce: 'off',
  };
}

/** No faults, seed 1. */
export function noFaults(): FaultState {
  return { rules: [], seed: 1, random: 1 };
}

/** A prototype-free dictionary. */
export function dict<T>(entries?: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/**
 * A StateStore in memory. `save` keeps a reference to the live state (no per-save cost);
 * `load` hands out a deep copy, so a second server built from it starts from that moment.
 */
export function memoryStore(
  initial?: ServerSnapshot,
): StateStore & { peek(): ServerSnapshot | undefined } {
  let saved = initial;
  return {
    load: async () => (saved === undefined ? undefined : structuredClone(saved)),
    save: async (snapshot) => {
      saved = snapshot;
    },
    peek: () => saved,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Milliseconds a `Date` can hold (ECMA-262 §21.4.1.1): beyond, `toISOString()` throws. */
const MAX_DATE_MS = 8.64e15;
/** A time in epoch milliseconds that a `Date` (and so every view of it) can hold. */
const isDateMs = (v: unknown): v is number => isFiniteNumber(v) && Math.abs(v) <= MAX_DATE_MS;
/** A time in epoch seconds (`iat`, `exp`, `created_at`) that a `Date` can hold. */
const isDateSeconds = (v: unknown): v is number => isDateMs(isFiniteNumber(v) ? v * 1000 : v);
const isStringRecord = (v: unknown): v is Record<string, string> =>
  isObject(v) && Object.values(v).every(isString);
const isOptional = <T>(v: unknown, is: (v: unknown) => v is T): v is T | undefined =>
  v === undefined || is(v);

const isFederatedCredential = (v: unknown): v is FederatedCredential =>
  isObject(v) && isString(v.issuer) && isString(v.subject) && isString(v.audience);

/**
 * A stored client, rebuilt: `client_secret` (snapshots saved before two secrets existed) becomes
 * `client_secrets`. Undefined when anything is off, or when it has not exactly one kind of
 * credential.
 */
function parseClient(v: unknown, id: string): ClientRecord | undefined {
  if (!isObject(v) || v.client_id !== id) return undefined;
  const { client_secret: legacySecret, ...rest } = v;
  let secrets = v.client_secrets;
  if (legacySecret !== undefined) {
    if (!isString(legacySecret) || secrets !== undefined) return undefined;
    secrets = [legacySecret];
  }
  if (
    secrets !== undefined &&
    !(
      Array.isArray(secrets) &&
      secrets.length >= 1 &&
      secrets.length <= 2 &&
      secrets.every(isString)
    )
  ) {
    return undefined;
  }
  if (
    v.jwks !== undefined &&
    !(isObject(v.jwks) && Array.isArray(v.jwks.keys) && v.jwks.keys.every(isObject))
  ) {
    return undefined;
  }
  const federated = v.federated_credentials;
  if (
    federated !== undefined &&
    !(Array.isArray(federated) && federated.length > 0 && federated.every(isFederatedCredential))
  ) {
    return undefined;
  }
  const kinds = [secrets, v.jwks, federated].filter((k) => k !== undefined).length;
  if (kinds !== 1) return undefined;
  const client = { ...rest, ...(secrets !== undefined && { client_secrets: secrets }) };
  return isClientShape(client) ? client : undefined;
}

function isClientShape(v: Record<string, unknown>): v is Record<string, unknown> & ClientRecord {
  return (
    Array.isArray(v.scopes) &&
    v.scopes.every(isString) &&
    (v.token_format === 'jwt' || v.token_format === 'opaque') &&
    isFiniteNumber(v.access_token_ttl) &&
    v.access_token_ttl > 0 &&
    (v.rate_limit_per_minute === null ||
      (isFiniteNumber(v.rate_limit_per_minute) && v.rate_limit_per_minute > 0)) &&
    isOptional(v.require_dpop, (x): x is boolean => typeof x === 'boolean')
  );
}

/** A log entry as the core writes it (`LogEntry`): every field the console and panels read. */
function isLogEntry(v: unknown): v is LogEntry {
  if (!isObject(v) || !isObject(v.request) || !isObject(v.response)) return false;
  const { request, response, error } = v;
  return (
    isString(v.id) &&
    isDateMs(v.time) &&
    isString(v.endpoint) &&
    isOptional(v.clientId, isString) &&
    isString(request.method) &&
    isString(request.url) &&
    isStringRecord(request.headers) &&
    isOptional(request.body, isString) &&
    Number.isInteger(response.status) &&
    isStringRecord(response.headers) &&
    isOptional(response.body, isString) &&
    Array.isArray(v.steps) &&
    v.steps.every(
      (step) =>
        isObject(step) &&
        isString(step.name) &&
        typeof step.ok === 'boolean' &&
        isOptional(step.note, isString),
    ) &&
    (error === undefined ||
      (isObject(error) &&
        isString(error.error) &&
        isString(error.error_description) &&
        isOptional(error.detail, isString))) &&
    isOptional(v.detail, isString) &&
    isOptional(v.fault, isLoggedFault) &&
    isFiniteNumber(v.durationMs)
  );
}

function isLoggedFault(v: unknown): v is NonNullable<LogEntry['fault']> {
  return (
    isObject(v) &&
    (FAULT_KINDS as readonly unknown[]).includes(v.kind) &&
    isOptional(v.status, isFiniteNumber) &&
    isOptional(v.delay_ms, isFiniteNumber)
  );
}

function isFaultRule(v: unknown): v is FaultRule {
  return (
    isObject(v) &&
    (FAULT_TARGETS as readonly unknown[]).includes(v.target) &&
    (FAULT_KINDS as readonly unknown[]).includes(v.kind) &&
    isOptional(v.status, isFiniteNumber) &&
    isOptional(v.retry_after, isFiniteNumber) &&
    isOptional(v.delay_ms, isFiniteNumber) &&
    isOptional(v.count, isFiniteNumber) &&
    isOptional(v.probability, isFiniteNumber) &&
    isOptional(v.remaining, isFiniteNumber) &&
    isFiniteNumber(v.fired)
  );
}

/** Faults as stored; absent (snapshots saved before faults existed): none. */
function faultState(v: unknown): FaultState | undefined {
  if (v === undefined) return noFaults();
  if (
    !isObject(v) ||
    !Array.isArray(v.rules) ||
    !v.rules.every(isFaultRule) ||
    !isFiniteNumber(v.seed) ||
    !isFiniteNumber(v.random)
  ) {
    return undefined;
  }
  return { rules: v.rules, seed: v.seed, random: v.random };
}

function isDpopNonce(v: unknown): v is DpopNonce {
  return (
    isObject(v) &&
    isString(v.current) &&
    isOptional(v.previous, isString) &&
    isDateSeconds(v.issuedAt)
  );
}

/** DPoP nonces as stored; absent (older snapshots): none handed out yet. */
function dpopNonces(v: unknown): ServerSnapshot['dpopNonces'] | undefined {
  if (v === undefined) return {};
  if (!isObject(v) || !isOptional(v.token, isDpopNonce) || !isOptional(v.api, isDpopNonce)) {
    return undefined;
  }
  return { ...(v.token && { token: v.token }), ...(v.api && { api: v.api }) };
}

function isOrder(v: unknown): v is Order {
  return (
    isObject(v) &&
    isString(v.id) &&
    isString(v.item) &&
    isFiniteNumber(v.quantity) &&
    (v.status === 'pending' || v.status === 'shipped') &&
    isString(v.created_by) &&
    isDateSeconds(v.created_at)
  );
}

function isIssued(v: unknown): v is IssuedToken {
  return (
    isObject(v) &&
    isString(v.jti) &&
    isString(v.client_id) &&
    isString(v.scope) &&
    isString(v.aud) &&
    isString(v.iss) &&
    isDateSeconds(v.iat) &&
    isDateSeconds(v.exp) &&
    (v.format === 'jwt' || v.format === 'opaque') &&
    isOptional(v.jkt, isString)
  );
}

function isStoredKey(v: unknown): v is StoredKey {
  return (
    isObject(v) &&
    isString(v.kid) &&
    (v.alg === 'ES256' || v.alg === 'RS256') &&
    (v.status === 'active' || v.status === 'previous') &&
    isDateSeconds(v.created_at) &&
    isObject(v.private_jwk) &&
    isObject(v.public_jwk)
  );
}

/** Seen assertions; a bare number (snapshots saved before `wallExp`) is its `exp` for both. */
function seenAssertionDict(v: unknown): Record<string, SeenAssertion> | undefined {
  if (!isObject(v)) return undefined;
  const out = dict<SeenAssertion>();
  for (const [k, seen] of Object.entries(v)) {
    if (isDateSeconds(seen)) out[k] = { exp: seen, wallExp: seen };
    else if (isObject(seen) && isDateSeconds(seen.exp) && isDateSeconds(seen.wallExp)) {
      out[k] = { exp: seen.exp, wallExp: seen.wallExp };
    } else return undefined;
  }
  return out;
}

function secondsDict(v: unknown): Record<string, number> | undefined {
  if (!isObject(v)) return undefined;
  const out = dict<number>();
  for (const [k, n] of Object.entries(v)) {
    if (!isDateSeconds(n)) return undefined;
    out[k] = n;
  }
  return out;
}

/**
 * Validate a loaded snapshot, every field the server and its views read, and rebuild it with
 * prototype-free dictionaries. Anything off answers undefined, and the caller falls back to the
 * seed: stored state is written by this code, so anything else is damage (a hand edit, a bug,
 * a half-written record), and one bad field must not stop a page from rendering. With `nowMs`
 * (the wall clock), the server clock it implies must also lie in the range `setClock` keeps.
 * Key material is checked by importing it, elsewhere.
 */
export function parseSnapshot(input: unknown, nowMs?: number): ServerSnapshot | undefined {
  if (!isObject(input) || input.version !== 1) return undefined;
  const s = input;
  if (!isObject(s.clients) || !Array.isArray(s.keys) || !isObject(s.settings)) return undefined;
  const clients = dict<ClientRecord>();
  for (const [id, c] of Object.entries(s.clients)) {
    const client = parseClient(c, id);
    if (!client) return undefined;
    clients[id] = client;
  }
  if (!s.keys.every(isStoredKey) || s.keys.filter((k) => k.status === 'active').length !== 1) {
    return undefined;
  }
  // Absent in snapshots saved before the workload platform: the server makes a key at load.
  const ciKeys = s.ciKeys ?? [];
  if (
    !Array.isArray(ciKeys) ||
    !ciKeys.every(isStoredKey) ||
    ciKeys.filter((k) => k.status === 'active').length !== (ciKeys.length === 0 ? 0 : 1)
  ) {
    return undefined;
  }
  const st = s.settings;
  if (
    !(st.scopePolicy === 'strict' || st.scopePolicy === 'downscope') ||
    !isFiniteNumber(st.leewaySeconds) ||
    st.leewaySeconds < 0 ||
    st.leewaySeconds > 300 ||
    !(st.signingAlg === 'ES256' || st.signingAlg === 'RS256') ||
    // absent in snapshots saved before the setting existed: the default
    !(
      st.tokenReuse === undefined ||
      st.tokenReuse === 'never' ||
      st.tokenReuse === 'same-second'
    ) ||
    !(
      st.assertionAudience === undefined ||
      st.assertionAudience === 'legacy' ||
      st.assertionAudience === 'strict'
    ) ||
    !(st.dpopNonce === undefined || st.dpopNonce === 'off' || st.dpopNonce === 'on')
  ) {
    return undefined;
  }
  if (!isFiniteNumber(s.clockOffsetMs) || !isFiniteNumber(s.nextOrderNumber)) return undefined;
  if (s.clockFrozenAtMs !== undefined && !isFiniteNumber(s.clockFrozenAtMs)) return undefined;
  if (nowMs !== undefined) {
    const serverMs = s.clockFrozenAtMs ?? nowMs + s.clockOffsetMs;
    if (!(serverMs >= 0 && serverMs <= LATEST_CLOCK * 1000)) return undefined;
  } else if (!isDateMs(s.clockOffsetMs) || !isOptional(s.clockFrozenAtMs, isDateMs)) {
    return undefined;
  }
  if (!Array.isArray(s.issued) || !s.issued.every(isIssued)) return undefined;
  if (!isObject(s.opaque)) return undefined;
  const opaque = dict<IssuedToken>();
  for (const [k, t] of Object.entries(s.opaque)) {
    if (!isIssued(t)) return undefined;
    opaque[k] = t;
  }
  const revoked = secondsDict(s.revoked);
  const seenAssertions = seenAssertionDict(s.seenAssertions);
  // absent in snapshots saved before DPoP: none seen
  const seenDpopProofs = seenAssertionDict(s.seenDpopProofs ?? {});
  const nonces = dpopNonces(s.dpopNonces);
  const faults = faultState(s.faults);
  if (!revoked || !seenAssertions || !seenDpopProofs || !nonces || !faults) return undefined;
  if (!isObject(s.rateLimits)) return undefined;
  const rateLimits = dict<number[]>();
  for (const [k, list] of Object.entries(s.rateLimits)) {
    if (!Array.isArray(list) || !list.every(isDateMs)) return undefined;
    rateLimits[k] = list;
  }
  if (!Array.isArray(s.orders) || !s.orders.every(isOrder)) return undefined;
  if (!Array.isArray(s.log) || !s.log.every(isLogEntry)) return undefined;
  return {
    version: 1,
    clients,
    keys: s.keys,
    settings: {
      scopePolicy: st.scopePolicy,
      leewaySeconds: st.leewaySeconds,
      signingAlg: st.signingAlg,
      tokenReuse: st.tokenReuse ?? 'never',
      assertionAudience: st.assertionAudience ?? 'legacy',
      dpopNonce: st.dpopNonce ?? 'off',
    },
    ciKeys,
    clockOffsetMs: s.clockOffsetMs,
    ...(s.clockFrozenAtMs !== undefined && { clockFrozenAtMs: s.clockFrozenAtMs }),
    issued: s.issued,
    opaque,
    revoked,
    seenAssertions,
    seenDpopProofs,
    dpopNonces: nonces,
    faults,
    rateLimits,
    orders: s.orders,
    nextOrderNumber: s.nextOrderNumber,
    log: s.log,
  };
}

/** How many opaque tokens the state keeps at most (the oldest go first). */
export const OPAQUE_CAPACITY = 2000;

/**
 * Forget what has expired, with five minutes' grace (the largest leeway): issued-index entries,
 * opaque tokens, revocations, seen assertion and DPoP proof jtis (these once dead on the server
 * clock and in real time, so moving the clock forward and back never revives what they refuse;
 * see {@link SeenAssertion}), rate-limit windows older than a minute. `nowMs` is the server
 * clock, `wallNowMs` real time.
 */
export function pruneExpired(state: ServerSnapshot, nowMs: number, wallNowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  const wallNow = Math.floor(wallNowMs / 1000);
  const skew = 300;
  state.issued = state.issued.filter((t) => t.exp + skew > now);
  for (const k of Object.keys(state.opaque)) {
    const t = state.opaque[k];
    if (t && t.exp + skew <= now) delete state.opaque[k];
  }
  const left = Object.keys(state.opaque);
  for (const k of left.slice(0, Math.max(0, left.length - OPAQUE_CAPACITY))) delete state.opaque[k];
  // A revocation goes only once its token is dead on the server clock and in real time: pruned by
  // the server clock alone, a clock moved past exp and back again would revive a revoked token.
  for (const [k, exp] of Object.entries(state.revoked))
    if (exp + skew <= now && exp + skew <= wallNow) delete state.revoked[k];
  for (const [k, seen] of Object.entries(state.seenAssertions))
    if (seen.exp + skew <= now && seen.wallExp + skew <= wallNow) delete state.seenAssertions[k];
  for (const [k, seen] of Object.entries(state.seenDpopProofs))
    if (seen.exp + skew <= now && seen.wallExp + skew <= wallNow) delete state.seenDpopProofs[k];
  for (const [k, list] of Object.entries(state.rateLimits)) {
    if (list.every((t) => t <= nowMs - 60_000)) delete state.rateLimits[k];
  }
}
