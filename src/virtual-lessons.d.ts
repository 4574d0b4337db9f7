/** Compiled lessons, produced at build time by `plugins/lessons.ts` from `lessons/*.md`. */
declare module 'virtual:lessons' {
  import type { LessonEntry } from './lessons/lesson-types.ts';

  /** Every lesson, sorted by `order`; a lesson that failed to compile is a `BrokenLesson`. */
  export const lessons: LessonEntry[];
  export default lessons;
}
