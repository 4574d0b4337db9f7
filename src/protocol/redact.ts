/** What replaces a secret in the log. */
export const REDACTED = '[redacted]';

/** Body and query parameters whose values never reach the log. */
const SECRET_PARAMS = new Set([
  'client_secret',
  'client_assertion',
  'access_token',
  'refresh_token',
  'token',
]);

/** Header values never logged. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Authentication schemes a client may name in `Authorization` (the IANA registry, plus a few in
 * common use), lower case. Only these are ever repeated back, in the log or in an error: the
 * first word of a header without a known scheme may well be the secret itself
 * (`Authorization: <token>`).
 * @see https://www.iana.org/assignments/http-authschemes/http-authschemes.xhtml
 */
const KNOWN_AUTH_SCHEMES = new Set([
  'basic',
  'bearer',
  'concealed',
  'digest',
  'dpop',
  'gnap',
  'hoba',
  'mutual',
  'negotiate',
  'ntlm',
  'oauth',
  'privatetoken',
  'scram-sha-1',
  'scram-sha-256',
  'token',
  'vapid',
  'aws4-hmac-sha256',
]);

/**
 * The scheme of an `Authorization` value, as sent, when it is a known scheme followed by
 * whitespace or nothing; undefined otherwise (no scheme, or a word that may be a secret).
 */
export function knownAuthScheme(value: string): string | undefined {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(\s|$)/.exec(value)?.[1];
  return scheme !== undefined && KNOWN_AUTH_SCHEMES.has(scheme.toLowerCase()) ? scheme : undefined;
}

/** Request or response headers with credential values replaced, keeping a known scheme. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower)) {
      const scheme = knownAuthScheme(value);
      out[lower] = scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
    } else {
      out[lower] = value;
    }
  }
  return out;
}

/** A URL with secret query parameters replaced. */
export function redactUrl(url: URL): string {
  if (url.search === '') return url.href;
  let touched = false;
  const params = new URLSearchParams(url.search);
  for (const key of new Set(params.keys())) {
    if (SECRET_PARAMS.has(key)) {
      params.set(key, REDACTED);
      touched = true;
    }
  }
  if (!touched) return url.href;
  const copy = new URL(url.href);
  copy.search = params.toString();
  return copy.href;
}

/** Form parameters re-encoded with secret values replaced. */
export function redactForm(pairs: readonly (readonly [string, string])[]): string {
  const params = new URLSearchParams();
  for (const [k, v] of pairs) params.append(k, SECRET_PARAMS.has(k) ? REDACTED : v);
  return params.toString();
}

/** A JSON value with secret top-level-or-nested members replaced. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_PARAMS.has(k) && v !== undefined && v !== null ? REDACTED : redactJson(v);
    }
    return out;
  }
  return value;
}
