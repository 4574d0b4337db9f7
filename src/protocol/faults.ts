/**
 * Injected faults (CONTRACT.md, Additions: "Faults, for resilient clients and for testers", the
 * WireMock idea): the token endpoint, the API, introspection or revocation answer an error status,
 * answer late, or drop the connection, for the next n requests or at a seeded chance. The rules
 * live in the server's state, so every tab and both runtimes see the same ones, and a reset clears
 * them.
 */
import { OAuthError, type OAuthErrorCode } from './errors.ts';
import { json, NO_STORE, type ProtocolResponse } from './http.ts';
import type { EndpointName } from './log.ts';
import {
  FAULT_KINDS,
  FAULT_TARGETS,
  type FaultRule,
  type FaultState,
  type FaultTarget,
} from './state.ts';

/** What `GET /__admin/faults` answers: the rules (with what is left of their counts) and the seed. */
export interface FaultsView {
  faults: FaultRule[];
  seed: number;
}

/** The most rules one PUT may set. */
export const MAX_FAULT_RULES = 20;
/** The longest injected delay, in ms. */
export const MAX_FAULT_DELAY_MS = 30_000;

const ENDPOINT_TARGETS: Partial<Record<EndpointName, FaultTarget>> = {
  token: 'token',
  api: 'api',
  introspection: 'introspect',
  revocation: 'revoke',
};

/** The fault target an endpoint answers for (admin, discovery and the JWKS are never faulted). */
export function faultTargetOf(endpoint: EndpointName): FaultTarget | undefined {
  return ENDPOINT_TARGETS[endpoint];
}

const TARGET_NAMES: Record<FaultTarget, string> = {
  token: 'token endpoint',
  api: 'API',
  introspect: 'introspection endpoint',
  revoke: 'revocation endpoint',
};

export function faultsView(state: FaultState): FaultsView {
  return { faults: structuredClone(state.rules), seed: state.seed };
}

const invalid = (description: string) =>
  new OAuthError('invalid_request', description, { detail: description });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

const EXAMPLE =
  '{"faults": [{"target": "token", "kind": "status", "status": 503, "retry_after": 2, "count": 3}], "seed": 7}';

const RULE_FIELDS = new Set([
  'target',
  'kind',
  'status',
  'retry_after',
  'delay_ms',
  'count',
  'probability',
]);

/**
 * Validate a `PUT /__admin/faults` body: `{faults: [rule...], seed?}`. A rule names a `target`
 * (token, api, introspect, revoke) and a `kind`: `status` (with `status` 500..599 or 429, and an
 * optional `retry_after` in seconds), `delay` (with `delay_ms`) or `drop`; optionally `count`
 * (the next n matching requests) and `probability` (each one at that chance, drawn from a random
 * seeded with `seed`, default 1, so a run replays the same way).
 */
export function parseFaultsInput(input: unknown): FaultState {
  if (!isObject(input) || !Array.isArray(input.faults)) {
    throw invalid(`The body must be {"faults": [...], "seed"?: n}, e.g. ${EXAMPLE}.`);
  }
  const extra = Object.keys(input).filter((k) => k !== 'faults' && k !== 'seed');
  if (extra.length > 0) {
    throw invalid(`Unknown field(s) ${extra.join(', ')}. Send {"faults": [...], "seed"?: n}.`);
  }
  if (input.faults.length > MAX_FAULT_RULES) {
    throw invalid(`At most ${MAX_FAULT_RULES} faults at a time; got ${input.faults.length}.`);
  }
  const seed = input.seed ?? 1;
  if (!isInt(seed, 0, 0xffff_ffff)) {
    throw invalid('seed must be a whole number from 0 to 4294967295.');
  }
  const rules = input.faults.map((value, i) => parseRule(value, `faults[${i}]`));
  return { rules, seed, random: seed };
}

function parseRule(value: unknown, where: string): FaultRule {
  if (!isObject(value)) throw invalid(`${where} must be an object, e.g. ${EXAMPLE}.`);
  const unknown = Object.keys(value).filter((k) => !RULE_FIELDS.has(k));
  if (unknown.length > 0) {
    throw invalid(
      `${where} has unknown field(s) ${unknown.join(', ')}. Allowed: ${[...RULE_FIELDS].join(', ')}.`,
    );
  }
  const { target, kind } = value;
  if (!(FAULT_TARGETS as readonly unknown[]).includes(target)) {
    throw invalid(`${where}.target must be one of ${FAULT_TARGETS.join(', ')}.`);
  }
  if (!(FAULT_KINDS as readonly unknown[]).includes(kind)) {
    throw invalid(`${where}.kind must be one of ${FAULT_KINDS.join(', ')}.`);
  }
  const rule: FaultRule = {
    target: target as FaultTarget,
    kind: kind as FaultRule['kind'],
    fired: 0,
  };
  const only = (field: string, forKind: string) => {
    if (value[field] !== undefined && kind !== forKind) {
      throw invalid(`${where}.${field} goes only with kind "${forKind}".`);
    }
  };
  only('status', 'status');
  only('retry_after', 'status');
  only('delay_ms', 'delay');
  if (kind === 'status') {
    const status = value.status;
    if (!(isInt(status, 500, 599) || status === 429)) {
      throw invalid(`${where}.status must be 429 or 500..599 (a server or rate-limit error).`);
    }
    rule.status = status as number;
    if (value.retry_after !== undefined) {
      if (!isInt(value.retry_after, 0, 86_400)) {
        throw invalid(`${where}.retry_after must be whole seconds from 0 to 86400.`);
      }
      rule.retry_after = value.retry_after;
    }
  }
  if (kind === 'delay') {
    if (!isInt(value.delay_ms, 1, MAX_FAULT_DELAY_MS)) {
      throw invalid(
        `${where}.delay_ms must be whole milliseconds from 1 to ${MAX_FAULT_DELAY_MS}.`,
      );
    }
    rule.delay_ms = value.delay_ms;
  }
  if (value.count !== undefined) {
    if (!isInt(value.count, 1, 10_000)) {
      throw invalid(`${where}.count must be a whole number from 1 to 10000.`);
    }
    rule.count = value.count;
    rule.remaining = value.count;
  }
  if (value.probability !== undefined) {
    const p = value.probability;
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) {
      throw invalid(`${where}.probability must be a number from 0 to 1.`);
    }
    rule.probability = p;
  }
  return rule;
}

/** The next number in [0, 1) of the state's seeded random (mulberry32), advancing it. */
export function nextRandom(state: FaultState): number {
  const a = ((state.random >>> 0) + 0x6d2b79f5) >>> 0;
  state.random = a;
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** What the faults do to one request: a delay first, then maybe an answer in its place. */
export interface DrawnFaults {
  /** Milliseconds to hold the request (every delay rule that fired, added up). */
  delayMs: number;
  /** The status or drop rule that answers instead of the endpoint, if one fired. */
  stop: FaultRule | undefined;
  /** Whether any rule fired (the state then changed). */
  fired: boolean;
}

/**
 * Which rules fire for a request to `target`, in list order: each delay rule that fires adds its
 * delay; the first status or drop rule that fires ends the list. A rule with a count fires until
 * its count is used up; one with a probability fires at that chance (a draw per matching request).
 * Mutates the rules' counters and the random's state.
 */
export function drawFaults(state: FaultState, target: FaultTarget): DrawnFaults {
  const drawn: DrawnFaults = { delayMs: 0, stop: undefined, fired: false };
  for (const rule of state.rules) {
    if (rule.target !== target || rule.remaining === 0) continue;
    if (rule.probability !== undefined && nextRandom(state) >= rule.probability) {
      drawn.fired = true; // the draw moved the random on
      continue;
    }
    drawn.fired = true;
    if (rule.remaining !== undefined) rule.remaining--;
    rule.fired++;
    if (rule.kind === 'delay') {
      drawn.delayMs += rule.delay_ms ?? 0;
      continue;
    }
    drawn.stop = rule;
    break;
  }
  return drawn;
}

const STATUS_CODES: Record<number, OAuthErrorCode> = {
  429: 'too_many_requests',
  503: 'temporarily_unavailable',
};

/**
 * The answer of a `status` fault: a JSON error (RFC 6749 §5.2's shape) naming the injection,
 * with Retry-After when the rule gives one (RFC 9110 §10.2.3).
 */
export function faultResponse(rule: FaultRule): { response: ProtocolResponse; error: OAuthError } {
  const status = rule.status ?? 503;
  const code = STATUS_CODES[status] ?? 'server_error';
  const retry =
    rule.retry_after === undefined ? '' : ` It says to retry after ${rule.retry_after} s.`;
  const error = new OAuthError(
    code,
    `Injected fault: the ${TARGET_NAMES[rule.target]} answers ${status} on purpose (PUT /__admin/faults).${retry} A resilient client retries with backoff and jitter, honours Retry-After, and keeps using a token that is still valid.`,
    {
      status,
      detail: `fault rule: ${rule.kind} ${status} on ${rule.target}${rule.count !== undefined ? `, ${rule.remaining} of ${rule.count} left` : ''}${rule.probability !== undefined ? `, probability ${rule.probability}` : ''}`,
      headers: rule.retry_after === undefined ? {} : { 'Retry-After': String(rule.retry_after) },
    },
  );
  return {
    response: json(
      status,
      { error: code, error_description: error.description },
      {
        ...NO_STORE,
        ...error.headers(),
      },
    ),
    error,
  };
}
