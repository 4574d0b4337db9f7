/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  /** The auth-scheme as sent (compare it case-insensitively: `Bearer`, `bearer`). */
  scheme: string;
  /** auth-params, names lower-cased (they are case-insensitive), values unquoted and unescaped. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of params. */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * Parse a `WWW-Authenticate` (or `Proxy-Authenticate`) field value into its challenges.
 * Handles several challenges in one value, quoted strings with backslash escapes, optional
 * whitespace around `=` and commas, empty list elements, and token68. Never throws: a part it
 * cannot read is skipped up to the next comma.
 *
 * @example parseWwwAuthenticate('Bearer realm="api", error="invalid_token", Basic realm="x"')
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.2 (auth-param grammar)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 (the Bearer challenge)
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const s = header;
  let pos = 0;
  const challenges: AuthChallenge[] = [];

  const skipOws = () => {
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t')) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < s.length && TCHAR.test(s[pos] ?? '')) pos++;
    return s.slice(start, pos);
  };
  const readQuoted = (): string | undefined => {
    // s[pos] is the opening quote
    let out = '';
    pos++;
    while (pos < s.length) {
      const c = s[pos] ?? '';
      if (c === '\\') {
        if (pos + 1 >= s.length) return undefined;
        out += s[pos + 1];
        pos += 2;
      } else if (c === '"') {
        pos++;
        return out;
      } else {
        out += c;
        pos++;
      }
    }
    return undefined; // unterminated
  };
  const skipToComma = () => {
    while (pos < s.length && s[pos] !== ',') {
      if (s[pos] === '"') {
        if (readQuoted() === undefined) pos = s.length;
      } else pos++;
    }
  };
  /** Does `token BWS "="` start at pos? */
  const looksLikeParam = (): boolean => {
    const save = pos;
    const name = readToken();
    skipOws();
    const isParam = name !== '' && s[pos] === '=';
    pos = save;
    return isParam;
  };
  const atElementEnd = (at: number): boolean => {
    let p = at;
    while (p < s.length && (s[p] === ' ' || s[p] === '\t')) p++;
    return p >= s.length || s[p] === ',';
  };

  while (pos < s.length) {
    skipOws();
    if (s[pos] === ',') {
      pos++;
      continue;
    }
    if (pos >= s.length) break;
    const scheme = readToken();
    if (scheme === '') {
      skipToComma();
      continue;
    }
    const challenge: AuthChallenge = { scheme, params: {} };
    challenges.push(challenge);
    if (s[pos] !== ' ' && s[pos] !== '\t') {
      if (pos < s.length && s[pos] !== ',') skipToComma();
      continue;
    }
    skipOws();
    const t68 = TOKEN68.exec(s.slice(pos));
    if (t68 && atElementEnd(pos + t68[0].length)) {
      // `abc==` alone: token68 (a param always has a value after its `=`)
      challenge.token68 = t68[0];
      pos += t68[0].length;
      continue;
    }
    // auth-params, separated by commas, until an element that is not `name=`
    for (;;) {
      skipOws();
      if (!looksLikeParam()) {
        // not a param: either the end, or a stray element we skip
        if (pos < s.length && s[pos] !== ',') skipToComma();
        break;
      }
      const name = readToken().toLowerCase();
      skipOws();
      pos++; // '='
      skipOws();
      let value: string | undefined;
      if (s[pos] === '"') value = readQuoted();
      else {
        const v = readToken();
        value = v === '' ? undefined : v;
      }
      if (value !== undefined && !Object.hasOwn(challenge.params, name)) {
        // an own property even for "__proto__": a header must not reach the prototype
        Object.defineProperty(challenge.params, name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      skipOws();
      if (value === undefined || (pos < s.length && s[pos] !== ',')) skipToComma();
      if (pos >= s.length) break;
      // s[pos] === ','; skip empty elements, then decide: another param or a new challenge
      while (pos < s.length && (s[pos] === ',' || s[pos] === ' ' || s[pos] === '\t')) pos++;
      if (pos >= s.length) break;
      if (!looksLikeParam()) break;
    }
  }
  return challenges;
}

/** The first challenge with this scheme (case-insensitive). */
export function findChallenge(
  challenges: readonly AuthChallenge[],
  scheme: string,
): AuthChallenge | undefined {
  const lower = scheme.toLowerCase();
  return challenges.find((c) => c.scheme.toLowerCase() === lower);
}
