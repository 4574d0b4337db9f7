/** How the Server page and the header word the clock's distance from real time. */

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
