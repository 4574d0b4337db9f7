import { matchPath } from '../ui/layout/router';
import { preloadLesson } from '../ui/lesson/lesson-page';

/**
 * Before the first render: start fetching what the opened page needs beyond the entry. For a
 * lesson, its body and its blocks' code load side by side while React renders the shell, instead
 * of entry -> body -> blocks one after the other.
 */
export function preloadRoute(path: string): void {
  const slug = matchPath('/lessons/:slug', path)?.slug;
  if (slug !== undefined) preloadLesson(slug);
}
