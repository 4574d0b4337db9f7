import { getLessons, loadLesson, subscribe } from 'virtual:lessons';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { type LessonStep, lessonSteps as stepsOfBody } from '../../lessons/lesson-steps.ts';
import type { CompiledLesson, LessonListEntry, LessonSummary } from '../../lessons/lesson-types.ts';
import { getLessonState, getServerLessonState, subscribeLesson } from './lesson-store.ts';

export type { LessonStep } from '../../lessons/lesson-steps.ts';

/** Every lesson in order (bodies not included); re-renders when a lesson file is edited in dev. */
export function useLessons(): LessonListEntry[] {
  return useSyncExternalStore(subscribe, getLessons, getLessons);
}

/** The lesson at a slug, from the current list (no hook: route titles use it too). */
export function findLesson(slug: string): LessonListEntry | undefined {
  return getLessons().find((lesson) => lesson.slug === slug);
}

/** Bodies loaded so far, per list entry (a hot update in dev makes new entries: loaded again). */
const loaded = new WeakMap<LessonSummary, CompiledLesson>();
const pending = new WeakMap<LessonSummary, Promise<CompiledLesson>>();

/** The compiled lesson at a slug if its body has loaded (blocks inside a lesson page use it). */
export function findLoadedLesson(slug: string): CompiledLesson | undefined {
  const entry = findLesson(slug);
  return entry?.status === 'ok' ? loaded.get(entry) : undefined;
}

/** Fetch a lesson's body (its own chunk); one request per entry, retried after a failure. */
export function loadLessonBody(entry: LessonSummary): Promise<CompiledLesson> {
  let promise = pending.get(entry);
  if (!promise) {
    promise = loadLesson(entry.slug).then((lesson) => {
      loaded.set(entry, lesson);
      return lesson;
    });
    promise.catch(() => pending.delete(entry));
    pending.set(entry, promise);
  }
  return promise;
}

export type LessonBodyState =
  | { status: 'loading' }
  | { status: 'ready'; lesson: CompiledLesson }
  | { status: 'failed'; error: Error };

/**
 * The body of a lesson, loaded on demand. After a hot update the previous body of the same lesson
 * stays on screen until the new one has loaded.
 */
export function useLessonBody(entry: LessonSummary): LessonBodyState {
  const [result, setResult] = useState<{ entry: LessonSummary; state: LessonBodyState }>();
  const cached = loaded.get(entry);
  const renderedCached = cached !== undefined;
  useEffect(() => {
    // Skip only if this render already showed the body. The start-up fetches it early, so it may
    // arrive between the render and this effect: then `loadLessonBody` resolves at once and
    // re-renders (skipping on `loaded.has` left the page on "Loading the lesson…" for good).
    if (renderedCached) return;
    let live = true;
    loadLessonBody(entry).then(
      (lesson) => {
        if (live) setResult({ entry, state: { status: 'ready', lesson } });
      },
      (error: unknown) => {
        if (!live) return;
        const reason = error instanceof Error ? error : new Error(String(error));
        setResult({ entry, state: { status: 'failed', error: reason } });
      },
    );
    return () => {
      live = false;
    };
  }, [entry, renderedCached]);
  if (cached) return { status: 'ready', lesson: cached };
  if (result?.entry === entry) return result.state;
  if (result?.entry.slug === entry.slug && result.state.status === 'ready') return result.state;
  return { status: 'loading' };
}

/**
 * The steps of a lesson, in reading order: each request block, each case of a negatives block
 * that has an id (`<id>#<index>`, index from 0), and each exercise.
 */
export function lessonSteps(lesson: CompiledLesson): LessonStep[] {
  return stepsOfBody(lesson.body);
}

export interface LessonProgressSummary {
  done: number;
  total: number;
}

/** Steps done out of the lesson's steps (from the list: no body needed). */
export function summarizeProgress(
  lesson: LessonSummary,
  progress: Readonly<Record<string, 'done' | 'failed'>>,
): LessonProgressSummary {
  const keys = lesson.stepKeys;
  return { done: keys.filter((key) => progress[key] === 'done').length, total: keys.length };
}

/** A lesson's persisted progress, outside its page (the lessons home). */
export function useStoredProgress(slug: string): Readonly<Record<string, 'done' | 'failed'>> {
  return useSyncExternalStore(
    (listener) => subscribeLesson(slug, listener),
    () => getLessonState(slug).progress,
    () => getServerLessonState().progress,
  );
}
