/**
 * `{{variables}}` in lesson requests, as the build sees them: where each placeholder is, and
 * whether it is well-formed. Filling them in the page is the client's job (`fillVariables` in
 * `src/client/http-request.ts`); the helpers listed here are exactly the ones it fills.
 *
 * No imports: this file may ship to the page.
 */

/** A variable name: what `save=` may create and `{{name}}` may read. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Matches `{{ name }}` and `{{$helper arg arg}}` (not nested braces). */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Arguments: bare words or double-quoted strings (as the client's filler splits them). */
const ARGUMENT = /"((?:[^"\\]|\\.)*)"|([^\s"]+)/g;

export type BuiltInHelper = '$basic' | '$uuid' | '$timestamp' | '$client_assertion';

/** The built-in helpers: always available, never need an earlier `save`. */
export const BUILT_IN_HELPERS: Record<
  BuiltInHelper,
  { args: readonly string[]; description: string }
> = {
  $basic: {
    args: ['client_id', 'client_secret'],
    description:
      'the credentials of an HTTP Basic `Authorization` header: base64 of form-urlencode(client_id) ":" form-urlencode(client_secret) (RFC 6749 §2.3.1)',
  },
  $uuid: { args: [], description: 'a fresh random UUID, e.g. for a `jti`' },
  $timestamp: { args: [], description: 'the current time in seconds since the epoch' },
  $client_assertion: {
    args: ['client_id'],
    description:
      'a fresh client assertion (RFC 7523 as updated by draft-ietf-oauth-rfc7523bis: header typ client-authentication+jwt; iss = sub = client_id, aud = the issuer identifier as one string, new jti, 60 s life) signed with the key pair the page made for that client',
  },
};

export interface Placeholder {
  /** The text between the braces, trimmed: `access_token` or `$basic demo-client demo-secret`. */
  expression: string;
  /** The variable name or helper name (first word). */
  name: string;
  args: string[];
  /** Offset of `{{` in the text. */
  index: number;
}

/** Every `{{...}}` in `text`, in order. */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const expression = match[1] ?? '';
    const words = [...expression.matchAll(ARGUMENT)].map((m) => m[1] ?? m[2] ?? '');
    const [name = '', ...args] = words;
    found.push({ expression, name, args, index: match.index ?? 0 });
  }
  return found;
}

/** Why a placeholder is malformed, or undefined when it is fine. */
export function checkPlaceholder(placeholder: Placeholder): string | undefined {
  const { name, args } = placeholder;
  if (name === '') return 'Empty placeholder "{{}}": write {{variable_name}}.';
  if (name.startsWith('$')) {
    const helper = BUILT_IN_HELPERS[name as BuiltInHelper];
    if (!helper) {
      return `Unknown helper "${name}". Helpers: ${Object.keys(BUILT_IN_HELPERS).join(', ')}.`;
    }
    if (args.length !== helper.args.length) {
      const usage = [name, ...helper.args].join(' ');
      const count = helper.args.length;
      return `Helper "${name}" takes ${count === 0 ? 'no' : count} argument${count === 1 ? '' : 's'}: {{${usage}}}.`;
    }
    return undefined;
  }
  if (!VARIABLE_NAME.test(name) || args.length > 0) {
    return `Invalid variable name "${placeholder.expression}": use letters, digits and _ (e.g. {{access_token}}).`;
  }
  return undefined;
}
