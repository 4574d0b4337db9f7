import { blockKindsOf } from 'virtual:lessons';
import { loadFirstPaintBlocks } from '../ui/blocks/registry';
import { preloadLesson } from '../ui/lesson/lesson-page';
import { matchPath } from '../ui/shared/router';

export interface PreloadOptions {
  /**
   * The page is already on screen (prerendered at build time), its first-paint blocks live
   * (`FIRST_PAINT_KINDS`): hydration needs their code too.
   */
  painted?: boolean;
}

/**
 * Before the first render: start fetching what the opened page needs beyond the entry. For a
 * lesson, its body loads while React starts, instead of entry -> body one after the other.
 * Resolves when the first render has what it needs (rejects if that failed to load): the body,
 * and for a painted page the code of the blocks it shows live (`FIRST_PAINT_KINDS`).
 */
export function preloadRoute(path: string, options: PreloadOptions = {}): Promise<void> {
  const slug = matchPath('/lessons/:slug', path)?.slug;
  if (slug === undefined) return Promise.resolve();
  if (!options.painted) return preloadLesson(slug);
  // The other kinds' code waits until the page has hydrated (LessonView turns them live): it
  // would only compete with hydration for the main thread.
  const firstPaint = loadFirstPaintBlocks(blockKindsOf(slug));
  return Promise.all([preloadLesson(slug), firstPaint]).then(() => undefined);
}
