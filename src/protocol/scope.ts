/**
 * RFC 6749 §3.3 scope syntax, for the token endpoint, the admin API's client scopes, the resource
 * server's scope check and the Server page's client form.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */

/** `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN_CHARS = '[\\x21\\x23-\\x5B\\x5D-\\x7E]+';

/** A scope value: scope-tokens separated by single spaces. */
export const SCOPE_SYNTAX = new RegExp(`^${SCOPE_TOKEN_CHARS}( ${SCOPE_TOKEN_CHARS})*$`);

const SCOPE_TOKEN = new RegExp(`^${SCOPE_TOKEN_CHARS}$`);

/** Is `value` a single scope-token? */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/** The space-split scopes of a scope value (exact tokens, never substrings). */
export function scopesOf(scope: string): string[] {
  return scope.split(' ').filter((s) => s !== '');
}
