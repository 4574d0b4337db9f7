/**
 * Compiled lessons, produced at build time by `plugins/lessons.ts` from `lessons/*.md`.
 *
 * The list (titles, summaries, sections, step keys; broken lessons whole) ships with the page;
 * each lesson's body is its own chunk, fetched by `loadLesson(slug)`.
 *
 * To re-render when a lesson is edited during `npm run dev` (no page reload):
 * `useSyncExternalStore(subscribe, getLessons)`, then load the body again for the new entry.
 */
declare module 'virtual:lessons' {
  import type {
    CodeExerciseSolution,
    CompiledLesson,
    LessonBlockKind,
    LessonListEntry,
  } from './lessons/lesson-types.ts';

  /**
   * Every lesson, sorted by `order`; a lesson that failed to compile is a `BrokenLesson`.
   * The value at first load: to follow edits in dev, use `getLessons` and `subscribe`.
   */
  export const lessons: LessonListEntry[];
  export default lessons;
  /** The current lessons (changes identity when a lesson file changes in dev). */
  export function getLessons(): LessonListEntry[];
  /** The compiled body of a lesson that compiled; rejects for a broken or unknown slug. */
  export function loadLesson(slug: string): Promise<CompiledLesson>;
  /** The block kinds a lesson's body uses ([] for a broken or unknown slug), without the body. */
  export function blockKindsOf(slug: string): readonly LessonBlockKind[];
  /**
   * A code exercise's reference solution, a module of its own: never in the page or the lesson's
   * body until this is called (the page calls it when the learner asks for the solution).
   */
  export function loadCodeSolution(slug: string, id: string): Promise<CodeExerciseSolution>;
  /** Called after each hot update of the lessons; returns an unsubscribe function. */
  export function subscribe(listener: () => void): () => void;
}
