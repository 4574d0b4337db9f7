import { type ComponentType, lazy } from 'react';
import { EditorRoute } from '../ui/editor/editor-route';
import type { NavItem } from '../ui/layout/app-header';
import { LessonPage } from '../ui/lesson/lesson-page';
import { LessonsHome } from '../ui/lessons-home/lessons-home';
import { findLesson } from '../ui/shared/use-lessons';

// Its own chunk: the server's panels are not what a lesson's first paint needs.
const ServerPage = lazy(() =>
  import('../ui/server/server-page').then((m) => ({ default: m.ServerPage })),
);

/** What a routed page receives: the `:params` of its pattern. */
export interface RouteProps {
  params: Record<string, string>;
}

export interface AppRoute {
  /** A pattern such as '/server' or '/lessons/:slug' (see `matchPath`). */
  path: string;
  /** The document title's first part; a function can use the params. */
  title: string | ((params: Record<string, string>) => string);
  component: ComponentType<RouteProps>;
}

/**
 * The app's pages, first match wins. Extend this table to add pages; wrap panels that send
 * requests in `MockServerGate`.
 */
export const routes: AppRoute[] = [
  { path: '/', title: 'Lessons', component: LessonsHome },
  {
    path: '/lessons/:slug',
    title: (params) => findLesson(params.slug ?? '')?.title ?? 'Lesson not found',
    component: LessonPage,
  },
  { path: '/server', title: 'Server', component: ServerPage },
  { path: '/editor', title: 'Lesson editor', component: EditorRoute },
];

/** The header's navigation. */
export const navItems: NavItem[] = [
  { to: '/', label: 'Lessons', activePrefixes: ['/lessons'] },
  { to: '/server', label: 'Server' },
];
