/**
 * Heading ids as GitHub makes them (github-slugger's rules), so an anchor that works on GitHub
 * works in the app: lower case, punctuation dropped, spaces to hyphens, repeats suffixed -1, -2.
 */
export function createSlugger() {
  const seen = new Map<string, number>();
  return {
    slug(text: string): string {
      const base =
        text
          .toLowerCase()
          .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
          .replace(/ /g, '-') || 'section';
      let slug = base;
      let count = seen.get(base) ?? 0;
      while (seen.has(slug)) slug = `${base}-${++count}`;
      seen.set(base, count);
      seen.set(slug, 0);
      return slug;
    },
  };
}
