import {
  base64url,
  type CryptoKey,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import {
  CHECK_SHORT_NAMES,
  RESOURCE_CHECKS as RESOURCE_CHECK_LIST,
  type ResourceCheckName,
} from '../protocol/index.ts';
import { DPOP_PROOF_LABELS, STEP_LABELS } from './jwt-inspect.ts';

/**
 * The token forge: take a token apart, change any header field or claim, sign it again (with
 * the server's key, a stranger's, HMAC keyed with the server's public key, the original
 * signature, or none), and replay it against the API to see which of the resource server's
 * checks stops it.
 */

/** How a forged token is signed. */
export type ForgeSigning = 'server' | 'stranger' | 'hmac-public-key' | 'keep' | 'none';

export const FORGE_SIGNINGS: readonly ForgeSigning[] = [
  'server',
  'stranger',
  'hmac-public-key',
  'keep',
  'none',
];

export const SIGNING_LABELS: Record<ForgeSigning, string> = {
  server: "The server's signing key",
  stranger: "A stranger's key (made in this page)",
  'hmac-public-key': "HMAC with the server's public key as the secret",
  keep: 'Keep the original signature',
  none: 'No signature',
};

/** A JWT being edited: its JOSE header, its claims set, and how to sign it. */
export interface JwtDraft<Signing extends string> {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signing: Signing;
}

/** What the forge edits: a token's draft, and the signature of the token it came from. */
export interface ForgeDraft extends JwtDraft<ForgeSigning> {
  /** The third part of the token the draft came from ('' when it had none). */
  originalSignature: string;
}

/** The resource server's checks on a bearer request, in order: the protocol's list. */
export const RESOURCE_CHECKS = RESOURCE_CHECK_LIST.map((c) => c.name);
export type ResourceCheck = ResourceCheckName;

export const CHECK_LABELS: Record<ResourceCheck, string> = {
  extractBearerToken: 'Token in the Authorization header',
  ...DPOP_PROOF_LABELS,
  ...STEP_LABELS,
};

/** The short name an outcome uses for a check: `rejected-at-aud`. */
export const CHECK_SHORT: Record<ResourceCheck, string> = CHECK_SHORT_NAMES;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeJsonPart(part: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(base64url.decode(part)));
  } catch {
    throw new ForgeError(`The token's ${name} is not base64url-encoded JSON.`);
  }
  if (!isObject(value)) throw new ForgeError(`The token's ${name} is not a JSON object.`);
  return value;
}

/** A forge input the learner can fix: the message says what and how. */
export class ForgeError extends Error {
  override name = 'ForgeError';
}

/**
 * Split a compact JWS into an editable draft (signing: keep the original signature).
 * Throws ForgeError with a plain message for anything that is not a JWS.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function draftFromToken(token: string): ForgeDraft {
  const trimmed = token.trim();
  if (trimmed === '') throw new ForgeError('Paste a token first (three base64url parts).');
  const parts = trimmed.split('.');
  if (parts.length !== 3) {
    throw new ForgeError(
      `This has ${parts.length} dot-separated part${parts.length === 1 ? '' : 's'}; a JWT has 3 (header.payload.signature). Opaque tokens cannot be edited: only the server knows what they mean.`,
    );
  }
  const [h, p, s] = parts as [string, string, string];
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new ForgeError('The signature part is not base64url.');
  return {
    header: decodeJsonPart(h, 'header'),
    payload: decodeJsonPart(p, 'payload'),
    signing: 'keep',
    originalSignature: s,
  };
}

/** What the forge needs from the mock: the core's admin mint and its published keys. */
export interface ForgeKeys {
  /** `admin.mint` (or `POST /__admin/mint`): signs with the server's active key. */
  mint(input: unknown): Promise<{ token: string }>;
  /** The server's JWKS (public keys only). */
  jwks(): JSONWebKeySet;
}

/** Claims `admin.mint` fills in by default: absent from a draft means "remove" (null). */
const MINT_DEFAULT_CLAIMS = ['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'exp', 'jti'];
const MINT_DEFAULT_HEADER = ['typ', 'kid'];

const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
const utf8 = new TextEncoder();

const strangerKeys = new Map<string, Promise<CryptoKey>>();
/** A key pair nobody published, made in this page once per algorithm. */
function strangerKey(alg: 'ES256' | 'RS256'): Promise<CryptoKey> {
  let key = strangerKeys.get(alg);
  if (!key) {
    key = generateKeyPair(alg).then((pair) => pair.privateKey);
    strangerKeys.set(alg, key);
  }
  return key;
}

/** The PEM (SPKI) text of the server's public key: what the HMAC confusion attack uses as secret. */
export async function publicKeyPem(jwks: JSONWebKeySet, kid: unknown): Promise<string> {
  const jwk = jwks.keys.find((k) => typeof kid === 'string' && k.kid === kid) ?? jwks.keys.at(-1);
  if (!jwk) throw new ForgeError('The server publishes no key to use as an HMAC secret.');
  const alg = typeof jwk.alg === 'string' ? jwk.alg : 'ES256';
  const key = (await importJWK(jwk as JWK, alg, { extractable: true })) as CryptoKey;
  return exportSPKI(key);
}

/**
 * Sign a draft as its `signing` says. The header and claims go out exactly as drafted (the
 * server path removes what the mint would otherwise add).
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-2.1 (alg none and key confusion)
 */
export async function signDraft(draft: ForgeDraft, keys: ForgeKeys): Promise<string> {
  const { header, payload, signing } = draft;
  const alg = header.alg;
  switch (signing) {
    case 'none':
    case 'keep': {
      const sig = signing === 'keep' ? draft.originalSignature : '';
      return `${enc(header)}.${enc(payload)}.${sig}`;
    }
    case 'server': {
      const claims: Record<string, unknown> = { ...payload };
      for (const k of MINT_DEFAULT_CLAIMS) if (!(k in claims)) claims[k] = null;
      const head: Record<string, unknown> = { ...header };
      for (const k of MINT_DEFAULT_HEADER) if (!(k in head)) head[k] = null;
      try {
        return (await keys.mint({ claims, header: head, sign_with: 'server' })).token;
      } catch (error) {
        throw new ForgeError(
          `The server refused to mint it: ${error instanceof Error ? ('description' in error && typeof error.description === 'string' && error.description) || error.message : String(error)}`,
        );
      }
    }
    case 'stranger': {
      if (alg !== 'ES256' && alg !== 'RS256') {
        throw new ForgeError(
          `A stranger's key signs ES256 or RS256; the header says alg ${JSON.stringify(alg)}. Set alg to ES256 or RS256.`,
        );
      }
      return new SignJWT(payload)
        .setProtectedHeader({ ...header, alg })
        .sign(await strangerKey(alg));
    }
    case 'hmac-public-key': {
      if (alg !== 'HS256' && alg !== 'HS384' && alg !== 'HS512') {
        throw new ForgeError(
          `HMAC signing needs alg HS256, HS384 or HS512 in the header; it says ${JSON.stringify(alg)}.`,
        );
      }
      const secret = utf8.encode(await publicKeyPem(keys.jwks(), header.kid));
      return new SignJWT(payload).setProtectedHeader({ ...header, alg }).sign(secret);
    }
  }
}

/** What the forge needs to know of the server to build presets. */
export interface ForgeEnv {
  issuer: string;
  audience: string;
  /** Server time, epoch seconds. */
  now: number;
  leewaySeconds: number;
  /** The active key's kid and alg. */
  kid: string;
  alg: string;
  /** The scope the replayed route needs (default read:users, GET /api/v1/users). */
  requiredScope?: string;
  /** The thumbprint of this page's DPoP key: DPoP presets bind their token to it (`cnf.jkt`). */
  dpopJkt?: string;
}

/**
 * How a forged token is presented to the API: as a bearer token, or with the DPoP scheme and a
 * proof signed by this page's key, by a thief's key, replayed from an earlier request, or made
 * for another URL (RFC 9449 §7).
 */
export type ForgePresentation =
  | 'bearer'
  | 'dpop'
  | 'dpop-thief-key'
  | 'dpop-replayed-proof'
  | 'dpop-other-url';

export const FORGE_PRESENTATIONS: readonly ForgePresentation[] = [
  'bearer',
  'dpop',
  'dpop-thief-key',
  'dpop-replayed-proof',
  'dpop-other-url',
];

export const PRESENTATION_LABELS: Record<ForgePresentation, string> = {
  bearer: 'Authorization: Bearer, no proof',
  dpop: 'DPoP, a fresh proof by this page’s key',
  'dpop-thief-key': 'DPoP, a proof by a thief’s own key',
  'dpop-replayed-proof': 'DPoP, a proof already used once (replayed)',
  'dpop-other-url': 'DPoP, a proof made for another URL',
};

/** A security case from the article, ready to replay. */
export interface ForgePreset {
  id: string;
  label: string;
  /** What it shows, one sentence. */
  why: string;
  /** The check that must stop it; undefined when the token must be accepted. */
  expected: ResourceCheck | undefined;
  /** The status the API must answer. */
  status: number;
  /** How the token is sent (default `bearer`). */
  presentation?: ForgePresentation;
  /** The draft, from the learner's token (`base`, a valid server-signed JWT at best). */
  build(env: ForgeEnv, base: ForgeDraft): ForgeDraft;
}

/** A valid demo-client token's parts at the server's time: presets start from it. */
export function freshDraft(env: ForgeEnv): ForgeDraft {
  return {
    header: { alg: env.alg, typ: 'at+jwt', kid: env.kid },
    payload: {
      iss: env.issuer,
      sub: 'demo-client',
      aud: env.audience,
      client_id: 'demo-client',
      scope: env.requiredScope ?? 'read:users',
      iat: env.now,
      exp: env.now + 3600,
      jti: crypto.randomUUID(),
    },
    signing: 'server',
    originalSignature: '',
  };
}

/**
 * A preset's starting point: the learner's claims, valid from now (new iat, exp and jti, so an
 * old or revoked token does not hide the case), under the server's active key.
 */
function start(env: ForgeEnv, base: ForgeDraft): ForgeDraft {
  const needed = env.requiredScope ?? 'read:users';
  const scope = typeof base.payload.scope === 'string' ? base.payload.scope : '';
  return {
    header: { ...base.header, alg: env.alg, typ: 'at+jwt', kid: env.kid },
    payload: {
      ...base.payload,
      // A base token without the route's scope would hide every other case behind a 403.
      scope: scope.split(' ').includes(needed) ? scope : needed,
      iat: env.now,
      exp: env.now + 3600,
      jti: crypto.randomUUID(),
    },
    signing: 'server',
    originalSignature: base.originalSignature,
  };
}

const withPayload = (
  d: ForgeDraft,
  payload: Record<string, unknown>,
  signing: ForgeSigning = d.signing,
): ForgeDraft => ({ ...d, payload: { ...d.payload, ...payload }, signing });

/**
 * The article's security cases (and the checks it implies), each built so that exactly one
 * check fails. Where the order of checks would hide a case (a token from another issuer would
 * also carry an unknown key), the preset signs with the server's key so the lesson can show the
 * check the article names.
 */
export const FORGE_PRESETS: readonly ForgePreset[] = [
  {
    id: 'valid',
    label: 'Untouched (control)',
    why: 'Re-signed by the server with nothing changed: every check passes.',
    expected: undefined,
    status: 200,
    build: (env, base) => start(env, base),
  },
  {
    id: 'other-issuer',
    label: 'Token from another issuer',
    why: 'iss names an issuer this API does not trust, even though the signature is good.',
    expected: 'checkIssuer',
    status: 401,
    build: (env, base) => withPayload(start(env, base), { iss: 'https://evil.example.com' }),
  },
  {
    id: 'wrong-audience',
    label: 'Wrong audience',
    why: 'A genuine token minted for another API (aud) must not open this one.',
    expected: 'checkAudience',
    status: 401,
    build: (env, base) => withPayload(start(env, base), { aud: 'https://billing.example.com' }),
  },
  {
    id: 'expired-beyond-skew',
    label: 'Expired beyond the skew window',
    why: 'exp lies further in the past than the clock-skew leeway allows.',
    expected: 'checkTimes',
    status: 401,
    build: (env, base) =>
      withPayload(start(env, base), {
        iat: env.now - 3600 - env.leewaySeconds - 30,
        exp: env.now - env.leewaySeconds - 30,
      }),
  },
  {
    id: 'expired-within-skew',
    label: 'Expired, but inside the leeway',
    why: 'exp passed a few seconds ago, within the leeway: the API still accepts it.',
    expected: undefined,
    status: 200,
    build: (env, base) =>
      withPayload(start(env, base), {
        iat: env.now - 3600 + Math.floor(env.leewaySeconds / 2),
        exp: env.now - Math.floor(env.leewaySeconds / 2),
      }),
  },
  {
    id: 'not-yet-valid',
    label: 'Not valid yet (nbf)',
    why: 'nbf lies beyond the leeway in the future.',
    expected: 'checkTimes',
    status: 401,
    build: (env, base) => withPayload(start(env, base), { nbf: env.now + env.leewaySeconds + 600 }),
  },
  {
    id: 'alg-none',
    label: 'alg: none',
    why: 'An unsigned token: anyone can write one. The alg allow-list never includes none.',
    expected: 'checkAlg',
    status: 401,
    build: (env, base) => {
      const d = start(env, base);
      return { ...d, header: { ...d.header, alg: 'none' }, signing: 'none' };
    },
  },
  {
    id: 'tampered-payload',
    label: 'Tampered payload',
    why: 'Scopes added to a signed token, the original signature kept: it no longer matches.',
    expected: 'checkSignature',
    status: 401,
    // Only the payload changes: the header and signature stay the learner's token's own.
    build: (_env, base) =>
      withPayload({ ...base }, { scope: 'read:users read:orders write:orders' }, 'keep'),
  },
  {
    id: 'hmac-public-key',
    label: 'HMAC signed with the public key',
    why: "Key confusion: alg HS256 keyed with the server's public key, which everyone can read.",
    expected: 'checkAlg',
    status: 401,
    build: (env, base) => {
      const d = start(env, base);
      return { ...d, header: { ...d.header, alg: 'HS256' }, signing: 'hmac-public-key' };
    },
  },
  {
    id: 'unknown-kid',
    label: 'Unknown kid',
    why: 'The header names a key the server never published (or has retired).',
    expected: 'checkKid',
    status: 401,
    build: (env, base) => {
      const d = start(env, base);
      return { ...d, header: { ...d.header, kid: 'retired-2019-key' } };
    },
  },
  {
    id: 'stranger-key',
    label: "Signed by a stranger's key",
    why: "The server's kid in the header, but the signature made by a key pair made in this page.",
    expected: 'checkSignature',
    status: 401,
    build: (env, base) => {
      const d = start(env, base);
      return { ...d, header: { ...d.header, alg: 'ES256' }, signing: 'stranger' };
    },
  },
  {
    id: 'wrong-typ',
    label: 'Not an access token (typ JWT)',
    why: 'An ID token or another JWT used as an access token: typ must be at+jwt (RFC 9068).',
    expected: 'checkTyp',
    status: 401,
    build: (env, base) => {
      const d = start(env, base);
      return { ...d, header: { ...d.header, typ: 'JWT' } };
    },
  },
  {
    id: 'insufficient-scope',
    label: 'Valid token, missing scope',
    why: 'Every token check passes, but the token lacks the route’s scope: 403, not 401.',
    expected: 'checkScope',
    status: 403,
    build: (env, base) =>
      withPayload(start(env, base), {
        scope: (env.requiredScope ?? 'read:users') === 'read:users' ? 'read:orders' : 'read:users',
      }),
  },
  {
    id: 'dpop-bound',
    label: 'DPoP-bound, with its key (control)',
    why: 'A token bound to this page’s key (cnf.jkt), sent with Authorization: DPoP and a fresh proof by that key: accepted.',
    expected: undefined,
    status: 200,
    presentation: 'dpop',
    build: (env, base) => bound(env, base),
  },
  {
    id: 'dpop-stolen-token',
    label: 'Stolen DPoP token, thief’s own key',
    why: 'The thief has the token but not the private key: a proof signed by any other key does not match cnf.jkt.',
    expected: 'checkDpopBinding',
    status: 401,
    presentation: 'dpop-thief-key',
    build: (env, base) => bound(env, base),
  },
  {
    id: 'dpop-replayed-proof',
    label: 'Replayed DPoP proof',
    why: 'A proof captured with the token and sent again: its jti was seen, so the second use is refused.',
    expected: 'checkDpopReplay',
    status: 401,
    presentation: 'dpop-replayed-proof',
    build: (env, base) => bound(env, base),
  },
  {
    id: 'dpop-other-url',
    label: 'DPoP proof for another URL',
    why: 'A genuine proof, but its htu names another endpoint: a proof is good for one method and URL only.',
    expected: 'checkDpopTarget',
    status: 401,
    presentation: 'dpop-other-url',
    build: (env, base) => bound(env, base),
  },
  {
    id: 'dpop-downgraded',
    label: 'DPoP token downgraded to Bearer',
    why: 'The bound token sent as a plain bearer token, no proof: an API that knows DPoP refuses it (RFC 9449 §7.2).',
    expected: 'checkDpopBinding',
    status: 401,
    presentation: 'bearer',
    build: (env, base) => bound(env, base),
  },
];

/** A preset's token bound to this page's DPoP key: `cnf.jkt` its thumbprint, signed by the server. */
function bound(env: ForgeEnv, base: ForgeDraft): ForgeDraft {
  const d = start(env, base);
  if (env.dpopJkt === undefined) {
    throw new ForgeError('This page’s DPoP key is not ready yet: try again in a moment.');
  }
  return withPayload(d, { cnf: { jkt: env.dpopJkt } });
}

/** Does a preset need this page's DPoP key? */
export function isDpopPreset(preset: ForgePreset): boolean {
  return preset.id.startsWith('dpop-');
}

/** The presets a lab shows when its config names none: the bearer cases (DPoP ones on request). */
export const DEFAULT_FORGE_PRESETS: readonly ForgePreset[] = FORGE_PRESETS.filter(
  (p) => !isDpopPreset(p),
);

export const PRESET_IDS = FORGE_PRESETS.map((p) => p.id);

/** A step as the core's log records it. */
export interface LoggedStep {
  name: string;
  ok: boolean;
}

/** `skipped`: a check the server did not need to run (a nonce check while nonces are off). */
export type CheckStatus = 'passed' | 'failed' | 'not_reached' | 'skipped';

export interface CheckRow {
  name: ResourceCheck;
  label: string;
  status: CheckStatus;
}

/**
 * The resource server's checks in order, from the steps its log entry recorded: passed, the
 * one that failed, and the rest not reached; one skipped while a later one ran did not apply (the
 * nonce check while nonces are off). Steps that do not apply (a query-string check) are
 * left out of the token's story, and so are the DPoP proof's checks for a request without the
 * DPoP scheme, and the key binding for a plain bearer token.
 */
export function checkRows(steps: readonly LoggedStep[]): CheckRow[] {
  const byName = new Map(steps.map((s) => [s.name, s.ok]));
  const kinds = new Map<string, string>(RESOURCE_CHECK_LIST.map((c) => [c.name, c.kind]));
  const proofRan = steps.some((s) => kinds.get(s.name) === 'dpop');
  const bindingRan = proofRan || byName.has('checkDpopBinding');
  const applies = (name: ResourceCheck) => {
    const kind = kinds.get(name);
    return kind === 'dpop' ? proofRan : kind === 'binding' ? bindingRan : true;
  };
  const shown = RESOURCE_CHECKS.filter(applies);
  return shown.map((name, i) => {
    const ok = byName.get(name);
    // Not run, though a later check was: it did not apply to this request.
    const later = shown.slice(i + 1).some((after) => byName.has(after));
    return {
      name,
      label: CHECK_LABELS[name],
      status: ok === undefined ? (later ? 'skipped' : 'not_reached') : ok ? 'passed' : 'failed',
    };
  });
}

/** The check that failed, if any. */
export function failedCheck(steps: readonly LoggedStep[]): ResourceCheck | undefined {
  const failed = steps.find((s) => !s.ok);
  return failed && (RESOURCE_CHECKS as readonly string[]).includes(failed.name)
    ? (failed.name as ResourceCheck)
    : undefined;
}

/** The API routes the forge can call. */
export const FORGE_ROUTES = {
  users: { method: 'GET', path: '/api/v1/users', scope: 'read:users' },
  orders: { method: 'GET', path: '/api/v1/orders', scope: 'read:orders' },
} as const;
export type ForgeRoute = keyof typeof FORGE_ROUTES;

/** A request the forge sends. */
export interface ForgeRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
}

/** The request that replays a forged token as a bearer token. */
export function forgeRequest(apiOrigin: string, route: ForgeRoute, token: string): ForgeRequest {
  const r = FORGE_ROUTES[route];
  return {
    method: r.method,
    url: `${apiOrigin}${r.path}`,
    headers: [['Authorization', `Bearer ${token}`]],
    body: '',
  };
}

/** Signs a DPoP proof with this page's key (`mine`) or a thief's (src/client/dpop.ts). */
export type ForgeProofSigner = (
  key: 'mine' | 'thief',
  input: { method: string; url: string; accessToken: string },
) => Promise<string>;

/**
 * The requests that present a forged token as `presentation` says, in order: the API's answer to
 * the last one is the forge's result. A replayed proof takes two: the victim's own request, which
 * the API accepts, then the same proof again.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export async function forgeRequests(
  apiOrigin: string,
  route: ForgeRoute,
  token: string,
  presentation: ForgePresentation,
  sign: ForgeProofSigner,
): Promise<ForgeRequest[]> {
  const plain = forgeRequest(apiOrigin, route, token);
  if (presentation === 'bearer') return [plain];
  const withProof = (proof: string): ForgeRequest => ({
    ...plain,
    headers: [
      ['Authorization', `DPoP ${token}`],
      ['DPoP', proof],
    ],
  });
  const here = { method: plain.method, url: plain.url, accessToken: token };
  switch (presentation) {
    case 'dpop':
      return [withProof(await sign('mine', here))];
    case 'dpop-thief-key':
      return [withProof(await sign('thief', here))];
    case 'dpop-replayed-proof': {
      const proof = await sign('mine', here);
      return [withProof(proof), withProof(proof)];
    }
    case 'dpop-other-url': {
      const other = FORGE_ROUTES[route === 'users' ? 'orders' : 'users'];
      return [withProof(await sign('mine', { ...here, url: `${apiOrigin}${other.path}` }))];
    }
  }
}

/** Parse the raw JSON editor's text into an object, or say why not. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ForgeError(
      `The ${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isObject(value)) throw new ForgeError(`The ${what} must be a JSON object ({...}).`);
  return value;
}

/**
 * Turn what the learner typed in a field into a claim value: numbers stay numbers, JSON arrays
 * and objects parse, `true`/`false`/`null` are literals, anything else is a string.
 */
export function parseFieldValue(text: string): unknown {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

/** A claim value as a field shows it (strings bare, everything else as JSON). */
export function formatFieldValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A valid token just minted by the server, and its draft: the forge's default starting point. */
export async function mintedDraft(
  env: ForgeEnv,
  keys: ForgeKeys,
): Promise<{ token: string; draft: ForgeDraft }> {
  const token = await signDraft(freshDraft(env), keys);
  return { token, draft: draftFromToken(token) };
}
