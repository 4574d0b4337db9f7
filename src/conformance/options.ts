/**
 * The runner's options and the command-line parser. Hand-written (no node:util) so this folder
 * stays Web-API-only; the script reads files and the environment, this only parses.
 */

export interface ConformanceOptions {
  /** The issuer identifier, exactly as the server should name itself. */
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The private key's text: a JWK (JSON) or a PKCS#8 PEM. The script reads the file. */
  privateKey?: string;
  /** Where the key came from, for the report. */
  privateKeyFile?: string;
  /** JWS alg for client assertions; guessed from the key when absent. */
  alg?: string;
  /** kid for client assertions; the JWK's own kid when absent. */
  kid?: string;
  /** What the client assertion's aud names (RFC 7523 §3 allows either). */
  assertionAud?: 'token-endpoint' | 'issuer';
  scope?: string;
  audience?: string;
  resource?: string;
  /** A resource API URL to try the token on (GET). */
  api?: string;
  /** An API URL that needs a scope this client may not have. */
  forbiddenApi?: string;
  /** A token that has expired, for the API's expiry check. */
  expiredToken?: string;
  timeoutMs: number;
  json: boolean;
  /** undefined: colour when the output is a terminal. */
  color?: boolean;
}

export type ParsedArgs =
  | { kind: 'run'; options: ConformanceOptions }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const USAGE = `Usage: npm run conformance -- --issuer <url> --client-id <id> [credentials] [options]

Checks an OAuth 2.0 authorization server (RFC 8414 or OpenID discovery metadata) against the
client credentials checklist: happy paths, negatives, edge cases and security.

Credentials (at least one):
  --client-secret <secret>   tests client_secret_basic and client_secret_post
                             (or set CONFORMANCE_CLIENT_SECRET, which keeps it out of shell history)
  --private-key <file>       a private JWK (JSON) or PKCS#8 PEM file: tests private_key_jwt
  --alg <alg>                the assertion's alg (default: the JWK's alg, else from the key type)
  --kid <kid>                the assertion's kid (default: the JWK's kid)
  --assertion-aud <which>    the assertion's aud: token-endpoint (default) or issuer

Token request:
  --scope "<a b>"            scope to ask for (default: none, the server's default)
  --audience <aud>           sent as audience= (Auth0 and others need it)
  --resource <uri>           sent as resource= (RFC 8707)

Resource API (optional):
  --api <url>                an API URL that accepts the token with GET
  --forbidden-api <url>      an API URL that needs a scope this client may not have: expects 403
                             insufficient_scope, then asks for the scope that 403 names and
                             expects it refused or left out
  --expired-token <jwt>      a token that has expired, to check that the API refuses it

Output:
  --json                     the report as JSON on stdout
  --color / --no-color       force colours on or off (default: on for a terminal)
  --timeout <ms>             per request (default 10000)
  -h, --help                 this text

Exit codes: 0 every MUST passed, 1 a MUST failed, 2 bad usage, 3 inconclusive (the server
could not be reached, or it refused the credentials: the report says which).`;

type Spec = { type: 'string' | 'boolean' };

const SPECS: Record<string, Spec> = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'private-key': { type: 'string' },
  alg: { type: 'string' },
  kid: { type: 'string' },
  'assertion-aud': { type: 'string' },
  scope: { type: 'string' },
  audience: { type: 'string' },
  resource: { type: 'string' },
  api: { type: 'string' },
  'forbidden-api': { type: 'string' },
  'expired-token': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean' },
};

/** Split argv into option values; unknown options and missing values are errors. */
function readArgs(argv: readonly string[]): Map<string, string | true> | string {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h') {
      values.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) {
      return `Unexpected argument "${arg}". Options start with --, e.g. --issuer https://auth.example.com`;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = SPECS[name];
    if (!spec) {
      return `Unknown option --${name}. Run with --help to see the options.`;
    }
    if (values.has(name)) return `--${name} is given twice. Give it once.`;
    if (spec.type === 'boolean') {
      if (eq !== -1) return `--${name} takes no value.`;
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === '') return `--${name} needs a value.`;
    values.set(name, value);
  }
  return values;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Parse `npm run conformance -- ...` arguments. `env` supplies CONFORMANCE_CLIENT_SECRET; the
 * private key stays a path here (the script reads it).
 */
export function parseConformanceArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ParsedArgs {
  const values = readArgs(argv);
  if (typeof values === 'string') return { kind: 'error', message: values };
  if (values.get('help') === true) return { kind: 'help' };
  const str = (name: string): string | undefined => {
    const v = values.get(name);
    return typeof v === 'string' ? v : undefined;
  };

  const issuer = str('issuer');
  if (issuer === undefined) {
    return {
      kind: 'error',
      message:
        "Missing --issuer: the authorization server's issuer URL, e.g. --issuer https://auth.example.com",
    };
  }
  if (!isHttpUrl(issuer)) {
    return { kind: 'error', message: `--issuer must be an http(s) URL, got "${issuer}".` };
  }
  const clientId = str('client-id');
  if (clientId === undefined) {
    return { kind: 'error', message: 'Missing --client-id: the client to request tokens as.' };
  }
  const clientSecret = str('client-secret') ?? (env.CONFORMANCE_CLIENT_SECRET || undefined);
  const privateKeyFile = str('private-key');
  if (clientSecret === undefined && privateKeyFile === undefined) {
    return {
      kind: 'error',
      message:
        'Missing credentials: give --client-secret <secret> (or CONFORMANCE_CLIENT_SECRET) and/or --private-key <file>.',
    };
  }
  const api = str('api');
  if (api !== undefined && !isHttpUrl(api)) {
    return { kind: 'error', message: `--api must be an http(s) URL, got "${api}".` };
  }
  let timeoutMs = 10_000;
  const timeout = str('timeout');
  if (timeout !== undefined) {
    timeoutMs = Number(timeout);
    if (!/^\d+$/.test(timeout) || timeoutMs < 1 || timeoutMs > 600_000) {
      return {
        kind: 'error',
        message: `--timeout is in milliseconds, from 1 to 600000; got "${timeout}".`,
      };
    }
  }
  if (values.has('color') && values.has('no-color')) {
    return { kind: 'error', message: 'Give --color or --no-color, not both.' };
  }
  if (values.has('alg') && privateKeyFile === undefined) {
    return { kind: 'error', message: '--alg only applies with --private-key <file>.' };
  }
  if (values.has('kid') && privateKeyFile === undefined) {
    return { kind: 'error', message: '--kid only applies with --private-key <file>.' };
  }
  const assertionAud = str('assertion-aud');
  if (assertionAud !== undefined) {
    if (privateKeyFile === undefined) {
      return { kind: 'error', message: '--assertion-aud only applies with --private-key <file>.' };
    }
    if (assertionAud !== 'token-endpoint' && assertionAud !== 'issuer') {
      return {
        kind: 'error',
        message: `--assertion-aud is token-endpoint or issuer, got "${assertionAud}".`,
      };
    }
  }
  if (values.has('expired-token') && !values.has('api')) {
    return { kind: 'error', message: '--expired-token needs --api <url> to send it to.' };
  }
  if (values.has('forbidden-api') && !values.has('api')) {
    return {
      kind: 'error',
      message: '--forbidden-api needs --api <url> too (a route the token may call).',
    };
  }
  const forbiddenApi = str('forbidden-api');
  if (forbiddenApi !== undefined && !isHttpUrl(forbiddenApi)) {
    return {
      kind: 'error',
      message: `--forbidden-api must be an http(s) URL, got "${forbiddenApi}".`,
    };
  }

  const options: ConformanceOptions = {
    issuer,
    clientId,
    timeoutMs,
    json: values.get('json') === true,
  };
  if (clientSecret !== undefined) options.clientSecret = clientSecret;
  if (privateKeyFile !== undefined) options.privateKeyFile = privateKeyFile;
  const copy = [
    ['alg', 'alg'],
    ['kid', 'kid'],
    ['scope', 'scope'],
    ['audience', 'audience'],
    ['resource', 'resource'],
    ['api', 'api'],
    ['forbidden-api', 'forbiddenApi'],
    ['expired-token', 'expiredToken'],
  ] as const;
  for (const [flag, key] of copy) {
    const value = str(flag);
    if (value !== undefined) options[key] = value;
  }
  if (assertionAud === 'issuer' || assertionAud === 'token-endpoint') {
    options.assertionAud = assertionAud;
  }
  if (values.has('color')) options.color = true;
  if (values.has('no-color')) options.color = false;
  return { kind: 'run', options };
}
