/**
 * The one rule for a lesson's file name in the editor: `lessons/NN-slug.md`, as lessons/README.md
 * names lessons. A name arrives from a share link, the `?lesson=` address, this browser's storage
 * or the file-name field, and becomes the name "Download .md" saves under: anything else
 * (`evil.html`, `..`, a Windows path) is refused wherever it comes in.
 */
const LESSON_FILE = /^lessons\/\d{2,3}-[a-z0-9]+(?:-[a-z0-9]+)*\.md$/;

/** At most this many characters: a slug is a few words. */
const MAX_LENGTH = 100;

/** True for `lessons/02-first-token.md`; false for any other path or name. */
export function isLessonFile(file: string): boolean {
  return file.length <= MAX_LENGTH && LESSON_FILE.test(file);
}

/** What a learner is told when a name breaks the rule. */
export const LESSON_FILE_RULE = 'a lesson is lessons/NN-slug.md';
