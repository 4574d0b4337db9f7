/**
 * The resource server's checks on a bearer request, in the order it runs them (CONTRACT.md,
 * "Resource API"), each by the step name its log records and the short name its error
 * descriptions ("failed the aud check") and the forge's outcomes (`rejected-at-aud`) use. The
 * page's token inspector and the forge list the same checks from here.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export const RESOURCE_CHECKS = [
  { name: 'extractBearerToken', short: 'bearer' },
  { name: 'checkWellFormed', short: 'well-formed' },
  { name: 'checkAlg', short: 'alg' },
  { name: 'checkTyp', short: 'typ' },
  { name: 'checkKid', short: 'kid' },
  { name: 'checkSignature', short: 'signature' },
  { name: 'checkIssuer', short: 'iss' },
  { name: 'checkAudience', short: 'aud' },
  { name: 'checkTimes', short: 'times' },
  { name: 'checkNotRevoked', short: 'revoked' },
  { name: 'checkScope', short: 'scope' },
] as const;

export type ResourceCheckName = (typeof RESOURCE_CHECKS)[number]['name'];

/** The checks on the token itself: every resource check but finding it in the request. */
export type TokenCheckName = Exclude<ResourceCheckName, 'extractBearerToken'>;

export const TOKEN_CHECK_NAMES: readonly TokenCheckName[] = RESOURCE_CHECKS.flatMap((c) =>
  c.name === 'extractBearerToken' ? [] : [c.name],
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
