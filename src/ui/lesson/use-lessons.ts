import { getLessons, subscribe } from 'virtual:lessons';
import { useSyncExternalStore } from 'react';
import type { CompiledLesson, LessonEntry, MarkdownNode } from '../../lessons/lesson-types.ts';
import { getLessonState, subscribeLesson } from './lesson-store.ts';

/** Every lesson in order; re-renders when a lesson file is edited during `npm run dev`. */
export function useLessons(): LessonEntry[] {
  return useSyncExternalStore(subscribe, getLessons, getLessons);
}

/** The lesson at a slug, from the current list (no hook: route titles use it too). */
export function findLesson(slug: string): LessonEntry | undefined {
  return getLessons().find((lesson) => lesson.slug === slug);
}

/** A step that counts towards a lesson's progress. */
export interface LessonStep {
  /** The progress key: a request id, `negatives-id#index`, or an exercise id. */
  key: string;
  label: string;
  kind: 'request' | 'negative' | 'exercise';
}

/**
 * The steps of a lesson, in reading order: each request block, each case of a negatives block
 * that has an id (`<id>#<index>`, index from 0), and each exercise.
 */
export function lessonSteps(lesson: CompiledLesson): LessonStep[] {
  const steps: LessonStep[] = [];
  const visit = (nodes: MarkdownNode[]) => {
    for (const node of nodes) {
      if (node.type === 'block') {
        const block = node.block;
        if (block.kind === 'request') {
          steps.push({ key: block.id, label: block.title ?? block.id, kind: 'request' });
        } else if (block.kind === 'negatives' && block.id !== undefined) {
          block.cases.forEach((negative, index) => {
            steps.push({ key: `${block.id}#${index}`, label: negative.name, kind: 'negative' });
          });
        } else if (block.kind === 'exercise') {
          steps.push({ key: block.id, label: block.title ?? block.goal, kind: 'exercise' });
        }
      } else if (node.type === 'blockquote' || node.type === 'callout') visit(node.children);
      else if (node.type === 'list') for (const item of node.items) visit(item.children);
    }
  };
  visit(lesson.body);
  return steps;
}

export interface LessonProgressSummary {
  done: number;
  total: number;
}

/** Steps done out of the lesson's steps. */
export function summarizeProgress(
  lesson: CompiledLesson,
  progress: Readonly<Record<string, 'done' | 'failed'>>,
): LessonProgressSummary {
  const steps = lessonSteps(lesson);
  return { done: steps.filter((s) => progress[s.key] === 'done').length, total: steps.length };
}

/** A lesson's persisted progress, outside its page (the lessons home). */
export function useStoredProgress(slug: string): Readonly<Record<string, 'done' | 'failed'>> {
  return useSyncExternalStore(
    (listener) => subscribeLesson(slug, listener),
    () => getLessonState(slug).progress,
    () => getLessonState(slug).progress,
  );
}
