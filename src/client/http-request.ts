/**
 * The `.http` request syntax of editor REST clients (VS Code REST Client, JetBrains HTTP Client):
 * the raw form of every request in the playground, and the info string of lesson request blocks.
 *
 * ```http
 * # comments start with # or //
 * POST https://auth.example.com/oauth/token HTTP/1.1
 * Content-Type: application/x-www-form-urlencoded
 * Authorization: Basic {{$basic {{client_id}} {{client_secret}}}}
 *
 * grant_type=client_credentials
 * &scope=read:users
 * ```
 *
 * - The request line is `METHOD URL [HTTP/x.y]`; a line with only a URL means `GET`.
 *   Lines right after it that start with `?` or `&` continue the URL (long query strings).
 * - Header lines `Name: value` follow; comment lines may sit among them.
 * - A blank line ends the headers; everything after it is the body, kept verbatim except that
 *   trailing blank lines are dropped and, for `application/x-www-form-urlencoded`, lines are
 *   joined (so a long form body can be split over lines starting with `&`).
 * - A line starting with `###` ends the request (editors use it to separate requests).
 *
 * Variables (`{{name}}`) and built-in helpers (`{{$basic client_id client_secret}}`, `{{$uuid}}`,
 * `{{$timestamp}}`, `{{$client_assertion client_id}}`) are filled by {@link fillVariables}; their
 * grammar and what each helper does are in `placeholders.ts`.
 *
 * Pure: no DOM, no Node built-ins; the lesson compiler runs it at build time.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5 (header fields)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 (client password in Basic auth)
 */

import {
  type AssertionTyp,
  assertionKey,
  type DpopHelper,
  helperCallPattern,
  helperCallProblem,
  isHelperName,
  plainVariablePattern,
  splitArgs,
} from './placeholders.ts';

/** A request as the playground edits, prints, exports and sends it. */
export interface HttpRequestModel {
  method: string;
  url: string;
  /** In order, duplicates kept, names as written. */
  headers: [name: string, value: string][];
  /** Empty string when there is no body. */
  body: string;
}

/** A syntax error at a 1-based line and column of the `.http` text. */
export interface HttpSyntaxError {
  line: number;
  column: number;
  message: string;
}

export type ParseHttpRequestResult =
  | { ok: true; request: HttpRequestModel }
  | { ok: false; errors: HttpSyntaxError[] };

/** The methods the parser accepts (RFC 9110 §9 plus PATCH). */
export const httpMethods = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
] as const;
export type HttpMethod = (typeof httpMethods)[number];

const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

function isCommentLine(line: string): boolean {
  const t = line.trimStart();
  return (t.startsWith('#') && !t.startsWith('###')) || t.startsWith('//');
}

function isSeparatorLine(line: string): boolean {
  return line.trimStart().startsWith('###');
}

/** Replace every `{{...}}` with as many `x` so validation keeps the columns right. */
function maskVariables(text: string): string {
  return text
    .replace(/\{\{[^}]*\}\}/g, (m) => 'x'.repeat(m.length))
    .replace(/\{\{.*$/, (m) => 'x'.repeat(m.length));
}

function hasVariable(text: string): boolean {
  return text.includes('{{');
}

function headerValue(headers: readonly (readonly [string, string])[], name: string) {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/**
 * Parse one request in `.http` syntax. Never throws; on failure it lists every error it found,
 * each with a 1-based line and column, so an editor can underline it.
 */
export function parseHttpRequest(text: string): ParseHttpRequestResult {
  const lines = text.split(/\r\n|\r|\n/);
  const errors: HttpSyntaxError[] = [];
  const error = (line: number, column: number, message: string) => {
    errors.push({ line: line + 1, column: column + 1, message });
  };

  let i = 0;
  while (i < lines.length) {
    const l = lines[i] ?? '';
    if (l.trim() === '' || isCommentLine(l) || isSeparatorLine(l)) i++;
    else break;
  }
  if (i >= lines.length) {
    return {
      ok: false,
      errors: [
        {
          line: 1,
          column: 1,
          message: 'Expected a request line such as "POST https://auth.example.com/oauth/token".',
        },
      ],
    };
  }

  // Request line.
  const requestLineIndex = i;
  const requestLine = lines[i] ?? '';
  const lead = requestLine.length - requestLine.trimStart().length;
  const content = requestLine.trimEnd();
  let method = 'GET';
  let url = '';
  let urlColumn = lead;
  const afterLead = content.slice(lead).search(/[ \t]/);
  const firstSpace = afterLead === -1 ? -1 : lead + afterLead;
  const firstWord = firstSpace === -1 ? content.slice(lead) : content.slice(lead, firstSpace);
  if (/^https?:\/\//i.test(firstWord) || firstWord.startsWith('{{')) {
    url = content.slice(lead);
  } else {
    method = firstWord;
    const masked = maskVariables(method);
    const bad = [...masked].findIndex((c) => !TOKEN_CHAR.test(c));
    if (bad !== -1) {
      error(i, lead + bad, `"${method}" is not a method: a method is a single word like POST.`);
    } else if (!hasVariable(method) && method !== method.toUpperCase()) {
      error(i, lead, `Methods are case-sensitive: write ${method.toUpperCase()}, not ${method}.`);
    } else if (!hasVariable(method) && !(httpMethods as readonly string[]).includes(method)) {
      error(i, lead, `Unknown method ${method}: use one of ${httpMethods.join(', ')}.`);
    }
    if (firstSpace === -1) {
      error(i, content.length, `Expected a URL after ${method}.`);
    } else {
      urlColumn = firstSpace;
      while (content[urlColumn] === ' ' || content[urlColumn] === '\t') urlColumn++;
      url = content.slice(urlColumn);
    }
  }
  const version = /\s+(HTTP\/\S*)$/.exec(url);
  if (version) {
    const versionColumn =
      urlColumn + (version.index ?? 0) + version[0].length - (version[1]?.length ?? 0);
    if (!/^HTTP\/(1\.1|1\.0|2(\.0)?|3)$/.test(version[1] ?? '')) {
      error(
        i,
        versionColumn,
        `"${version[1]}" is not an HTTP version: write HTTP/1.1 or leave it out.`,
      );
    }
    url = url.slice(0, version.index);
  }
  // Where each piece of the URL sits, for error columns: the request line, then continuations.
  const pieces = [{ line: i, column: urlColumn, text: url }];
  i++;
  while (i < lines.length && /^\s+[?&]/.test(lines[i] ?? '')) {
    const line = (lines[i] ?? '').trimEnd();
    const column = line.length - line.trimStart().length;
    pieces.push({ line: i, column, text: line.slice(column) });
    url += line.slice(column);
    i++;
  }
  let spaced = false;
  for (const piece of pieces) {
    const space = maskVariables(piece.text).search(/\s/);
    if (space !== -1 && !spaced) {
      spaced = true;
      error(
        piece.line,
        piece.column + space,
        'A URL cannot contain spaces: percent-encode them as %20 (or + in a query string).',
      );
    }
  }
  if (url !== '' && !spaced) {
    if (!hasVariable(url)) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        error(
          requestLineIndex,
          urlColumn,
          `"${url}" is not an absolute URL: start it with https://.`,
        );
      }
      if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        error(
          requestLineIndex,
          urlColumn,
          `Only http:// and https:// URLs can be sent, not ${parsed.protocol}.`,
        );
      }
    }
  }

  // Headers.
  const headers: [string, string][] = [];
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || isSeparatorLine(line)) break;
    if (isCommentLine(line)) {
      i++;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const colon = line.indexOf(':');
    if (colon === -1) {
      error(
        i,
        indent,
        'Expected a header "Name: value" (no ":" found). If this is the body, put a blank line before it.',
      );
    } else {
      const name = line.slice(indent, colon);
      const maskedName = maskVariables(name);
      if (name.length === 0) {
        error(i, indent, 'A header needs a name before the ":".');
      } else {
        const bad = [...maskedName].findIndex((c) => !TOKEN_CHAR.test(c));
        if (bad !== -1) {
          const ch = name[bad] ?? '';
          error(
            i,
            indent + bad,
            ch === ' ' || ch === '\t'
              ? 'No space is allowed in a header name or before its ":" (RFC 9112 §5.1).'
              : `"${ch}" cannot appear in a header name.`,
          );
        }
      }
      const value = line.slice(colon + 1).trim();
      headers.push([name, value]);
    }
    i++;
  }

  // Body.
  let body = '';
  if (i < lines.length && !isSeparatorLine(lines[i] ?? '')) {
    i++; // the blank line
    const bodyLines: string[] = [];
    while (i < lines.length && !isSeparatorLine(lines[i] ?? '')) {
      bodyLines.push(lines[i] ?? '');
      i++;
    }
    while (bodyLines.length > 0 && (bodyLines[bodyLines.length - 1] ?? '').trim() === '')
      bodyLines.pop();
    const contentType = headerValue(headers, 'content-type') ?? '';
    body = /^\s*application\/x-www-form-urlencoded/i.test(contentType)
      ? bodyLines.map((l) => l.trim()).join('')
      : bodyLines.join('\n');
  }
  // Anything after a ### separator other than comments and blank lines is a second request.
  if (i < lines.length) {
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (l.trim() !== '' && !isCommentLine(l) && !isSeparatorLine(l)) {
        error(j, 0, 'Only one request is allowed here: remove what follows the ### line.');
        break;
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, request: { method, url, headers, body } };
}

/**
 * Print a request in `.http` syntax. For a request without newlines in its header values and
 * without trailing blank lines in its body, `parseHttpRequest(printHttpRequest(r))` gives `r`
 * back (a form-urlencoded body must also be on one line, as it is on the wire).
 */
export function printHttpRequest(request: HttpRequestModel): string {
  const head = [
    `${request.method} ${request.url}`,
    ...request.headers.map(([n, v]) => `${n}: ${v}`),
  ];
  return request.body === '' ? `${head.join('\n')}\n` : `${head.join('\n')}\n\n${request.body}\n`;
}

/** `application/x-www-form-urlencoded` encoding of one string (the URL Standard's serializer). */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** Inverse of {@link formUrlEncode}; undefined for malformed percent-escapes. */
export function formUrlDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function base64Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The credentials of an HTTP Basic `Authorization` header for an OAuth client: base64 of the
 * form-urlencoded client_id, ":", and the form-urlencoded client_secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return base64Encode(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`);
}

/**
 * Decode HTTP Basic credentials made by {@link basicCredentials}; undefined when they are not
 * base64, have no ":", or carry malformed percent-escapes.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function decodeBasicCredentials(
  credentials: string,
): { clientId: string; clientSecret: string } | undefined {
  let binary: string;
  try {
    binary = atob(credentials.trim());
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon === -1) return undefined;
  const clientId = formUrlDecode(text.slice(0, colon));
  const clientSecret = formUrlDecode(text.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) return undefined;
  return { clientId, clientSecret };
}

/** The access token of an `Authorization: Bearer|DPoP <token>` value, if it has one. */
export function presentedToken(authorization: string | undefined): string | undefined {
  return /^\s*(?:bearer|dpop)\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

export interface FillVariablesOptions {
  /** Wall clock in milliseconds, for `{{$timestamp}}` (default `Date.now`). */
  now?: () => number;
  /** For `{{$uuid}}` (default `crypto.randomUUID`). */
  uuid?: () => string;
  /**
   * Signed client assertions, for `{{$client_assertion client_id}}` (by client_id) and
   * `{{$assertion client_id audience typ}}` (by `assertionKey`). Signing is asynchronous:
   * {@link fillVariablesAsync} makes them first.
   */
  assertions?: Readonly<Record<string, string>>;
  /**
   * The DPoP proofs of this request, for `{{$dpop}}` and `{{$dpop_thief}}`: signing is
   * asynchronous too, and a proof names the whole request, so {@link fillVariablesAsync} makes them.
   */
  dpopProofs?: Readonly<Partial<Record<DpopHelper, string>>>;
}

export interface FillVariablesResult {
  text: string;
  /** Variables with no value (and unknown built-ins as `$name`), each once, in order. */
  missing: string[];
  /** Built-ins called the wrong way, e.g. `$basic` without two arguments. */
  errors: string[];
}

/**
 * Fill `{{name}}` variables from `vars`, then the built-in helpers (see the module comment).
 * Unknown variables stay in the text as written and are listed in `missing`.
 */
export function fillVariables(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
  options: FillVariablesOptions = {},
): FillVariablesResult {
  const missing: string[] = [];
  const errors: string[] = [];
  const addMissing = (name: string) => {
    if (!missing.includes(name)) missing.push(name);
  };
  const filled = text.replace(plainVariablePattern(), (match, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      addMissing(name);
      return match;
    }
    return value;
  });
  const result = filled.replace(helperCallPattern(), (match, name: string, rawArgs: string) => {
    if (!isHelperName(name)) {
      addMissing(`$${name}`);
      return match;
    }
    const args = splitArgs(rawArgs);
    const problem = helperCallProblem(name, args);
    if (problem !== undefined) {
      errors.push(problem);
      return match;
    }
    switch (name) {
      case 'basic':
        return basicCredentials(args[0] ?? '', args[1] ?? '');
      case 'uuid':
        return (options.uuid ?? (() => crypto.randomUUID()))();
      case 'timestamp':
        return String(Math.floor((options.now ?? Date.now)() / 1000));
      case 'client_assertion':
      case 'assertion': {
        const assertion = options.assertions?.[assertionKey(name, args)];
        if (assertion === undefined) {
          errors.push(
            `No signing key for ${args[0]}: {{$${name}}} signs with the key pair this page made for that client.`,
          );
          return match;
        }
        return assertion;
      }
      case 'dpop':
      case 'dpop_thief': {
        const proof = options.dpopProofs?.[name];
        if (proof === undefined) {
          errors.push(
            `No DPoP proof could be made for {{$${name}}}: the page signs them with WebCrypto, in the lesson's requests.`,
          );
          return match;
        }
        return proof;
      }
    }
  });
  // Built-ins whose arguments still hold unfilled variables were left as they are.
  return { text: result, missing, errors };
}

/**
 * What an assertion helper asks for beyond its client: `$assertion`'s audience and whether the
 * header says `typ: client-authentication+jwt`. Absent: the draft's form (typed, the issuer).
 */
export interface AssertionShape {
  audience: string;
  typ: AssertionTyp;
}

/** What {@link fillVariablesAsync} needs beyond {@link FillVariablesOptions}. */
export interface FillVariablesAsyncOptions
  extends Omit<FillVariablesOptions, 'assertions' | 'dpopProofs'> {
  /** Makes a fresh RFC 7523 client assertion for a client_id (a new jti each call). */
  signAssertion?: (clientId: string, shape?: AssertionShape) => Promise<string | undefined>;
  /** Makes the request's DPoP proof for `{{$dpop}}` / `{{$dpop_thief}}` (RFC 9449 §4.2). */
  signDpop?: (helper: DpopHelper) => Promise<string | undefined>;
}

/**
 * {@link fillVariables}, after signing one client assertion for each
 * `{{$client_assertion client_id}}` the text uses (after plain variables are filled, so the
 * client_id may itself be a variable).
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function fillVariablesAsync(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
  options: FillVariablesAsyncOptions = {},
): Promise<FillVariablesResult> {
  const { signAssertion, signDpop, ...rest } = options;
  const assertions: Record<string, string> = {};
  const dpopProofs: Partial<Record<DpopHelper, string>> = {};
  if (signDpop) {
    for (const m of text.matchAll(helperCallPattern())) {
      const name = m[1];
      if ((name === 'dpop' || name === 'dpop_thief') && dpopProofs[name] === undefined) {
        const proof = await signDpop(name);
        if (proof !== undefined) dpopProofs[name] = proof;
      }
    }
  }
  if (signAssertion) {
    // Assertion calls survive this pass unfilled; their arguments now hold values.
    const { text: withVars } = fillVariables(text, vars, rest);
    for (const m of withVars.matchAll(helperCallPattern())) {
      const name = m[1];
      if (name !== 'client_assertion' && name !== 'assertion') continue;
      const args = splitArgs(m[2] ?? '');
      if (helperCallProblem(name, args) !== undefined) continue;
      const key = assertionKey(name, args);
      const [clientId, audience, typ] = args;
      if (clientId === undefined || Object.hasOwn(assertions, key)) continue;
      const signed =
        name === 'assertion' && audience !== undefined
          ? await signAssertion(clientId, {
              audience,
              typ: typ === 'untyped' ? 'untyped' : 'typed',
            })
          : await signAssertion(clientId);
      if (signed !== undefined) assertions[key] = signed;
    }
  }
  return fillVariables(text, vars, { ...rest, assertions, dpopProofs });
}
