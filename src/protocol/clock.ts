/**
 * The servers' shared clock: wall time plus an offset the admin API moves, so expiry, leeway,
 * rate limits and assertion replay memory can all be demonstrated without waiting.
 */
export interface Clock {
  /** Server time in milliseconds. */
  nowMs(): number;
  /** Server time in whole epoch seconds (the unit of `iat`, `exp`, `nbf`). */
  now(): number;
}

/** A clock reading `wallMs()` plus whatever `offsetMs()` says at that moment. */
export function createClock(wallMs: () => number, offsetMs: () => number): Clock {
  return {
    nowMs: () => wallMs() + offsetMs(),
    now: () => Math.floor((wallMs() + offsetMs()) / 1000),
  };
}
