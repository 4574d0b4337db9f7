import { Suspense, useEffect, useRef } from 'react';
import { NotFoundPage } from '../ui/layout/not-found-page';
import { matchPath, useRouter } from '../ui/shared/router';
import type { AppRoute } from './routes';

const PRODUCT = 'Client Credentials Playground';

export interface RouteMatch {
  route: AppRoute;
  params: Record<string, string>;
}

/** The first route whose pattern matches `path`, with its params. */
export function matchRoute(routes: readonly AppRoute[], path: string): RouteMatch | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** The document title for a page: "First token · Client Credentials Playground". */
export function documentTitle(match: RouteMatch | undefined): string {
  const title = match
    ? typeof match.route.title === 'function'
      ? match.route.title(match.params)
      : match.route.title
    : 'Not found';
  return `${title} · ${PRODUCT}`;
}

/** Render the first route that matches the current path, set the title, manage focus. */
export function RouteOutlet({ routes }: { routes: readonly AppRoute[] }) {
  const { path } = useRouter();
  const firstRender = useRef(true);
  const match = matchRoute(routes, path);
  const title = documentTitle(match);

  useEffect(() => {
    document.title = title;
  }, [title]);

  // After an in-app navigation, move focus to the new page so screen readers announce it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on path changes on purpose
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (!match) return <NotFoundPage path={path} />;
  const Page = match.route.component;
  // Pages may be lazy (their own chunk): a quiet line until the code arrives.
  return (
    <Suspense
      fallback={
        <p className="page muted" role="status">
          Loading…
        </p>
      }
    >
      <Page params={match.params} />
    </Suspense>
  );
}
