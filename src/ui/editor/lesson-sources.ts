/**
 * The lessons' markdown, for the editor only: each file is its own lazy chunk (`?raw`), fetched
 * when the editor opens it. The rest of the app receives compiled lessons, never markdown.
 */
const SOURCES = import.meta.glob<string>('/lessons/*.md', { query: '?raw', import: 'default' });

/** `lessons/02-first-token.md` for every lesson file (the README is the authoring guide). */
export const LESSON_FILES: string[] = Object.keys(SOURCES)
  .map((path) => path.replace(/^\//, ''))
  .filter((file) => !/\/readme\.md$/i.test(file))
  .sort();

/** The shipped source of a lesson file, or undefined for a file that is not a lesson. */
export async function loadLessonSource(file: string): Promise<string | undefined> {
  const load = SOURCES[`/${file}`];
  return load ? load() : undefined;
}
