/**
 * The latest time the server clock may show: 2230-01-01T00:00:00Z, in epoch seconds. The clock
 * stays between the epoch and this, whether set or advanced (repeated advances included), so
 * every time it stamps (`iat`, `exp`, log times, `Retry-After`) is a date a `Date`, a JWT
 * library and the console can hold.
 */
export const LATEST_CLOCK = 8_204_803_200;

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

/**
 * A clock reading `wallMs()` plus whatever `offsetMs()` says at that moment, or, while
 * `frozenAtMs()` gives a time, standing still at that time.
 */
export function createClock(
  wallMs: () => number,
  offsetMs: () => number,
  frozenAtMs: () => number | undefined = () => undefined,
): Clock {
  const nowMs = () => frozenAtMs() ?? wallMs() + offsetMs();
  return { nowMs, now: () => Math.floor(nowMs() / 1000) };
}
