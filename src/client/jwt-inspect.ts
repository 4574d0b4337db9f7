import { base64url, compactVerify, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { TOKEN_CHECK_NAMES, type TokenCheckName, tokenTimeProblem } from '../protocol/data.ts';

/** Which part of a JWT a problem is in. */
export type JwtPart = 'token' | 'header' | 'payload' | 'signature';

export interface JwtProblem {
  part: JwtPart;
  message: string;
}

/** What {@link inspectJwt} saw. `header` and `payload` are present when that part decoded. */
export interface JwtInspection {
  /** True when the token is a well-formed JWS compact JWT with valid claim types. */
  ok: boolean;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  signatureB64: string;
  /** The raw dot-separated segments, for colour-coding the token as written. */
  parts: string[];
  errors: JwtProblem[];
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(
  segment: string,
  part: 'header' | 'payload',
  errors: JwtProblem[],
): Record<string, unknown> | undefined {
  const name = part === 'header' ? 'The header' : 'The payload';
  if (segment === '') {
    errors.push({ part, message: `${name} is empty.` });
    return undefined;
  }
  const bad = segment.search(/[^A-Za-z0-9_-]/);
  if (bad !== -1) {
    const ch = segment[bad];
    errors.push({
      part,
      message:
        ch === '=' || ch === '+' || ch === '/'
          ? `${name} uses "${ch}", which base64url (unpadded) never has: this looks like plain base64.`
          : `${name} contains "${ch}" at position ${bad + 1}, which is not base64url.`,
    });
    return undefined;
  }
  if (segment.length % 4 === 1) {
    errors.push({
      part,
      message: `${name} has a length no base64url text can have: is it cut short?`,
    });
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(segment);
  } catch {
    errors.push({ part, message: `${name} is not valid base64url.` });
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    errors.push({ part, message: `${name} does not decode to UTF-8 text.` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    errors.push({
      part,
      message: `${name} decodes to text that is not JSON: ${JSON.stringify(text.slice(0, 40))}`,
    });
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    errors.push({ part, message: `${name} is JSON but not an object.` });
    return undefined;
  }
  return json as Record<string, unknown>;
}

function checkClaimTypes(payload: Record<string, unknown>, errors: JwtProblem[]) {
  for (const claim of ['iss', 'sub', 'jti', 'client_id', 'scope']) {
    if (claim in payload && typeof payload[claim] !== 'string') {
      errors.push({ part: 'payload', message: `"${claim}" must be a string.` });
    }
  }
  for (const claim of ['exp', 'iat', 'nbf']) {
    const v = payload[claim];
    if (claim in payload && (typeof v !== 'number' || !Number.isFinite(v))) {
      errors.push({
        part: 'payload',
        message: `"${claim}" must be a number of seconds since 1970 (NumericDate).`,
      });
    }
  }
  if ('aud' in payload) {
    const aud = payload.aud;
    if (
      !(typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string')))
    ) {
      errors.push({ part: 'payload', message: '"aud" must be a string or an array of strings.' });
    }
  }
}

/**
 * Take a JWT apart for display, without verifying it. Never throws: every problem is listed
 * with the part it is in. Tolerates surrounding whitespace and a leading `Bearer `.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
 */
export function inspectJwt(token: string): JwtInspection {
  const errors: JwtProblem[] = [];
  const raw = token.trim().replace(/^bearer\s+/i, '');
  const parts = raw.split('.');
  const result: JwtInspection = { ok: false, signatureB64: '', parts, errors };
  if (raw === '') {
    errors.push({ part: 'token', message: 'The token is empty.' });
    return result;
  }
  if (/\s/.test(raw)) {
    errors.push({
      part: 'token',
      message: 'The token contains whitespace; a JWT is one unbroken string.',
    });
  }
  if (parts.length === 5) {
    errors.push({
      part: 'token',
      message:
        'This has five parts: it is an encrypted JWT (JWE), which only the key holder can read.',
    });
    return result;
  }
  if (parts.length !== 3) {
    errors.push({
      part: 'token',
      message:
        parts.length === 1
          ? 'This is not a JWT (no dots). It may be an opaque token: only introspection can tell what it means.'
          : `A JWT has three parts separated by dots; this has ${parts.length}.`,
    });
    // still decode what looks like a header, it helps to see it
    if (parts.length > 1) {
      const header = decodeSegment(parts[0] ?? '', 'header', []);
      if (header) result.header = header;
    }
    return result;
  }
  const [h = '', p = '', s = ''] = parts;
  const header = decodeSegment(h, 'header', errors);
  if (header) {
    result.header = header;
    if (typeof header.alg !== 'string')
      errors.push({ part: 'header', message: 'The header has no "alg".' });
  }
  const payload = decodeSegment(p, 'payload', errors);
  if (payload) {
    result.payload = payload;
    checkClaimTypes(payload, errors);
  }
  result.signatureB64 = s;
  if (!B64URL.test(s)) {
    errors.push({ part: 'signature', message: 'The signature is not base64url.' });
  } else if (s === '' && header?.alg !== 'none') {
    errors.push({ part: 'signature', message: 'The signature is empty.' });
  }
  result.ok = errors.length === 0;
  return result;
}

export interface ClaimExplanation {
  label: string;
  explanation: string;
  /** Where the claim or header parameter is defined. */
  url: string;
}

/** Plain-words meaning of the header parameters and claims of an access token. */
export const claimExplanations: Readonly<Record<string, ClaimExplanation>> = {
  iss: {
    label: 'Issuer',
    explanation:
      'Who made the token: the authorization server’s URL. The API accepts tokens only from the issuer it trusts.',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.1',
  },
  sub: {
    label: 'Subject',
    explanation:
      'Whom the token is about. In the client credentials flow there is no user, so it is the client itself (its client_id).',
    url: 'https://www.rfc-editor.org/rfc/rfc9068#section-2.2',
  },
  aud: {
    label: 'Audience',
    explanation:
      'Which API the token is for. An API must refuse tokens meant for another API, or a token for one service could be replayed at another.',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.3',
  },
  client_id: {
    label: 'Client',
    explanation: 'The OAuth client that asked for the token.',
    url: 'https://www.rfc-editor.org/rfc/rfc9068#section-2.2',
  },
  scope: {
    label: 'Scope',
    explanation:
      'What the token allows: permission names separated by spaces. Each endpoint checks for the exact scope it needs.',
    url: 'https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3',
  },
  exp: {
    label: 'Expires',
    explanation:
      'When the token stops working, in seconds since 1970 (UTC). After it, the API answers 401 invalid_token; get a new token a little before.',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4',
  },
  iat: {
    label: 'Issued at',
    explanation:
      'When the token was made, in seconds since 1970 (UTC). A token issued in the future points to clock skew.',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6',
  },
  nbf: {
    label: 'Not before',
    explanation: 'The token must not be accepted before this time (seconds since 1970, UTC).',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5',
  },
  cnf: {
    label: 'Confirmation (DPoP key)',
    explanation:
      'cnf.jkt binds the token to one DPoP key: the SHA-256 thumbprint of its public key. The API accepts the token only as Authorization: DPoP, with a fresh proof signed by that key, so a stolen copy is useless without the private key. Sent as Bearer, it is refused.',
    url: 'https://www.rfc-editor.org/rfc/rfc9449#section-6.1',
  },
  jti: {
    label: 'Token id',
    explanation:
      'A unique id for this one token. Servers use it to revoke a single token or spot a replayed one; every token request gives a new jti.',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.7',
  },
  typ: {
    label: 'Type (header)',
    explanation:
      'at+jwt marks an OAuth access token, so that an ID token or another JWT cannot be passed off as one.',
    url: 'https://www.rfc-editor.org/rfc/rfc9068#section-2.1',
  },
  kid: {
    label: 'Key id (header)',
    explanation:
      'Which of the issuer’s signing keys made the signature: the API looks this key up in the JWKS. Keys rotate, so there can be several.',
    url: 'https://www.rfc-editor.org/rfc/rfc7515#section-4.1.4',
  },
  alg: {
    label: 'Algorithm (header)',
    explanation:
      'How the token was signed (ES256, RS256). The API accepts only algorithms on its allow-list: never "none", and never HMAC with a public key.',
    url: 'https://www.rfc-editor.org/rfc/rfc7515#section-4.1.1',
  },
};

/** How a resource server step ended. */
export type VerifyStepStatus = 'passed' | 'failed' | 'not_reached' | 'skipped' | 'server_side';

/** The resource server's checks on a token, in the order it runs them: the protocol's list. */
export const TOKEN_CHECKS = TOKEN_CHECK_NAMES;

export type VerifyStepName = TokenCheckName;

export interface VerifyStep {
  name: VerifyStepName;
  label: string;
  /** true passed, false failed, null when not run here (not reached, skipped, server-side). */
  ok: boolean | null;
  status: VerifyStepStatus;
  detail: string;
}

export interface VerifyAccessTokenOptions {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  /** Epoch seconds (default now); pass the mock's clock to match the API. */
  now?: number;
  /** Clock-skew leeway in seconds for exp, nbf and iat (default 60). */
  leewaySeconds?: number;
  requiredScope?: string;
  /** Allowed algorithms (default ES256 and RS256). */
  algorithms?: readonly string[];
  /** The thumbprint of this page's own DPoP key, to say whether a bound token is bound to it. */
  dpopJkt?: string;
}

export interface VerifyAccessTokenResult {
  ok: boolean;
  steps: VerifyStep[];
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

/** Each check in a few words, as the inspector and the forge list them. */
export const STEP_LABELS: Record<VerifyStepName, string> = {
  checkWellFormed: 'Well-formed JWT',
  checkAlg: 'Algorithm on the allow-list',
  checkTyp: 'typ is at+jwt',
  checkKid: 'Key id known (JWKS)',
  checkSignature: 'Signature',
  checkIssuer: 'Issuer (iss)',
  checkAudience: 'Audience (aud)',
  checkTimes: 'Time window (exp, nbf, iat)',
  checkNotRevoked: 'Not revoked',
  checkDpopBinding: 'DPoP key binding (cnf.jkt)',
  checkScope: 'Scope',
};

/** The DPoP proof checks (RFC 9449 §4.3), as the forge and the log list them. */
export const DPOP_PROOF_LABELS = {
  checkDpopProof: 'DPoP proof: one signed dpop+jwt with a public jwk',
  checkDpopTarget: 'DPoP proof for this method and URL (htm, htu)',
  checkDpopFreshness: 'DPoP proof fresh (iat)',
  checkDpopAth: 'DPoP proof names this token (ath)',
  checkDpopNonce: 'DPoP proof carries the server’s nonce',
  checkDpopReplay: 'DPoP proof not used before (jti)',
} as const;

type Check = { ok: true; detail: string } | { ok: false; detail: string };

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Run the resource server's checks on an access token, in the order the mock API runs them
 * (CONTRACT.md): well-formed, alg allow-list, typ, kid, signature, iss, aud, exp, nbf, iat,
 * [not revoked: the API's own list], scope. Stops at the first failure; later steps are listed
 * as not reached. Never throws.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1 (algorithm allow-list)
 */
export async function runTokenChecks(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<VerifyAccessTokenResult> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leewaySeconds ?? 60;
  const algorithms = options.algorithms ?? ['ES256', 'RS256'];
  const inspection = inspectJwt(token);
  const header = inspection.header ?? {};
  const payload = inspection.payload ?? {};
  let jwk: JWK | undefined;

  const checks: Record<
    Exclude<VerifyStepName, 'checkNotRevoked' | 'checkScope' | 'checkDpopBinding'>,
    () => Check | Promise<Check>
  > = {
    checkWellFormed: () =>
      inspection.ok
        ? { ok: true, detail: 'Three base64url parts; header and claims are JSON objects.' }
        : { ok: false, detail: inspection.errors.map((e) => e.message).join(' ') },
    checkAlg: () => {
      const alg = header.alg;
      if (alg === 'none')
        return { ok: false, detail: 'alg is "none": an unsigned token is never accepted.' };
      if (typeof alg === 'string' && alg.startsWith('HS')) {
        return {
          ok: false,
          detail: `alg is ${alg} (HMAC): the API verifies with public keys only.`,
        };
      }
      return typeof alg === 'string' && algorithms.includes(alg)
        ? { ok: true, detail: `${alg} is allowed (${algorithms.join(', ')}).` }
        : {
            ok: false,
            detail: `alg ${String(alg)} is not on the allow-list (${algorithms.join(', ')}).`,
          };
    },
    checkTyp: () => {
      const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
      return typ === 'at+jwt' || typ === 'application/at+jwt'
        ? { ok: true, detail: 'typ is at+jwt: an access token.' }
        : {
            ok: false,
            detail:
              header.typ === undefined
                ? 'typ is missing; access tokens carry typ "at+jwt".'
                : `typ is ${JSON.stringify(header.typ)}, not "at+jwt": this is not an access token.`,
          };
    },
    checkKid: () => {
      const kid = header.kid;
      if (typeof kid !== 'string') return { ok: false, detail: 'The header has no kid.' };
      jwk = options.jwks.keys.find((k) => k.kid === kid);
      return jwk
        ? { ok: true, detail: `kid ${kid} is in the JWKS.` }
        : {
            ok: false,
            detail: `kid ${kid} is not in the issuer's JWKS (unknown key, or retired after rotation).`,
          };
    },
    checkSignature: async () => {
      const alg = header.alg as string;
      if (!jwk) return { ok: false, detail: 'No key to verify with.' };
      if (jwk.alg !== undefined && jwk.alg !== alg) {
        return {
          ok: false,
          detail: `The key ${jwk.kid} is for ${jwk.alg}, the token says ${alg}.`,
        };
      }
      try {
        const key = await importJWK(jwk, alg);
        await compactVerify(token.trim().replace(/^bearer\s+/i, ''), key, { algorithms: [alg] });
        return { ok: true, detail: `Signed by key ${jwk.kid} (${alg}).` };
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return {
          ok: false,
          detail: `The signature does not match key ${jwk.kid}: the token was changed or signed by someone else (${why}).`,
        };
      }
    },
    checkIssuer: () =>
      payload.iss === options.issuer
        ? { ok: true, detail: `iss is ${options.issuer}.` }
        : {
            ok: false,
            detail:
              payload.iss === undefined
                ? `iss is missing; expected ${options.issuer}.`
                : `iss is ${String(payload.iss)}, expected ${options.issuer}.`,
          },
    checkAudience: () => {
      const aud = payload.aud;
      const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
      return list.includes(options.audience)
        ? { ok: true, detail: `aud includes ${options.audience}.` }
        : {
            ok: false,
            detail:
              aud === undefined
                ? `aud is missing; expected ${options.audience}.`
                : `aud is ${JSON.stringify(aud)}; this API is ${options.audience}.`,
          };
    },
    checkTimes: () => {
      // The API's own rule (src/protocol/resource-checks.ts), worded for the inspector.
      const window = `leeway ${leeway} s`;
      const problem = tokenTimeProblem(payload, now, leeway);
      switch (problem?.problem) {
        case 'missing':
          return { ok: false, detail: 'exp is missing: access tokens must expire.' };
        case 'expired':
          return {
            ok: false,
            detail: `exp: expired at ${iso(problem.exp)}, ${now - problem.exp} s ago (${window}).`,
          };
        case 'not-yet':
          return {
            ok: false,
            detail: `nbf: not valid before ${iso(Number(problem.nbf))}, ${Number(problem.nbf) - now} s from now (${window}).`,
          };
        case 'future':
          return {
            ok: false,
            detail: `iat: issued ${Number(problem.iat) - now} s in the future (${iso(Number(problem.iat))}): a clock is off (${window}).`,
          };
        default: {
          const exp = payload.exp as number;
          return {
            ok: true,
            detail: `Valid now; expires ${iso(exp)}, in ${exp - now} s (${window}).`,
          };
        }
      }
    },
  };

  const steps: VerifyStep[] = [];
  let failed = false;
  for (const name of TOKEN_CHECKS) {
    const label = STEP_LABELS[name];
    if (name === 'checkDpopBinding') {
      const jkt =
        typeof payload.cnf === 'object' && payload.cnf !== null
          ? (payload.cnf as Record<string, unknown>).jkt
          : undefined;
      if (failed) {
        steps.push({ name, label, ok: null, status: 'not_reached', detail: 'Not reached.' });
      } else if (typeof jkt !== 'string') {
        steps.push({
          name,
          label,
          ok: null,
          status: 'skipped',
          detail: 'No cnf.jkt: a bearer token, which works for whoever holds it.',
        });
      } else {
        const mine =
          options.dpopJkt === undefined
            ? ''
            : jkt === options.dpopJkt
              ? ' That is this page’s DPoP key.'
              : ' That is not this page’s DPoP key.';
        steps.push({
          name,
          label,
          ok: null,
          status: 'server_side',
          detail: `Bound to the DPoP key with thumbprint ${jkt}.${mine} The API checks it on each request: Authorization: DPoP and a proof signed by that key, never Bearer.`,
        });
      }
      continue;
    }
    if (name === 'checkNotRevoked') {
      steps.push({
        name,
        label,
        ok: null,
        status: failed ? 'not_reached' : 'server_side',
        detail: 'Checked by the API: only the server knows which tokens were revoked.',
      });
      continue;
    }
    if (name === 'checkScope') {
      if (failed)
        steps.push({ name, label, ok: null, status: 'not_reached', detail: 'Not reached.' });
      else if (options.requiredScope === undefined) {
        steps.push({ name, label, ok: null, status: 'skipped', detail: 'No scope required.' });
      } else {
        const granted =
          typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
        const ok = granted.includes(options.requiredScope);
        if (!ok) failed = true;
        steps.push({
          name,
          label,
          ok,
          status: ok ? 'passed' : 'failed',
          detail: ok
            ? `scope includes ${options.requiredScope}.`
            : `The endpoint needs ${options.requiredScope}; the token has ${granted.length > 0 ? granted.join(' ') : 'no scope'}.`,
        });
      }
      continue;
    }
    if (failed) {
      steps.push({ name, label, ok: null, status: 'not_reached', detail: 'Not reached.' });
      continue;
    }
    const result = await checks[name]();
    if (!result.ok) failed = true;
    steps.push({
      name,
      label,
      ok: result.ok,
      status: result.ok ? 'passed' : 'failed',
      detail: result.detail,
    });
  }
  const out: VerifyAccessTokenResult = { ok: !failed, steps };
  if (inspection.header) out.header = inspection.header;
  if (inspection.payload) out.payload = inspection.payload;
  return out;
}
