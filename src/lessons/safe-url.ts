/** Schemes a lesson link may use; anything else (javascript:, data:, vbscript:...) is refused. */
export const LINK_SCHEMES: readonly string[] = ['http', 'https', 'mailto'];

/** Schemes a lesson image may use. */
export const IMAGE_SCHEMES: readonly string[] = ['http', 'https'];

/**
 * True for a relative URL (`#anchor`, `./02-first-token.md`, `/lessons/x`) or one whose scheme is
 * in `schemes`. Used by the compiler (to fail the lesson) and by the renderer (defence in depth).
 * No imports: this file ships to the page.
 */
export function isSafeUrl(url: string, schemes: readonly string[]): boolean {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
  const compact = [...url].filter((char) => char > ' ' && char !== '\u007f').join('');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact)?.[1];
  if (scheme === undefined) return true;
  return schemes.includes(scheme.toLowerCase());
}
