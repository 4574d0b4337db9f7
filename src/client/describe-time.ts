/**
 * Times in plain words, one place for the whole app: a token's NumericDate claims measured
 * against the mock server's clock (lessons move it, so the page's own clock would be wrong), and
 * how far the server clock stands from real time.
 */

/** `59:12`, `1:02:03` (h:mm:ss from an hour up). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(rest)}` : `${m}:${two(rest)}`;
}

/** `12 s`, `3 min`, `2 h`, `4 days`: the largest whole unit, for things in the past or far away. */
export function formatSpan(seconds: number): string {
  const s = Math.abs(Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  const days = Math.floor(s / 86_400);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

export type ExpiryState = 'valid' | 'leeway' | 'expired';

export interface ExpiryDescription {
  state: ExpiryState;
  /** "expires in 59:12", "expired 3 min ago". */
  text: string;
}

/**
 * How long a token has left. Inside the leeway after `exp` the API still accepts it (clock skew
 * allowance), which the state says so the learner is not misled by "expired".
 */
export function describeExpiry(exp: number, now: number, leewaySeconds = 0): ExpiryDescription {
  const left = exp - now;
  if (left > 0) return { state: 'valid', text: `expires in ${formatClock(left)}` };
  if (left === 0)
    return { state: exp + leewaySeconds > now ? 'leeway' : 'expired', text: 'expires now' };
  const ago = `expired ${formatSpan(-left)} ago`;
  return exp + leewaySeconds > now
    ? { state: 'leeway', text: `${ago}, still accepted within the ${leewaySeconds} s leeway` }
    : { state: 'expired', text: ago };
}

/** "3 min ago", "in 12 s", "now": for `iat` and `nbf`. */
export function describeRelative(at: number, now: number): string {
  const delta = at - now;
  if (delta === 0) return 'now';
  return delta < 0 ? `${formatSpan(delta)} ago` : `in ${formatSpan(delta)}`;
}

/** `2026-11-25 17:23:11 UTC`: unambiguous, the same for every reader. */
export function formatUtc(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return 'not a valid time';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "+1 h 5 min", "−30 s", "none". */
export function formatOffset(seconds: number): string {
  if (seconds === 0) return 'none';
  const sign = seconds < 0 ? '−' : '+';
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['min', 60],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest} s`);
  return `${sign}${parts.join(' ')}`;
}
