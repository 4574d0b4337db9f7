import type { CryptoKey } from 'jose';
import { type Admin, createAdmin, type ResetPart } from './admin.ts';
import { createClock } from './clock.ts';
import { type CiEndpoints, type Endpoints, pruneSoon, type ServerContext } from './context.ts';
import { errorBody, OAuthError } from './errors.ts';
import { drawFaults, faultResponse, faultTargetOf } from './faults.ts';
import { defaultCiIssuer } from './hosts.ts';
import {
  dropped,
  json,
  NO_STORE,
  type ProtocolResponse,
  type SerializedResponse,
  serialize,
  toResponse,
} from './http.ts';
import { generateSigningKey, KeyRing } from './keys.ts';
import { type EndpointName, LOG_CAPACITY, type LogEntry } from './log.ts';
import type { MockServerOptions } from './options.ts';
import { redactHeaders, redactJson, redactUrl } from './redact.ts';
import { dispatch } from './router.ts';
import { type SeedHosts, seedClients, seedOrders } from './seed.ts';
import {
  defaultSettings,
  dict,
  type FaultTarget,
  noFaults,
  parseSnapshot,
  type ServerSnapshot,
  type StateStore,
} from './state.ts';
import { Trace } from './trace.ts';
import { WORKLOAD_TOKEN_ALG } from './workload-platform.ts';

/** A running mock authorization server + resource API. */
export interface MockServer {
  readonly options: MockServerOptions;
  /**
   * Answer any request to the issuer or API origin (404 JSON for unknown paths on our hosts,
   * 405 + Allow for known paths with the wrong method). Undefined for foreign origins.
   */
  handle(request: Request): Promise<Response | undefined>;
  /**
   * `handle` without the Web `Response`: status, headers and body text, for a runtime that writes
   * HTTP itself (the Node adapter), where a Response's body stream costs more than the answer.
   */
  respond(request: Request): Promise<SerializedResponse | undefined>;
  /** The same functions the /__admin API calls; the playground's panels call these directly. */
  readonly admin: Admin;
  /** Live request log: called with each new (redacted) entry. Returns an unsubscribe function. */
  subscribe(listener: (entry: LogEntry) => void): () => void;
  /** Save the state now (saves are otherwise coalesced to one per task). */
  flush(): Promise<void>;
  /** The live state (read-only by convention): what the store saves. */
  snapshot(): ServerSnapshot;
  /**
   * Take the state another copy of this server made (the page's tabs share one state: see
   * src/mocks/tab-sync.ts), validated like a stored snapshot. Resolves false, changing nothing,
   * if it does not validate. Does not save.
   */
  replaceState(snapshot: unknown): Promise<boolean>;
}

const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers':
    'x-request-id, www-authenticate, retry-after, location, allow, dpop-nonce',
};

function originOf(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new TypeError(`${name} must be an origin without path, query or fragment, got ${value}`);
  }
  return url.origin;
}

/** The workload platform's issuer: an origin, or an origin and a path, nothing else. */
function ciEndpointsFor(value: string): CiEndpoints {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`ciIssuer must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`ciIssuer must have no query or fragment, got ${value}`);
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  const issuer = `${url.origin}${basePath}`;
  return {
    issuer,
    origin: url.origin,
    basePath,
    discovery: `${issuer}/.well-known/openid-configuration`,
    jwks: `${issuer}/.well-known/jwks.json`,
    workloadToken: `${issuer}/workload-token`,
  };
}

function endpointsFor(options: MockServerOptions): Endpoints {
  const issuer = originOf(options.issuer, 'issuer');
  const apiOrigin = originOf(options.apiOrigin, 'apiOrigin');
  new URL(options.audience);
  return {
    ci: ciEndpointsFor(options.ciIssuer ?? defaultCiIssuer(issuer)),
    issuer,
    token: `${issuer}/oauth/token`,
    introspection: `${issuer}/oauth/introspect`,
    revocation: `${issuer}/oauth/revoke`,
    jwks: `${issuer}/.well-known/jwks.json`,
    discovery: `${issuer}/.well-known/oauth-authorization-server`,
    apiOrigin,
    audience: options.audience,
  };
}

/** The seeded state, with freshly made signing keys (the server's and the platform's). */
async function seedState(
  seed: SeedHosts,
  nowSeconds: number,
  kept?: Pick<ServerSnapshot, 'keys' | 'ciKeys'>,
): Promise<ServerSnapshot> {
  const settings = defaultSettings();
  return {
    version: 1,
    clients: seedClients(seed),
    keys: kept?.keys ?? [await generateSigningKey(settings.signingAlg, nowSeconds)],
    settings,
    ciKeys: kept?.ciKeys ?? [await generateSigningKey(WORKLOAD_TOKEN_ALG, nowSeconds)],
    clockOffsetMs: 0,
    issued: [],
    opaque: dict(),
    revoked: dict(),
    seenAssertions: dict(),
    seenDpopProofs: dict(),
    dpopNonces: {},
    faults: noFaults(),
    rateLimits: dict(),
    orders: seedOrders(),
    nextOrderNumber: 1003,
    log: [],
  };
}

interface LoadedState {
  state: ServerSnapshot;
  keys: KeyRing;
  ciKeys: KeyRing;
}

/** Import a state's key rings; a state saved before the workload platform gets its first key. */
async function loadKeyRings(state: ServerSnapshot, nowMs: number): Promise<LoadedState> {
  if (state.ciKeys.length === 0) {
    state.ciKeys.push(await generateSigningKey(WORKLOAD_TOKEN_ALG, Math.floor(nowMs / 1000)));
  }
  const [keys, ciKeys] = await Promise.all([KeyRing.load(state.keys), KeyRing.load(state.ciKeys)]);
  return { state, keys, ciKeys };
}

async function loadState(
  store: StateStore | undefined,
  nowMs: number,
): Promise<LoadedState | undefined> {
  try {
    const state = parseSnapshot(await store?.load(), nowMs);
    if (!state) return undefined;
    return await loadKeyRings(state, nowMs);
  } catch {
    return undefined;
  }
}

/**
 * Install a snapshot made elsewhere as the live state. The key ring is rebuilt only when the keys
 * differ (importing them is the costly part); otherwise it keeps its array, now the new state's.
 */
async function replaceState(
  context: ServerContext,
  input: unknown,
  nowMs: number,
): Promise<boolean> {
  const state = parseSnapshot(input, nowMs);
  if (!state || state.ciKeys.length === 0) return false;
  const sameKeys = JSON.stringify(state.keys) === JSON.stringify(context.state.keys);
  const sameCiKeys = JSON.stringify(state.ciKeys) === JSON.stringify(context.state.ciKeys);
  let keys = context.keys;
  let ciKeys = context.ciKeys;
  try {
    if (sameKeys) state.keys = context.state.keys;
    else keys = await KeyRing.load(state.keys);
    if (sameCiKeys) state.ciKeys = context.state.ciKeys;
    else ciKeys = await KeyRing.load(state.ciKeys);
  } catch {
    return false;
  }
  context.keys = keys;
  context.ciKeys = ciKeys;
  context.state = state;
  context.clientKeyCache.clear();
  return true;
}

/** What an injected fault did to one request, for its log entry. */
interface InjectedFault {
  fault?: LogEntry['fault'];
  /** The error an injected status stands for. */
  failure?: OAuthError;
}

/**
 * Draw the faults set for `target` (PUT /__admin/faults): a delay first, then maybe an answer in
 * the endpoint's place, an error status or nothing at all (a dropped connection). Module-level,
 * not a closure in `answer`, so that nothing is made per request when no fault is set.
 */
async function injectFault(
  context: ServerContext,
  trace: Trace,
  target: FaultTarget,
  injected: InjectedFault,
): Promise<ProtocolResponse | undefined> {
  const drawn = drawFaults(context.state.faults, target);
  if (drawn.fired) context.changed();
  if (drawn.delayMs > 0) {
    trace.pass('injectDelay');
    injected.fault = { kind: 'delay', delay_ms: drawn.delayMs };
    await new Promise((resolve) => setTimeout(resolve, drawn.delayMs));
  }
  const rule = drawn.stop;
  if (!rule) return undefined;
  trace.fail('injectFault');
  const delay = drawn.delayMs > 0 ? { delay_ms: drawn.delayMs } : {};
  if (rule.kind === 'drop') {
    injected.fault = { kind: 'drop', ...delay };
    trace.detail = `injected fault: connection dropped (${rule.target}${rule.count !== undefined ? `, ${rule.remaining} of ${rule.count} left` : ''})`;
    return dropped();
  }
  const answer = faultResponse(rule);
  injected.fault = { kind: 'status', status: answer.response.status, ...delay };
  injected.failure = answer.error;
  return answer.response;
}

/**
 * Make a mock server: load the store's snapshot if it is valid (else seed), import the keys
 * once, and answer requests.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export async function createMockServer(options: MockServerOptions): Promise<MockServer> {
  const endpoints = endpointsFor(options);
  const wall = options.now ?? (() => Date.now());
  const store = options.store;
  const seed: SeedHosts = {
    signingClientJwks: options.signingClientJwks,
    issuer: endpoints.issuer,
    ciIssuer: endpoints.ci.issuer,
  };
  let loaded = await loadState(store, wall());
  const fromStore = loaded !== undefined;
  if (!loaded) {
    loaded = await loadKeyRings(await seedState(seed, Math.floor(wall() / 1000)), wall());
  }

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();
  const save = async () => {
    saveTimer = undefined;
    if (!store) return;
    const snapshot = context.state;
    saving = saving.then(() => store.save(snapshot)).catch(() => undefined);
    await saving;
  };

  const context: ServerContext = {
    options,
    endpoints,
    clock: createClock(
      wall,
      () => context.state.clockOffsetMs,
      () => context.state.clockFrozenAtMs,
    ),
    state: loaded.state,
    keys: loaded.keys,
    ciKeys: loaded.ciKeys,
    clientKeyCache: new Map<string, CryptoKey>(),
    changed() {
      if (store && saveTimer === undefined) saveTimer = setTimeout(save, 0);
    },
  };
  if (!fromStore) context.changed();
  pruneSoon(context, true);

  // Reset restores everything the contract lists but keeps the signing keys: keys change only
  // when asked (rotate), so a token issued before a reset verifies after it unless the reset
  // undid what made it valid (docs/decisions/reset-keeps-keys.md).
  const reset = async (parts?: readonly ResetPart[]) => {
    if (parts === undefined) {
      const nowSeconds = Math.floor(wall() / 1000);
      context.state = await seedState(seed, nowSeconds, context.state);
    } else {
      // Only what was asked for: a lesson sets up its clock, settings and seeded clients
      // without forgetting the learner's own clients, tokens and log.
      const state = context.state;
      if (parts.includes('clock')) {
        state.clockOffsetMs = 0;
        delete state.clockFrozenAtMs;
      }
      if (parts.includes('settings')) state.settings = defaultSettings();
      if (parts.includes('clients')) {
        Object.assign(state.clients, seedClients(seed));
      }
      if (parts.includes('rate_limits')) state.rateLimits = dict();
      if (parts.includes('faults')) state.faults = noFaults();
    }
    context.clientKeyCache.clear();
    context.changed();
  };
  const admin = createAdmin(context, reset);
  const listeners = new Set<(entry: LogEntry) => void>();

  const record = (entry: LogEntry) => {
    const log = context.state.log;
    log.push(entry);
    // shift, not splice: O(1) in V8 where splice(0, 1) moves all 200 entries on every request.
    while (log.length > LOG_CAPACITY) log.shift();
    context.changed();
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch {
        // a broken listener must not break the server
      }
    }
  };

  async function answer(request: Request): Promise<ProtocolResponse | undefined> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return undefined;
    }
    const origin = url.origin; // a getter that builds a new string on each read
    const onIssuer = origin === endpoints.issuer;
    const onApi = origin === endpoints.apiOrigin;
    const ci = endpoints.ci;
    const onCiOrigin = origin === ci.origin;
    // The platform's paths, below its issuer (which has a path of its own in Node: /ci).
    const ciPath =
      onCiOrigin && (ci.basePath === '' || url.pathname.startsWith(`${ci.basePath}/`))
        ? url.pathname.slice(ci.basePath.length)
        : undefined;
    if (!onIssuer && !onApi && !onCiOrigin) return undefined;

    const started = performance.now();
    const id = crypto.randomUUID();
    const trace = new Trace();
    const requestHeaders = redactHeaders(request.headers);
    let endpoint = 'unknown' as EndpointName;
    let response: ProtocolResponse;
    let failure: OAuthError | undefined;
    const injected: InjectedFault = {};
    // Injected faults (injectFault): with none set, the usual case, intercept answers undefined
    // at once, without a promise. A method, not an arrow in a const: under tsx (esbuild
    // keepNames) a named closure made per request costs an Object.defineProperty each time.
    const input = {
      request,
      url,
      context,
      trace,
      admin,
      intercept(name: EndpointName): Promise<ProtocolResponse | undefined> | undefined {
        const target = faultTargetOf(name);
        if (target === undefined || context.state.faults.rules.length === 0) return undefined;
        return injectFault(context, trace, target, injected);
      },
    };
    try {
      response = await dispatch(
        input,
        onIssuer,
        onApi,
        (e) => {
          endpoint = e;
        },
        ciPath,
      );
    } catch (error) {
      failure =
        error instanceof OAuthError
          ? error
          : new OAuthError(
              'server_error',
              'The mock server hit an unexpected error. This is a bug in the playground; please report it.',
              {
                status: 500,
                detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
              },
            );
      response = json(failure.status, errorBody(failure), { ...NO_STORE, ...failure.headers() });
    }
    // An injected error status is answered, not thrown: its error is what the log shows.
    failure ??= injected.failure;
    response.headers['x-request-id'] = id;
    Object.assign(response.headers, CORS_HEADERS);

    if (endpoint !== 'admin') {
      const entry: LogEntry = {
        id,
        time: context.clock.nowMs(),
        endpoint,
        request: {
          method: request.method,
          url: redactUrl(url),
          headers: requestHeaders,
          ...(trace.requestBody !== undefined ? { body: trace.requestBody } : {}),
        },
        response: {
          status: response.status,
          headers: redactHeaders(response.headers),
          ...(response.body !== undefined
            ? { body: JSON.stringify(redactJson(response.body)) }
            : {}),
        },
        steps: trace.steps,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      };
      if (trace.clientId !== undefined) entry.clientId = trace.clientId;
      if (injected.fault) entry.fault = injected.fault;
      if (failure) {
        entry.error = {
          error: failure.code,
          error_description: failure.description,
          ...(failure.detail !== undefined ? { detail: failure.detail } : {}),
        };
      } else if (trace.detail !== undefined || trace.credential !== undefined) {
        entry.detail = [trace.detail, trace.credential && `the client used ${trace.credential}`]
          .filter(Boolean)
          .join('; ');
      }
      record(entry);
    }
    return response;
  }

  return {
    options,
    handle: async (request) => {
      const response = await answer(request);
      return response && toResponse(response);
    },
    respond: async (request) => {
      const response = await answer(request);
      return response && serialize(response);
    },
    admin,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async flush() {
      if (saveTimer !== undefined) clearTimeout(saveTimer);
      await save();
    },
    snapshot: () => context.state,
    replaceState: (snapshot) => replaceState(context, snapshot, wall()),
  };
}
