/**
 * Compiled lessons, produced at build time by `plugins/lessons.ts` from `lessons/*.md`.
 *
 * To re-render when a lesson is edited during `npm run dev` (no page reload):
 * `useSyncExternalStore(subscribe, getLessons)`.
 */
declare module 'virtual:lessons' {
  import type { LessonEntry } from './lessons/lesson-types.ts';

  /**
   * Every lesson, sorted by `order`; a lesson that failed to compile is a `BrokenLesson`.
   * The value at first load: to follow edits in dev, use `getLessons` and `subscribe`.
   */
  export const lessons: LessonEntry[];
  export default lessons;
  /** The current lessons (changes identity when a lesson file changes in dev). */
  export function getLessons(): LessonEntry[];
  /** Called after each hot update of the lessons; returns an unsubscribe function. */
  export function subscribe(listener: () => void): () => void;
}
