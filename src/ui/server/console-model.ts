/**
 * The server console's logic, apart from React: the client form (validated here for quick,
 * field-level messages; the core validates again and has the last word), the key-rotation drill
 * and the "never log the client secret" probe. Each drives the mock through `send`, which is
 * `fetch` in the page (through the service worker) and `server.handle` in tests.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { isScopeToken } from '../../protocol/data.ts';
import type { ClientView, LogEntry, MockServer } from '../../protocol/index.ts';

export type Send = (request: Request) => Promise<Response>;

/** What the client form holds: text as typed. */
export interface ClientFormValues {
  id: string;
  credential: 'secret' | 'jwks' | 'federated';
  secret: string;
  /** A second secret, while the first is being rotated out ('' for none). */
  secret2: string;
  jwks: string;
  /** Federated credentials, as a JSON array of `{issuer, subject, audience}`. */
  federated: string;
  /** Space-separated. */
  scopes: string;
  tokenFormat: 'jwt' | 'opaque';
  /** Seconds, as typed. */
  ttl: string;
  /** Requests a minute, as typed; empty means no limit. */
  rateLimit: string;
}

export type ClientFormErrors = Partial<Record<keyof ClientFormValues, string>>;

export function emptyClientForm(): ClientFormValues {
  return {
    id: '',
    credential: 'secret',
    secret: '',
    secret2: '',
    jwks: '',
    federated: '',
    scopes: 'read:users',
    tokenFormat: 'jwt',
    ttl: '3600',
    rateLimit: '',
  };
}

export function formFromClient(client: ClientView): ClientFormValues {
  return {
    id: client.client_id,
    credential: client.jwks ? 'jwks' : client.federated_credentials ? 'federated' : 'secret',
    secret: client.client_secrets?.[0] ?? '',
    secret2: client.client_secrets?.[1] ?? '',
    jwks: client.jwks ? JSON.stringify(client.jwks, null, 2) : '',
    federated: client.federated_credentials
      ? JSON.stringify(client.federated_credentials, null, 2)
      : '',
    scopes: client.scopes.join(' '),
    tokenFormat: client.token_format,
    ttl: String(client.access_token_ttl),
    rateLimit: client.rate_limit_per_minute === null ? '' : String(client.rate_limit_per_minute),
  };
}

/**
 * The PUT body a form stands for, or a message per field. Mirrors the core's rules so the
 * learner sees mistakes before sending; the core's answer is shown too when it disagrees.
 */
export function clientBodyFromForm(
  values: ClientFormValues,
):
  | { ok: true; id: string; body: Record<string, unknown> }
  | { ok: false; errors: ClientFormErrors } {
  const errors: ClientFormErrors = {};
  const id = values.id;
  if (id.trim() === '') errors.id = 'Give the client an id, e.g. billing-job.';
  else if (!/^(?! )[\x20-\x7E]{1,128}(?<! )$/.test(id))
    errors.id = 'Use 1 to 128 printable ASCII characters, no leading or trailing space.';

  const body: Record<string, unknown> = {};
  const printable = /^[\x20-\x7E]{1,256}$/;
  if (values.credential === 'secret') {
    if (values.secret === '') errors.secret = 'Give a secret, or choose public keys (JWKS).';
    else if (!printable.test(values.secret))
      errors.secret = 'Use 1 to 256 printable ASCII characters.';
    if (values.secret2 !== '' && !printable.test(values.secret2))
      errors.secret2 = 'Use 1 to 256 printable ASCII characters.';
    else if (values.secret2 !== '' && values.secret2 === values.secret)
      errors.secret2 = 'The second secret must differ from the first.';
    if (!errors.secret && !errors.secret2) {
      if (values.secret2 === '') body.client_secret = values.secret;
      else body.client_secrets = [values.secret, values.secret2];
    }
  } else if (values.credential === 'federated') {
    try {
      const federated: unknown = JSON.parse(values.federated);
      if (!Array.isArray(federated) || federated.length === 0) {
        errors.federated =
          'Paste a JSON array of federated credentials: [{"issuer": "…", "subject": "…", "audience": "…"}].';
      } else {
        body.federated_credentials = federated;
      }
    } catch {
      errors.federated =
        'This is not valid JSON. Paste an array: [{"issuer": "…", "subject": "…", "audience": "…"}].';
    }
  } else {
    try {
      const jwks: unknown = JSON.parse(values.jwks);
      if (
        typeof jwks !== 'object' ||
        jwks === null ||
        !Array.isArray((jwks as { keys?: unknown }).keys)
      ) {
        errors.jwks = 'Paste a JWKS: {"keys": [ {public JWK} ]}.';
      } else {
        body.jwks = jwks;
      }
    } catch {
      errors.jwks = 'This is not valid JSON. Paste a JWKS: {"keys": [ {public JWK} ]}.';
    }
  }

  const scopes = values.scopes.split(/\s+/).filter((s) => s !== '');
  if (scopes.length > 50) errors.scopes = 'At most 50 scopes.';
  else if (!scopes.every(isScopeToken))
    errors.scopes = 'Scope names cannot contain quotes or backslashes; separate them with spaces.';
  else body.scopes = scopes;

  body.token_format = values.tokenFormat;

  const ttl = Number(values.ttl);
  if (values.ttl.trim() === '' || !Number.isInteger(ttl) || ttl < 1 || ttl > 86400)
    errors.ttl = 'A whole number of seconds from 1 to 86400.';
  else body.access_token_ttl = ttl;

  if (values.rateLimit.trim() === '') body.rate_limit_per_minute = null;
  else {
    const limit = Number(values.rateLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
      errors.rateLimit = 'A whole number from 1 to 100000, or empty for no limit.';
    else body.rate_limit_per_minute = limit;
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, id, body };
}

/** Read a response's JSON (or undefined). */
async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** Call the control API; throw its error_description. */
export async function adminCall(
  server: MockServer,
  send: Send,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await send(
    new Request(`${server.options.issuer}/__admin${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    }),
  );
  const parsed = await jsonOf(response);
  if (!response.ok) {
    const description =
      typeof parsed === 'object' && parsed !== null && 'error_description' in parsed
        ? String(parsed.error_description)
        : `HTTP ${response.status}`;
    throw new Error(description);
  }
  return parsed;
}

/** A fresh random secret, for "Add a second secret". */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** An example federated credential for a new client: the platform's main-branch job. */
export function exampleFederatedCredentials(server: MockServer, clientId: string): string {
  const ci = server.options.ciIssuer ?? `${server.options.issuer}/ci`;
  const repo = clientId.trim() === '' ? 'my-service' : clientId.trim();
  return JSON.stringify(
    [
      {
        issuer: ci,
        subject: `repo:acme/${repo}:ref:refs/heads/main`,
        audience: server.options.issuer,
      },
    ],
    null,
    2,
  );
}

/** A client with a secret to get tokens with (demo-client when it is there). */
export function secretClient(server: MockServer): ClientView | undefined {
  const clients = server.admin.listClients().filter((c) => c.client_secret !== undefined);
  return clients.find((c) => c.client_id === 'demo-client') ?? clients[0];
}

/** One step of the key-rotation drill. */
export interface DrillStep {
  label: string;
  ok: boolean;
  detail: string;
}

export interface DrillResult {
  steps: DrillStep[];
  /** Every step as expected: old token verified after rotation, refused after retirement. */
  ok: boolean;
}

const kidOf = (token: string): string | undefined => {
  try {
    const header = JSON.parse(
      atob((token.split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
    ) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The key-rotation drill: get a token, rotate the signing key, show the old token still
 * verifies (its key stays in the JWKS), retire the old key, show the old token is now refused at
 * the kid check and a new token works. Stops at the first step that went wrong.
 */
export async function runRotationDrill(server: MockServer, send: Send): Promise<DrillResult> {
  const steps: DrillStep[] = [];
  const done = () => ({ steps, ok: steps.length === 6 && steps.every((s) => s.ok) });
  const client = secretClient(server);
  if (!client?.client_secret) {
    steps.push({
      label: 'Get a token',
      ok: false,
      detail: 'No client with a secret is registered. Reset the server or add one.',
    });
    return done();
  }
  const { issuer, apiOrigin } = server.options;
  const getToken = async () => {
    const response = await send(
      new Request(`${issuer}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: client.client_secret ?? '',
        }).toString(),
      }),
    );
    const body = (await jsonOf(response)) as { access_token?: string; error_description?: string };
    return { status: response.status, token: body?.access_token, body };
  };
  const callApi = async (token: string) => {
    const response = await send(
      new Request(`${apiOrigin}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } }),
    );
    await response.text();
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate') ?? '',
    };
  };

  const first = await getToken();
  const oldKid = first.token ? kidOf(first.token) : undefined;
  if (!first.token || !oldKid) {
    steps.push({
      label: `Get a token for ${client.client_id}`,
      ok: false,
      detail:
        first.token && !oldKid
          ? `${client.client_id} gets opaque tokens; the drill needs a JWT client.`
          : `The token endpoint answered ${first.status}: ${first.body?.error_description ?? ''}`,
    });
    return done();
  }
  steps.push({
    label: `Get a token for ${client.client_id}`,
    ok: true,
    detail: `signed by key ${oldKid.slice(0, 10)}…`,
  });

  const rotated = (await adminCall(server, send, 'POST', '/keys/rotate', {})) as { kid: string };
  steps.push({
    label: 'Rotate the signing key',
    ok: rotated.kid !== oldKid,
    detail: `new active key ${rotated.kid.slice(0, 10)}…; the old one stays in the JWKS`,
  });

  const afterRotate = await callApi(first.token);
  steps.push({
    label: 'Call the API with the old token',
    ok: afterRotate.status === 200,
    detail:
      afterRotate.status === 200
        ? '200: the old key is still published, so the token verifies'
        : `${afterRotate.status}: ${afterRotate.challenge}`,
  });
  if (afterRotate.status !== 200) return done();

  const retired = (await adminCall(server, send, 'POST', '/keys/retire')) as { retired: string[] };
  steps.push({
    label: 'Retire the old key',
    ok: retired.retired.includes(oldKid),
    detail: `removed from the JWKS: ${retired.retired.map((k) => `${k.slice(0, 10)}…`).join(', ') || 'nothing'}`,
  });

  const afterRetire = await callApi(first.token);
  steps.push({
    label: 'Call the API with the old token again',
    ok: afterRetire.status === 401 && afterRetire.challenge.includes('kid check'),
    detail: `${afterRetire.status}: ${afterRetire.challenge || 'no challenge'}`,
  });

  const fresh = await getToken();
  const freshCall = fresh.token ? await callApi(fresh.token) : undefined;
  steps.push({
    label: 'A new token works',
    ok: freshCall?.status === 200,
    detail: freshCall ? `${freshCall.status} with a token signed by the new key` : 'no token',
  });
  return done();
}

/** What the redaction probe found. */
export interface RedactionProbe {
  clientId: string;
  secret: string;
  status: number;
  /** The log entry of the probe request. */
  entry: LogEntry | undefined;
  /** How many times the secret appears anywhere in that entry. */
  occurrences: number;
}

/**
 * "Never log the client secret", shown working: send a token request with the secret in the
 * body (client_secret_post, where a careless log would keep it), then search the server's log
 * entry for it.
 */
export async function probeSecretRedaction(
  server: MockServer,
  send: Send,
): Promise<RedactionProbe> {
  const client = secretClient(server);
  if (!client?.client_secret) {
    throw new Error('No client with a secret is registered. Reset the server or add one.');
  }
  const secret = client.client_secret;
  const response = await send(
    new Request(`${server.options.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: secret,
      }).toString(),
    }),
  );
  await response.text();
  const id = response.headers.get('x-request-id');
  const entry = server.admin.log().find((e) => e.id === id);
  const text = entry ? JSON.stringify(entry) : '';
  return {
    clientId: client.client_id,
    secret,
    status: response.status,
    entry,
    occurrences: secret === '' ? 0 : text.split(secret).length - 1,
  };
}

/** An issued token's state at the server's time. */
export function tokenState(
  token: { jti: string; exp: number },
  now: number,
  leewaySeconds: number,
  revoked: ReadonlySet<string>,
): 'live' | 'expired' | 'revoked' {
  if (revoked.has(token.jti)) return 'revoked';
  return token.exp + leewaySeconds <= now ? 'expired' : 'live';
}

/**
 * A JWKS with one new ES256 public key, for registering a private_key_jwt client. The private
 * half is made in the page and dropped: registering needs only the public key.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function newPublicJwks(): Promise<string> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] }, null, 2);
}

/** A fault rule as `PUT /__admin/faults` takes it (without the counters the server keeps). */
export interface FaultRuleInput {
  target: 'token' | 'api' | 'introspect' | 'revoke';
  kind: 'status' | 'delay' | 'drop';
  status?: number;
  retry_after?: number;
  delay_ms?: number;
  count?: number;
  probability?: number;
}

/** What the faults form holds: text as typed. */
export interface FaultFormValues {
  target: FaultRuleInput['target'];
  kind: FaultRuleInput['kind'];
  status: string;
  retryAfter: string;
  delayMs: string;
  /** Empty: every matching request. */
  count: string;
  /** Percent, empty: always. */
  percent: string;
}

export function emptyFaultForm(): FaultFormValues {
  return {
    target: 'token',
    kind: 'status',
    status: '503',
    retryAfter: '2',
    delayMs: '1500',
    count: '3',
    percent: '',
  };
}

/** Where a fault can hit, as the panel names it. */
export const FAULT_TARGET_LABELS: Record<FaultRuleInput['target'], string> = {
  token: 'Token endpoint',
  api: 'API',
  introspect: 'Introspection',
  revoke: 'Revocation',
};

const wholeNumber = (text: string, min: number, max: number): number | undefined => {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= min && n <= max ? n : undefined;
};

/**
 * The rule a filled form stands for, or a message per field. The core checks again (and has the
 * last word); this is for quick messages beside the fields.
 */
export function faultFromForm(
  values: FaultFormValues,
):
  | { ok: true; rule: FaultRuleInput }
  | { ok: false; errors: Partial<Record<keyof FaultFormValues, string>> } {
  const errors: Partial<Record<keyof FaultFormValues, string>> = {};
  const rule: FaultRuleInput = { target: values.target, kind: values.kind };
  if (values.kind === 'status') {
    const status = wholeNumber(values.status, 429, 599);
    if (status === undefined || (status !== 429 && status < 500)) {
      errors.status = 'A status of 429 or 500 to 599.';
    } else rule.status = status;
    if (values.retryAfter.trim() !== '') {
      const retry = wholeNumber(values.retryAfter, 0, 86_400);
      if (retry === undefined) errors.retryAfter = 'Whole seconds, 0 to 86400, or empty.';
      else rule.retry_after = retry;
    }
  }
  if (values.kind === 'delay') {
    const delay = wholeNumber(values.delayMs, 1, 30_000);
    if (delay === undefined) errors.delayMs = 'Whole milliseconds, 1 to 30000.';
    else rule.delay_ms = delay;
  }
  if (values.count.trim() !== '') {
    const count = wholeNumber(values.count, 1, 10_000);
    if (count === undefined)
      errors.count = 'A whole number from 1 to 10000, or empty for every request.';
    else rule.count = count;
  }
  if (values.percent.trim() !== '') {
    const percent = Number(values.percent.trim());
    if (!/^\d+(\.\d+)?$/.test(values.percent.trim()) || percent > 100) {
      errors.percent = 'A percentage from 0 to 100, or empty for always.';
    } else rule.probability = percent / 100;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, rule };
}

/** A rule in words: "Token endpoint: 503, Retry-After 2 s, next 3 requests". */
export function describeFault(
  rule: FaultRuleInput & { remaining?: number; fired?: number },
): string {
  const what =
    rule.kind === 'status'
      ? `${rule.status}${rule.retry_after !== undefined ? `, Retry-After ${rule.retry_after} s` : ''}`
      : rule.kind === 'delay'
        ? `${rule.delay_ms} ms delay`
        : 'connection dropped';
  const how = [
    rule.count !== undefined
      ? `${rule.remaining ?? rule.count} of the next ${rule.count} requests left`
      : 'every request',
    rule.probability !== undefined ? `at ${Math.round(rule.probability * 1000) / 10}%` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${FAULT_TARGET_LABELS[rule.target]}: ${what}; ${how}`;
}

/** A logged fault in a few words, for the request log. */
export function describeLoggedFault(fault: {
  kind: 'status' | 'delay' | 'drop';
  status?: number;
  delay_ms?: number;
}): string {
  const delay = fault.delay_ms !== undefined ? `${fault.delay_ms} ms delay` : undefined;
  if (fault.kind === 'drop') return ['injected: dropped', delay].filter(Boolean).join(', ');
  if (fault.kind === 'status')
    return ['injected', String(fault.status), delay].filter(Boolean).join(' ');
  return `injected: ${delay}`;
}

/** One-click faults for a resilient client's drills (the WireMock habit). */
export const FAULT_PRESETS: readonly { label: string; rule: FaultRuleInput }[] = [
  {
    label: 'Token endpoint down: 503 ×3, Retry-After 2',
    rule: { target: 'token', kind: 'status', status: 503, retry_after: 2, count: 3 },
  },
  {
    label: 'Token endpoint slow: 2 s ×1',
    rule: { target: 'token', kind: 'delay', delay_ms: 2000, count: 1 },
  },
  { label: 'Connections dropped ×2', rule: { target: 'token', kind: 'drop', count: 2 } },
  {
    label: 'API flaky: 500 at 30%',
    rule: { target: 'api', kind: 'status', status: 500, probability: 0.3 },
  },
];

/** The rules as a PUT body: the current list (as set, counters restarted) plus `extra`. */
export function faultsBody(
  current: readonly FaultRuleInput[],
  extra: FaultRuleInput | undefined,
  seed: number,
): { faults: FaultRuleInput[]; seed: number } {
  const strip = ({
    target,
    kind,
    status,
    retry_after,
    delay_ms,
    count,
    probability,
  }: FaultRuleInput) => ({
    target,
    kind,
    ...(status !== undefined && { status }),
    ...(retry_after !== undefined && { retry_after }),
    ...(delay_ms !== undefined && { delay_ms }),
    ...(count !== undefined && { count }),
    ...(probability !== undefined && { probability }),
  });
  return { faults: [...current.map(strip), ...(extra ? [strip(extra)] : [])], seed };
}
