/**
 * What the page and the sandbox both need to know of a code exercise's run, without the code
 * that runs it: the page's chunk imports this, never the harness (Sucrase, jose), which only the
 * sandbox worker and Node load.
 */

/** The names the sandbox gives the two files, in errors and stack traces. */
export const EXERCISE_FILE = 'exercise.ts';
export const TESTS_FILE = 'exercise.test.ts';
export type CodeFile = typeof EXERCISE_FILE | typeof TESTS_FILE;

/** Where a piece of code went wrong: its file, line (1-based) and column (1-based, if known). */
export interface CodeProblem {
  file: CodeFile;
  line: number;
  column?: number;
  message: string;
}

/** How long one test may take, asynchronously, before it fails as unfinished. */
export const DEFAULT_TEST_TIMEOUT_MS = 4000;
