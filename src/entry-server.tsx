/**
 * Prerendering, at build time only (plugins/prerender.ts loads this through Vite's SSR): each
 * lesson page rendered to HTML, so the lesson is on screen as soon as the HTML and CSS arrive,
 * before any of the app's JavaScript has run. The browser then hydrates it (src/main.tsx).
 *
 * It renders what a first visit's first paint shows: request blocks live (`FIRST_PAINT_KINDS`),
 * other blocks as their static fallbacks, the mock servers "starting", no stored progress or
 * edits (the stores' server snapshots).
 */

import { blockKindsOf, getLessons } from 'virtual:lessons';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './app/app';
import { preloadRoute } from './app/preload-route';
import { documentTitle, matchRoute } from './app/route-outlet';
import { routes } from './app/routes';
import { FIRST_PAINT_MODULES } from './ui/blocks/registry';
import { matchPath } from './ui/shared/router';
import { findLesson } from './ui/shared/use-lessons';

export interface PrerenderedPage {
  /** The app path, e.g. `/lessons/first-token` (without the deploy base). */
  path: string;
  /** Where the page goes in the build output, e.g. `lessons/first-token.html`. */
  file: string;
  title: string;
  /** The lesson's summary, for `<meta name="description">`. */
  description?: string;
  /** The markup of `#root`. */
  html: string;
  /**
   * Modules the page needs before it hydrates, beyond the app's entry, relative to the project
   * root (the blocks it shows live): the build preloads their chunks from the page's HTML.
   */
  modules: string[];
}

/**
 * Every page worth prerendering: the lesson list (`/`, into `index.html`) and each lesson, working
 * or broken (its error card).
 */
export function prerenderPaths(): string[] {
  return ['/', ...getLessons().map((lesson) => `/lessons/${encodeURIComponent(lesson.slug)}`)];
}

export async function prerender(path: string): Promise<PrerenderedPage> {
  // As a prerendered page hydrates: body and first-paint blocks loaded.
  await preloadRoute(path, { painted: true });
  const html = renderToString(
    <StrictMode>
      <App path={path} />
    </StrictMode>,
  );
  if (path === '/') {
    // The home page is the build's index.html: also what a static host answers for any other
    // path (plugins/prerender.ts hides this markup there until the app renders that page).
    return {
      path,
      file: 'index.html',
      title: documentTitle(matchRoute(routes, path)),
      html,
      modules: [],
    };
  }
  const slug = matchPath('/lessons/:slug', path)?.slug;
  if (slug === undefined) throw new Error(`${path} is neither the home page nor a lesson page.`);
  const lesson = findLesson(slug);
  return {
    path,
    // Relative to the build output, which a deploy puts at its base: static servers (vite
    // preview included) answer `/lessons/first-token` with `lessons/first-token.html`.
    file: `lessons/${slug}.html`,
    title: documentTitle(matchRoute(routes, path)),
    ...(lesson?.status === 'ok' && { description: lesson.summary }),
    html,
    modules: blockKindsOf(slug).flatMap(
      (kind) => FIRST_PAINT_MODULES[kind as keyof typeof FIRST_PAINT_MODULES] ?? [],
    ),
  };
}
