import type { LessonBlock, LessonBlockKind } from '../../lessons/lesson-types.ts';

/** The props every block component receives: its compiled block, narrowed by kind. */
export interface BlockProps<K extends LessonBlockKind> {
  block: Extract<LessonBlock, { kind: K }>;
}
