/**
 * What every group of checks shares: the options, the discovered metadata, a recorder that keeps
 * one result per check id, client authentication and a way to send requests.
 */
import { CHECKS, type CheckId, type CheckResult, checkRules, type Outcome } from './checks.ts';
import {
  type AssertionKey,
  type AssertionOverrides,
  assertionAuth,
  type ClientAuth,
  type ClientAuthMethod,
  secretBasic,
  secretPost,
  signAssertion,
} from './client-auth.ts';
import { type Fetch, type ProbeRequest, type ProbeResponse, probe } from './http-probe.ts';
import type { ConformanceOptions } from './options.ts';
import { RULES, type RuleId } from './rules.ts';

/** The authorization server metadata (RFC 8414 §2), as far as the runner reads it. */
export type Metadata = Record<string, unknown>;

/** What the API at --forbidden-api said about the token, asked once and shared by two checks. */
export interface ForbiddenProbe {
  response: ProbeResponse;
  /** The scopes its 403 challenge names (scope="..."), minus those the token already has. */
  named: string[];
}

export class ConformanceRun {
  readonly results = new Map<CheckId, CheckResult>();
  readonly secrets = new Set<string>();
  metadata: Metadata = {};
  metadataUrl?: string;
  tokenEndpoint?: string;
  /** Methods this run can use, in the order it prefers them for the checks that need any one. */
  methods: ClientAuthMethod[] = [];
  /** token_endpoint_auth_methods_supported as published (undefined: absent). */
  advertisedMethods?: string[];
  /** Methods the metadata does not advertise, tried because nothing advertised fits. */
  unadvertised: ClientAuthMethod[] = [];
  assertionKey?: AssertionKey;
  /**
   * Why the run stopped before checking the server (unreachable, credentials refused): the checks
   * it did not run are skipped with this, and the report is inconclusive rather than failed.
   */
  stopped?: { reason: string; short: string };
  /** Scopes this client may not have, learned from the API at --forbidden-api. */
  forbiddenScopes: string[] = [];
  forbiddenProbe?: ForbiddenProbe;

  constructor(
    readonly options: ConformanceOptions,
    readonly fetcher?: Fetch,
  ) {
    if (options.clientSecret) this.secrets.add(options.clientSecret);
    if (options.expiredToken) this.secrets.add(options.expiredToken);
  }

  /**
   * Record a check's verdict once. `rule` names the RFC sentence that decides it when that is
   * not the check's usual one; it must be one of the rules the catalog lists for the check.
   */
  record(id: CheckId, outcome: Outcome, detail: string, rule?: RuleId): void {
    if (this.results.has(id)) return;
    const definition = CHECKS[id];
    const ruleId = rule ?? definition.rule;
    if (!checkRules(id).includes(ruleId)) {
      throw new Error(`${id} cannot cite ${ruleId}: add it to the check's rules in checks.ts`);
    }
    const { level, ref, quote, ...reading } = RULES[ruleId];
    this.results.set(id, {
      id,
      group: definition.group,
      title: definition.title,
      rfc: ref,
      level,
      rule: { ref, quote, ...reading },
      outcome,
      detail,
    });
  }
  pass(id: CheckId, detail: string, rule?: RuleId): void {
    this.record(id, 'pass', detail, rule);
  }
  fail(id: CheckId, detail: string, rule?: RuleId): void {
    this.record(id, 'fail', detail, rule);
  }
  skip(id: CheckId, reason: string): void {
    this.record(id, 'skipped', reason);
  }
  observe(id: CheckId, detail: string, rule?: RuleId): void {
    this.record(id, 'observed', detail, rule);
  }
  /** Pass or fail on a condition. */
  expect(id: CheckId, ok: boolean, detail: string, rule?: RuleId): void {
    this.record(id, ok ? 'pass' : 'fail', detail, rule);
  }

  /**
   * Run a step that records `ids`; an exception (network failure, a bad key) fails whichever of
   * them it left unrecorded, with the error's message and never a stack.
   */
  async attempt(ids: CheckId | CheckId[], step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const id of Array.isArray(ids) ? ids : [ids]) this.fail(id, message);
    }
  }

  /** Skip every listed check not yet recorded. */
  skipAll(ids: readonly CheckId[], reason: string): void {
    for (const id of ids) this.skip(id, reason);
  }

  send(url: string, request: ProbeRequest = {}): Promise<ProbeResponse> {
    return probe(url, request, { timeoutMs: this.options.timeoutMs, fetch: this.fetcher });
  }

  /** Remember a token or assertion so the report never shows it. */
  keepSecret(value: unknown): void {
    if (typeof value === 'string' && value.length >= 8) this.secrets.add(value);
  }

  /** Authentication for one request with `method`; assertions are new for every call. */
  async auth(method: ClientAuthMethod, overrides: AssertionOverrides = {}): Promise<ClientAuth> {
    const { clientId, clientSecret } = this.options;
    if (method === 'private_key_jwt') {
      if (!this.assertionKey || !this.tokenEndpoint) throw new Error('no private key loaded');
      const audience =
        this.options.assertionAud === 'issuer' ? this.options.issuer : this.tokenEndpoint;
      const assertion = await signAssertion(this.assertionKey, clientId, audience, overrides);
      this.keepSecret(assertion);
      return assertionAuth(clientId, assertion);
    }
    if (clientSecret === undefined) throw new Error('no client secret given');
    const auth = method === 'client_secret_basic' ? secretBasic : secretPost;
    const built = auth(clientId, clientSecret);
    this.keepSecret(built.headers.authorization?.slice('Basic '.length));
    return built;
  }

  /** The method the checks that need "some valid authentication" use. */
  get primaryMethod(): ClientAuthMethod | undefined {
    return this.methods[0];
  }

  /**
   * The method for introspection or revocation: the first usable one that endpoint's own
   * metadata list names (RFC 8414 §2: `<endpoint>_auth_methods_supported`, default
   * client_secret_basic), else the primary one.
   */
  methodFor(endpoint: 'introspection' | 'revocation'): ClientAuthMethod | undefined {
    const listed = metaList(this.metadata, `${endpoint}_endpoint_auth_methods_supported`);
    return this.methods.find((m) => listed?.includes(m)) ?? this.primaryMethod;
  }

  /** The extra token-request parameters the user asked for (scope, audience, resource). */
  tokenParams(): [string, string][] {
    const params: [string, string][] = [];
    if (this.options.scope) params.push(['scope', this.options.scope]);
    if (this.options.audience) params.push(['audience', this.options.audience]);
    if (this.options.resource) params.push(['resource', this.options.resource]);
    return params;
  }

  /** POST to the token endpoint with `auth` and `form`. */
  async tokenRequest(auth: ClientAuth, form: [string, string][]): Promise<ProbeResponse> {
    if (!this.tokenEndpoint) throw new Error('no token endpoint');
    return this.send(this.tokenEndpoint, {
      method: 'POST',
      headers: auth.headers,
      form: [...form, ...auth.form],
    });
  }

  /** A client credentials request with the primary method and the user's parameters. */
  async requestToken(method = this.primaryMethod): Promise<ProbeResponse> {
    if (!method) throw new Error('no client authentication method available');
    return this.tokenRequest(await this.auth(method), [
      ['grant_type', 'client_credentials'],
      ...this.tokenParams(),
    ]);
  }

  /** Replace every secret in `text` with a mask. */
  mask(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (secret.length < 4) continue;
      out = out.split(secret).join('********');
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join('********');
    }
    return out;
  }
}

/** A URL string is absolute https (or http on a loopback host, for local test servers). */
export function isLoopback(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return (
      hostname === 'localhost' ||
      hostname.endsWith('.localhost') ||
      /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
      hostname === '[::1]'
    );
  } catch {
    return false;
  }
}

/** The string value of a metadata field, or undefined. */
export function metaString(metadata: Metadata, name: string): string | undefined {
  const value = metadata[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A list of strings in the metadata, or undefined when absent or not such a list. */
export function metaList(metadata: Metadata, name: string): string[] | undefined {
  const value = metadata[name];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}
