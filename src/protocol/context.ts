import type { CryptoKey } from 'jose';
import type { Clock } from './clock.ts';
import type { KeyRing } from './keys.ts';
import type { MockServerOptions } from './options.ts';
import { type IssuedToken, pruneExpired, type ServerSnapshot } from './state.ts';

/** The URLs derived from the options, computed once. */
export interface Endpoints {
  issuer: string;
  token: string;
  introspection: string;
  revocation: string;
  jwks: string;
  discovery: string;
  apiOrigin: string;
  audience: string;
  /** The mock workload platform (CONTRACT.md, Additions). */
  ci: CiEndpoints;
}

/** The workload platform's URLs: its issuer may have a path (`http://localhost:8787/ci`). */
export interface CiEndpoints {
  issuer: string;
  /** The issuer's origin, and its path ('' or '/ci'), for routing. */
  origin: string;
  basePath: string;
  discovery: string;
  jwks: string;
  workloadToken: string;
}

/** What every endpoint gets: state, keys, clock, and a way to say the state changed. */
export interface ServerContext {
  readonly options: MockServerOptions;
  readonly endpoints: Endpoints;
  readonly clock: Clock;
  state: ServerSnapshot;
  keys: KeyRing;
  /** The workload platform's signing keys (the `ci` host). */
  ciKeys: KeyRing;
  /** Imported client public keys, by `client_id \n index \n alg`; cleared when clients change. */
  readonly clientKeyCache: Map<string, CryptoKey>;
  /** What the server keeps in memory about `state` (see {@link stateMemory}). */
  memory?: StateMemory;
  /** Schedule a coalesced save. */
  changed(): void;
}

/**
 * The wall clock in milliseconds, without the server clock's offset: how much real time has
 * passed, whatever the clock was moved or set to.
 */
export function wallNowMs(context: ServerContext): number {
  return context.options.now ? context.options.now() : Date.now();
}

/** Leeway in seconds, clamped to 0..300 whatever the settings say. */
export function leeway(context: ServerContext): number {
  const s = context.state.settings.leewaySeconds;
  return Math.min(300, Math.max(0, Number.isFinite(s) ? s : 60));
}

/** A token kept for `tokenReuse: same-second` (token-endpoint.ts). */
export interface ReusableToken {
  token: string;
  record: IssuedToken;
  /** The key that signed it (JWT): a rotation in the same second means a new token. */
  kid: string | undefined;
}

/**
 * What the server remembers about the current state in memory only, never saved: forgotten when
 * the state is replaced (a reset, a snapshot from another tab).
 */
export interface StateMemory {
  /** The state this memory is about. */
  readonly state: ServerSnapshot;
  /** For `tokenReuse: same-second`: the last token per client, scope and audience. */
  readonly lastIssued: Map<string, ReusableToken>;
  /** Opaque tokens added since the last prune. */
  opaqueAdded: number;
  /** DPoP proofs remembered since their number was last held to its capacity (dpop.ts). */
  proofsAdded: number;
  /** Server time of the last prune, ms. */
  lastPruneMs: number;
}

/** The memory of `context.state`, a fresh one when the state was replaced. */
export function stateMemory(context: ServerContext): StateMemory {
  if (context.memory?.state !== context.state) {
    context.memory = {
      state: context.state,
      lastIssued: new Map(),
      opaqueAdded: 0,
      proofsAdded: 0,
      lastPruneMs: 0,
    };
  }
  return context.memory;
}

/**
 * Prune what expired (`pruneExpired` in state.ts) at most every 10 s of server time, or sooner when
 * the opaque map may have outgrown its capacity, so the cost is amortized; `force` prunes now.
 */
export function pruneSoon(context: ServerContext, force = false): void {
  const memory = stateMemory(context);
  const nowMs = context.clock.nowMs();
  if (!force && nowMs - memory.lastPruneMs < 10_000 && memory.opaqueAdded < 200) return;
  memory.lastPruneMs = nowMs;
  memory.opaqueAdded = 0;
  pruneExpired(context.state, nowMs, wallNowMs(context));
}
