/**
 * The `{{placeholder}}` grammar of requests, in one place: what a variable name is, which
 * helpers exist and what they take, how arguments split. The lesson compiler checks lessons with
 * it at build time, the request filler (`fillVariables` in `http-request.ts`) fills with it in
 * the page, and the Playwright export writes its patterns into the spec it generates.
 *
 * - `{{name}}` reads a variable an earlier request saved (`save=name`).
 * - `{{$helper arg arg}}` calls a built-in helper; arguments are bare words or double-quoted
 *   strings (`"my client"`, with `\"` inside), and may be variables themselves:
 *   `{{$basic {{client_id}} {{client_secret}}}}`.
 *
 * No imports: this file ships to the page and runs in the build.
 */

/** A variable name, unanchored, for building other patterns. */
export const VARIABLE_NAME_SOURCE = '[A-Za-z_][A-Za-z0-9_]*';

/** A variable name: what `save=` may create and `{{name}}` may read. */
export const VARIABLE_NAME = new RegExp(`^${VARIABLE_NAME_SOURCE}$`);

/**
 * One argument of a helper call: a double-quoted string (group 1), a `{{variable}}` not yet
 * filled (group 2), or a bare word (group 3).
 */
export const ARGUMENT_SOURCE = String.raw`"((?:[^"\\]|\\.)*)"|(\{\{[^}]*\}\})|([^\s"]+)`;

/** `{{ name }}`, the name in group 1. */
export function plainVariablePattern(): RegExp {
  return new RegExp(String.raw`\{\{\s*(${VARIABLE_NAME_SOURCE})\s*\}\}`, 'g');
}

/**
 * `{{$helper args}}`: the helper's name without `$` in group 1, its raw arguments in group 2.
 * Arguments may not contain braces, so a call whose arguments still hold unfilled variables does
 * not match.
 */
export function helperCallPattern(): RegExp {
  return /\{\{\s*\$([A-Za-z][A-Za-z0-9_]*)((?:\s+(?:"(?:[^"\\]|\\.)*"|[^\s"{}]+))*)\s*\}\}/g;
}

/** The arguments of a helper call, quotes removed and `\x` unescaped; a `{{variable}}` is one. */
export function splitArgs(raw: string): string[] {
  const args: string[] = [];
  for (const m of raw.matchAll(new RegExp(ARGUMENT_SOURCE, 'g'))) {
    args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  }
  return args;
}

/** One helper argument as written: bare when it can be, else double-quoted. */
export function quoteArg(value: string): string {
  if (/^\{\{[^}]*\}\}$/.test(value) || /^[^\s"{}]+$/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** The built-in helpers, without the `$`. */
export const HELPER_NAMES = [
  'basic',
  'uuid',
  'timestamp',
  'client_assertion',
  'assertion',
  'dpop',
  'dpop_thief',
] as const;
export type HelperName = (typeof HELPER_NAMES)[number];

/** What each helper takes and does: the authoring check and its messages read this. */
export const HELPERS: Record<HelperName, { args: readonly string[]; description: string }> = {
  basic: {
    args: ['client_id', 'client_secret'],
    description:
      'the credentials of an HTTP Basic `Authorization` header: base64 of form-urlencode(client_id) ":" form-urlencode(client_secret) (RFC 6749 §2.3.1)',
  },
  uuid: { args: [], description: 'a fresh random UUID, e.g. for a `jti`' },
  timestamp: { args: [], description: 'the current time in seconds since the epoch' },
  client_assertion: {
    args: ['client_id'],
    description:
      'a fresh client assertion (RFC 7523 as updated by draft-ietf-oauth-rfc7523bis: header typ client-authentication+jwt; iss = sub = client_id, aud = the issuer identifier as one string, new jti, 60 s life) signed with the key pair the page made for that client',
  },
  assertion: {
    args: ['client_id', 'audience', 'typ'],
    description:
      'a fresh client assertion like $client_assertion, but with the aud you give and typ `typed` (header typ client-authentication+jwt) or `untyped` (no typ, as RFC 7523 was published): for showing which audiences a server accepts',
  },
  dpop: {
    args: [],
    description:
      'a fresh DPoP proof for this request (RFC 9449 §4.2: typ dpop+jwt, ES256, the public jwk; jti, htm and htu of the request, iat now, ath of the token in its Authorization header, and the nonce the server last handed out), signed with the DPoP key this page made for your client',
  },
  dpop_thief: {
    args: [],
    description:
      'the same DPoP proof, signed with another key pair made in this page: a thief’s own key, to show that a stolen DPoP-bound token is refused without the key it is bound to',
  },
};

/** The values `$assertion`'s `typ` argument takes. */
export const ASSERTION_TYPS = ['typed', 'untyped'] as const;
export type AssertionTyp = (typeof ASSERTION_TYPS)[number];

/** The helpers that make a DPoP proof, and whose key each signs with. */
export const DPOP_HELPERS = { dpop: 'mine', dpop_thief: 'thief' } as const;
export type DpopHelper = keyof typeof DPOP_HELPERS;

export function isHelperName(name: string): name is HelperName {
  return (HELPER_NAMES as readonly string[]).includes(name);
}

/** How a helper is called, for messages: `{{$basic client_id client_secret}}`. */
export function helperUsage(name: HelperName): string {
  return `{{${[`$${name}`, ...HELPERS[name].args].join(' ')}}}`;
}

/** Why a helper call has the wrong number of arguments, or undefined when it is right. */
export function helperArgumentProblem(name: HelperName, count: number): string | undefined {
  const wanted = HELPERS[name].args.length;
  if (count === wanted) return undefined;
  const takes = wanted === 0 ? 'no arguments' : `${wanted} argument${wanted === 1 ? '' : 's'}`;
  return `{{$${name}}} takes ${takes}: ${helperUsage(name)}; got ${count}.`;
}

/**
 * Why a helper call is wrong (its argument count, or a value only some words may take), or
 * undefined when it is right. An argument that is still a `{{variable}}` is not judged.
 */
export function helperCallProblem(name: HelperName, args: readonly string[]): string | undefined {
  const count = helperArgumentProblem(name, args.length);
  if (count !== undefined) return count;
  const typ = args[2];
  if (
    name === 'assertion' &&
    typ !== undefined &&
    !typ.startsWith('{{') &&
    !(ASSERTION_TYPS as readonly string[]).includes(typ)
  ) {
    return `{{$assertion}}'s typ is ${ASSERTION_TYPS.map((t) => `"${t}"`).join(' or ')}: ${helperUsage(name)}; got "${typ}".`;
  }
  return undefined;
}

/** The key a signed assertion is kept under while a request is filled. */
export function assertionKey(
  name: 'client_assertion' | 'assertion',
  args: readonly string[],
): string {
  return name === 'client_assertion' ? (args[0] ?? '') : `$assertion ${args.join(' ')}`;
}

export interface Placeholder {
  /** The text between the braces, trimmed: `access_token` or `$basic demo-client demo-secret`. */
  expression: string;
  /** The variable name or helper name (first word), a helper with its `$`. */
  name: string;
  args: string[];
  /** Offset of `{{` in the text. */
  index: number;
}

/** Every `{{...}}` in `text`, in order (innermost braces: `{{$basic {{id}} x}}` yields `{{id}}`). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    const expression = match[1] ?? '';
    const [name = '', ...args] = splitArgs(expression);
    found.push({ expression, name, args, index: match.index ?? 0 });
  }
  return found;
}

/** Why a placeholder is malformed, or undefined when it is fine. */
export function checkPlaceholder(placeholder: Placeholder): string | undefined {
  const { name, args } = placeholder;
  if (name === '') return 'Empty placeholder "{{}}": write {{variable_name}}.';
  if (name.startsWith('$')) {
    const helper = name.slice(1);
    if (!isHelperName(helper)) {
      const known = HELPER_NAMES.map((n) => `$${n}`).join(', ');
      return `Unknown helper "${name}". Helpers: ${known}.`;
    }
    return helperCallProblem(helper, args);
  }
  if (!VARIABLE_NAME.test(name) || args.length > 0) {
    return `Invalid variable name "${placeholder.expression}": use letters, digits and _ (e.g. {{access_token}}).`;
  }
  return undefined;
}

/**
 * The variables a text uses, each once, in order of first use. Helpers appear with their `$`
 * (`$basic`), so a caller can tell them apart.
 */
export function findVariables(text: string): string[] {
  const names: string[] = [];
  const use = new RegExp(String.raw`\{\{\s*(\$?${VARIABLE_NAME_SOURCE})`, 'g');
  for (const m of text.matchAll(use)) {
    const name = m[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
