/**
 * The assertion lab's client side: build a `private_key_jwt` client assertion field by field,
 * sign it (the client's key, a stranger's, or not at all), send it to the token endpoint, and read
 * the server's checks from its log. Presets replay the cases of RFC 7523 and of the 2025 audience
 * fix (draft-ietf-oauth-rfc7523bis), each with the answer the server gives under either
 * `assertionAudience` setting.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-rfc7523bis/
 */
import {
  ASSERTION_CHECKS,
  type AssertionAudience,
  type AssertionCheckName,
  isTypedClientAssertion,
  type Step,
} from '../protocol/index.ts';
import { ASSERTION_PRESET_IDS, type AssertionPresetId } from './assertion-preset-ids.ts';
import type { JwtDraft } from './forge.ts';
import type { HttpRequestModel } from './http-request.ts';
import { CLIENT_ASSERTION_JWT_TYPE } from './token-request.ts';

/** How a drafted assertion is signed. */
export type AssertionSigning = 'client' | 'stranger' | 'none';

export const ASSERTION_SIGNINGS: readonly AssertionSigning[] = ['client', 'stranger', 'none'];

export const ASSERTION_SIGNING_LABELS: Record<AssertionSigning, string> = {
  client: 'The client’s private key (registered with the server)',
  stranger: 'A stranger’s key (made in this page, never registered)',
  none: 'No signature (alg none)',
};

/** What the lab edits: an assertion's draft. */
export type AssertionDraft = JwtDraft<AssertionSigning>;

/** What presets need to know: where the assertion goes and who signs it. */
export interface AssertionEnv {
  issuer: string;
  tokenEndpoint: string;
  clientId: string;
  /** The `kid` of the client's registered key. */
  kid: string;
  /** Server time, epoch seconds. */
  now: number;
  /** A fresh `jti`. */
  jti(): string;
}

/** How the server answers: 200, or 401 at one of its checks. */
export interface AssertionExpectation {
  status: number;
  check?: AssertionCheckName;
}

export interface AssertionPreset {
  id: AssertionPresetId;
  label: string;
  why: string;
  build(env: AssertionEnv): AssertionDraft;
  /** The answer under each setting of `assertionAudience`. */
  expected: Record<AssertionAudience, AssertionExpectation>;
}

export { ASSERTION_PRESET_IDS, type AssertionPresetId };

/** The assertion the draft's rule asks for: typed, aud = the issuer, a minute to live. */
export function goodDraft(env: AssertionEnv): AssertionDraft {
  return {
    header: { alg: 'ES256', typ: CLIENT_ASSERTION_JWT_TYPE, kid: env.kid },
    payload: {
      iss: env.clientId,
      sub: env.clientId,
      aud: env.issuer,
      iat: env.now,
      exp: env.now + 60,
      jti: env.jti(),
    },
    signing: 'client',
  };
}

const untyped = (draft: AssertionDraft): AssertionDraft => {
  const { typ: _typ, ...header } = draft.header;
  return { ...draft, header };
};
const withClaims = (draft: AssertionDraft, claims: Record<string, unknown>): AssertionDraft => ({
  ...draft,
  payload: { ...draft.payload, ...claims },
});
const both = (expectation: AssertionExpectation) => ({ legacy: expectation, strict: expectation });
const OK = { status: 200 } as const;
const at = (check: AssertionCheckName): AssertionExpectation => ({ status: 401, check });

export const ASSERTION_PRESETS: readonly AssertionPreset[] = [
  {
    id: 'typed-issuer',
    label: 'The 2025 rule: typed, aud = the issuer',
    why: 'typ client-authentication+jwt, and the issuer identifier as the one audience: what draft-ietf-oauth-rfc7523bis asks of every client. Both settings accept it.',
    build: goodDraft,
    expected: both(OK),
  },
  {
    id: 'untyped-issuer',
    label: 'Untyped, aud = the issuer',
    why: 'The right audience without the typ. The draft advises servers not to refuse it for the missing type; a strict server does anyway.',
    build: (env) => untyped(goodDraft(env)),
    expected: { legacy: OK, strict: at('checkAssertionAudience') },
  },
  {
    id: 'attack-untyped',
    label: 'The audience attack’s shape, from an older client',
    why: 'aud = this server’s token endpoint, as RFC 7523 allowed: what a client signs when a malicious server lists the honest token endpoint as its own, and what the attacker replays here. A legacy server takes it.',
    build: (env) => untyped(withClaims(goodDraft(env), { aud: env.tokenEndpoint })),
    expected: { legacy: OK, strict: at('checkAssertionAudience') },
  },
  {
    id: 'attack-typed',
    label: 'The audience attack’s shape, typed',
    why: 'The same endpoint audience under the new typ: a typed assertion is held to the new rule, so it is refused whatever the setting.',
    build: (env) => withClaims(goodDraft(env), { aud: env.tokenEndpoint }),
    expected: both(at('checkAssertionAudience')),
  },
  {
    id: 'array-audience',
    label: 'Typed, aud = [the issuer]',
    why: 'An array holding only the issuer. The draft (since -03) lets aud be an array with that single member; this server wants the plain string and refuses it (its choice).',
    build: (env) => withClaims(goodDraft(env), { aud: [env.issuer] }),
    expected: both(at('checkAssertionAudience')),
  },
  {
    id: 'expired',
    label: 'Expired five minutes ago',
    why: 'exp is past, beyond the 60 s leeway: RFC 7523 §3 item 4.',
    build: (env) => withClaims(goodDraft(env), { iat: env.now - 360, exp: env.now - 300 }),
    expected: both(at('checkAssertionExpiry')),
  },
  {
    id: 'too-long-lived',
    label: 'Good for two hours',
    why: 'The server remembers every jti until its assertion dies; it refuses one that would live more than an hour.',
    build: (env) => withClaims(goodDraft(env), { exp: env.now + 7200 }),
    expected: both(at('checkAssertionExpiry')),
  },
  {
    id: 'stranger-key',
    label: 'Signed by a stranger',
    why: 'The header names the client’s kid, but another key signed it: the signature does not verify with the registered public key.',
    build: (env) => ({ ...goodDraft(env), signing: 'stranger' }),
    expected: both(at('checkAssertionSignature')),
  },
  {
    id: 'sub-mismatch',
    label: 'sub is another client',
    why: 'RFC 7523 §3 item 2 and §2.2: for client authentication, iss and sub are both the client_id.',
    build: (env) => withClaims(goodDraft(env), { sub: 'demo-client' }),
    expected: both(at('identifyClient')),
  },
  {
    id: 'alg-none',
    label: 'alg none',
    why: 'An unsigned JWT proves nothing: only asymmetric algorithms are accepted.',
    build: (env) => ({
      ...goodDraft(env),
      header: { ...goodDraft(env).header, alg: 'none' },
      signing: 'none',
    }),
    expected: both(at('checkAssertionAlg')),
  },
];

/** What signing needs: the client's private JWK, and a stranger key made on demand. */
export interface AssertionKeys {
  /** Sign with the client's registered key. */
  client(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
  /** Sign with a key nobody registered. */
  stranger(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

const base64url = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

/** Sign a draft as its `signing` says; the header and claims go out exactly as drafted. */
export function signAssertionDraft(draft: AssertionDraft, keys: AssertionKeys): Promise<string> {
  if (draft.signing === 'none') {
    return Promise.resolve(`${base64url(draft.header)}.${base64url(draft.payload)}.`);
  }
  return keys[draft.signing](draft.header, draft.payload);
}

/** The token request that presents `assertion` (RFC 7523 §2.2). */
export function assertionTokenRequest(tokenEndpoint: string, assertion: string): HttpRequestModel {
  return {
    method: 'POST',
    url: tokenEndpoint,
    headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }).toString(),
  };
}

export const ASSERTION_CHECK_LABELS: Record<AssertionCheckName, string> = {
  checkAssertionType: 'client_assertion_type is jwt-bearer',
  checkAssertionFormat: 'A well-formed JWT',
  checkAssertionAlg: 'An asymmetric alg (never none, never HMAC)',
  identifyClient: 'iss = sub = a registered client',
  checkAssertionSignature: 'Signature, with the client’s registered key',
  checkAssertionAudience: 'Audience (typed: the issuer, one string)',
  checkAssertionExpiry: 'exp: not past, at most an hour ahead',
  checkAssertionReplay: 'jti never seen before',
};

/** The short name of a check, for outcomes: `rejected-at-audience`. */
export const ASSERTION_CHECK_SHORT = Object.fromEntries(
  ASSERTION_CHECKS.map((c) => [c.name, c.short]),
) as Record<AssertionCheckName, string>;

export interface AssertionCheckRow {
  name: AssertionCheckName;
  label: string;
  status: 'passed' | 'failed' | 'not_reached';
  note?: string;
}

/** The assertion checks, in order, as the server's log entry records them. */
export function assertionCheckRows(steps: readonly Step[]): AssertionCheckRow[] {
  return ASSERTION_CHECKS.map(({ name }) => {
    const step = steps.find((s) => s.name === name);
    return {
      name,
      label: ASSERTION_CHECK_LABELS[name],
      status: step === undefined ? 'not_reached' : step.ok ? 'passed' : 'failed',
      ...(step?.note !== undefined && { note: step.note }),
    };
  });
}

/** The assertion check that refused, if one did. */
export function failedAssertionCheck(steps: readonly Step[]): AssertionCheckName | undefined {
  return ASSERTION_CHECKS.find(({ name }) => steps.some((s) => s.name === name && !s.ok))?.name;
}

/** Does an `aud` claim name an endpoint of the issuer (the attack's shape)? */
export function namesAnEndpoint(aud: unknown, issuer: string): boolean {
  const values = Array.isArray(aud) ? aud : [aud];
  return values.some((v) => typeof v === 'string' && v.startsWith(`${issuer}/`));
}

/**
 * The lab outcomes an answer reaches: `rejected-at-<check>`, and for the draft that was sent,
 * `typed-accepted` (typed, aud = the issuer, 200), `attack-refused` and `attack-accepted` (aud
 * names an endpoint URL, refused at the audience check or let in).
 */
export function outcomesOf(
  answer: { status: number; failed: AssertionCheckName | undefined },
  header: Record<string, unknown> | undefined,
  payload: Record<string, unknown> | undefined,
  issuer: string,
): string[] {
  const out: string[] = [];
  if (answer.failed) out.push(`rejected-at-${ASSERTION_CHECK_SHORT[answer.failed]}`);
  if (!header || !payload) return out;
  if (answer.status === 200 && isTypedClientAssertion(header) && payload.aud === issuer) {
    out.push('typed-accepted');
  }
  if (namesAnEndpoint(payload.aud, issuer)) {
    if (answer.failed === 'checkAssertionAudience') out.push('attack-refused');
    if (answer.status === 200) out.push('attack-accepted');
  }
  return out;
}
