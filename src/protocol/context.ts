import type { CryptoKey } from 'jose';
import type { Clock } from './clock.ts';
import type { KeyRing } from './keys.ts';
import type { MockServerOptions } from './options.ts';
import type { ServerSnapshot } from './state.ts';

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
}

/** What every endpoint gets: state, keys, clock, and a way to say the state changed. */
export interface ServerContext {
  readonly options: MockServerOptions;
  readonly endpoints: Endpoints;
  readonly clock: Clock;
  state: ServerSnapshot;
  keys: KeyRing;
  /** Imported client public keys, by `client_id \n index \n alg`; cleared when clients change. */
  readonly clientKeyCache: Map<string, CryptoKey>;
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
