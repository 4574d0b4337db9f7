import { base64url } from 'jose';
import { parseJson } from './parse-json.ts';

/** A compact JWS split into its parts, header and payload decoded. */
export interface ParsedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

function decodePart(part: string): Record<string, unknown> | undefined {
  if (part === '' || !B64URL.test(part)) return undefined;
  let text: string;
  try {
    text = decoder.decode(base64url.decode(part));
  } catch {
    return undefined;
  }
  // Depth-limited: a claim nested thousands deep would overflow whatever stringifies it next.
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  const { value } = parsed;
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Split a compact JWS (three base64url parts, JSON object header and payload), or say why not.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function parseCompactJwt(token: string): ParsedJwt | string {
  const parts = token.split('.');
  if (parts.length !== 3) return `it has ${parts.length} dot-separated parts, a JWS has 3`;
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(s)) return 'its signature part is not base64url';
  const header = decodePart(h);
  if (!header) return 'its header is not base64url-encoded JSON object';
  const payload = decodePart(p);
  if (!payload) return 'its payload is not a base64url-encoded JSON object';
  return { header, payload };
}

/** The asymmetric algorithms accepted anywhere a JWT is verified. Never none, never HS*. */
export const ASYMMETRIC_ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;
export type AsymmetricAlg = (typeof ASYMMETRIC_ALGS)[number];

export function isAsymmetricAlg(alg: unknown): alg is AsymmetricAlg {
  return typeof alg === 'string' && (ASYMMETRIC_ALGS as readonly string[]).includes(alg);
}

/** Does `aud` (a string or an array of strings) name `value`? */
export function audienceIncludes(aud: unknown, value: string): boolean {
  if (typeof aud === 'string') return aud === value;
  return Array.isArray(aud) && aud.some((a) => a === value);
}

/** Random base64url string of `bytes` random bytes. */
export function randomToken(bytes = 32): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}
