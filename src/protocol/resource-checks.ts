/**
 * The resource server's checks on a request, in the order it runs them (CONTRACT.md, "Resource
 * API" and its DPoP additions), each by the step name its log records and the short name its
 * error descriptions ("failed the aud check") and the forge's outcomes (`rejected-at-aud`) use.
 * The page's token inspector and the forge list the same checks from here.
 *
 * `kind` says what a check looks at: `request` (where the token is), `dpop` (the request's DPoP
 * proof: run only for the DPoP scheme), `token` (the token itself) and `binding` (whether the
 * token's `cnf.jkt` matches the proof's key: run for the DPoP scheme and for any DPoP-bound
 * token, so a bound token sent as Bearer is refused there). A plain bearer request logs only the
 * `request` and `token` checks.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export const RESOURCE_CHECKS = [
  { name: 'extractBearerToken', short: 'bearer', kind: 'request' },
  { name: 'checkDpopProof', short: 'dpop-proof', kind: 'dpop' },
  { name: 'checkDpopTarget', short: 'dpop-target', kind: 'dpop' },
  { name: 'checkDpopFreshness', short: 'dpop-freshness', kind: 'dpop' },
  { name: 'checkDpopAth', short: 'dpop-ath', kind: 'dpop' },
  { name: 'checkDpopNonce', short: 'dpop-nonce', kind: 'dpop' },
  { name: 'checkDpopReplay', short: 'dpop-replay', kind: 'dpop' },
  { name: 'checkWellFormed', short: 'well-formed', kind: 'token' },
  { name: 'checkAlg', short: 'alg', kind: 'token' },
  { name: 'checkTyp', short: 'typ', kind: 'token' },
  { name: 'checkKid', short: 'kid', kind: 'token' },
  { name: 'checkSignature', short: 'signature', kind: 'token' },
  { name: 'checkIssuer', short: 'iss', kind: 'token' },
  { name: 'checkAudience', short: 'aud', kind: 'token' },
  { name: 'checkTimes', short: 'times', kind: 'token' },
  { name: 'checkNotRevoked', short: 'revoked', kind: 'token' },
  { name: 'checkDpopBinding', short: 'dpop-binding', kind: 'binding' },
  { name: 'checkScope', short: 'scope', kind: 'token' },
] as const;

export type ResourceCheck = (typeof RESOURCE_CHECKS)[number];
export type ResourceCheckName = ResourceCheck['name'];

/** The checks on the DPoP proof and the binding: those a plain bearer request never runs. */
export type DpopCheckName = Extract<ResourceCheck, { kind: 'dpop' | 'binding' }>['name'];

/** The checks on the token itself (the binding included): every check but the request's own. */
export type TokenCheckName = Extract<ResourceCheck, { kind: 'token' | 'binding' }>['name'];

export const TOKEN_CHECK_NAMES: readonly TokenCheckName[] = RESOURCE_CHECKS.flatMap((c) =>
  c.kind === 'token' || c.kind === 'binding' ? [c.name] : [],
);

export const DPOP_CHECK_NAMES: readonly DpopCheckName[] = RESOURCE_CHECKS.flatMap((c) =>
  c.kind === 'dpop' || c.kind === 'binding' ? [c.name] : [],
);

export const CHECK_SHORT_NAMES = Object.fromEntries(
  RESOURCE_CHECKS.map((c) => [c.name, c.short]),
) as Record<ResourceCheckName, string>;

/** Why a token's times make it not valid now (see {@link tokenTimeProblem}). */
export type TimeProblem =
  | { claim: 'exp'; problem: 'missing' }
  | { claim: 'exp'; problem: 'expired'; exp: number }
  | { claim: 'nbf'; problem: 'not-yet'; nbf: unknown }
  | { claim: 'iat'; problem: 'future'; iat: unknown };

/**
 * The time window, one rule for the API and the inspector: `exp` must be a number and not
 * passed by more than the leeway; `nbf` and `iat`, when present, numbers not further in the
 * future than the leeway. Undefined when the token is valid now.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4
 */
export function tokenTimeProblem(
  claims: Record<string, unknown>,
  now: number,
  leeway: number,
): TimeProblem | undefined {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { claim: 'exp', problem: 'missing' };
  if (exp + leeway <= now) return { claim: 'exp', problem: 'expired', exp };
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - leeway > now)) {
    return { claim: 'nbf', problem: 'not-yet', nbf };
  }
  if (iat !== undefined && (typeof iat !== 'number' || iat - leeway > now)) {
    return { claim: 'iat', problem: 'future', iat };
  }
  return undefined;
}
