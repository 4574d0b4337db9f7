import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

/**
 * A tiny History API router: a path in context, `Link` for navigation and `matchPath` for
 * `/lessons/:slug`-style patterns. The app has a handful of routes; a router library would cost
 * more bytes than it saves. Paths are relative to Vite's `base`, so a sub-path deploy works.
 */
interface RouterState {
  /** The current path without the base, always starting with '/'. */
  path: string;
  navigate(to: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterState | undefined>(undefined);

const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

/**
 * The app path of a URL path: without the deploy base, always starting with '/'. The build's own
 * files name their pages too, as a static host without rewrite rules serves them:
 * `/lessons/<slug>.html` is the lesson, `/index.html` the home page.
 */
export function appPath(pathname: string, base = BASE): string {
  const path = base && pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
  if (path === '' || path === '/index.html') return '/';
  return path.replace(/^(\/lessons\/[^/]+)\.html$/, '$1');
}

/** The current path without the deploy base, always starting with '/'. */
export function currentPath(): string {
  return appPath(location.pathname);
}

/** Turn an app path into the URL the browser shows (adds the deploy base). */
export function hrefFor(to: string): string {
  return `${BASE}${to}`;
}

export function RouterProvider({
  path: initialPath,
  children,
}: {
  /** The path to start at; the address bar's by default (a page prerendered at build time passes its own). */
  path?: string;
  children: ReactNode;
}) {
  const [path, setPath] = useState(() => initialPath ?? currentPath());

  useEffect(() => {
    const onPopState = () => setPath(currentPath());
    addEventListener('popstate', onPopState);
    return () => removeEventListener('popstate', onPopState);
  }, []);

  const navigate = useCallback((to: string, options?: { replace?: boolean }) => {
    const url = hrefFor(to);
    if (options?.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    setPath(currentPath());
    const hash = new URL(url, location.href).hash;
    if (!hash) scrollTo({ top: 0 });
  }, []);

  const value = useMemo(() => ({ path, navigate }), [path, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterState {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter() must be used inside <RouterProvider>.');
  return router;
}

/**
 * Match `pattern` ('/lessons/:slug') against `path`; returns the params, or undefined.
 * A trailing slash on the path is ignored; query and hash are not part of the path.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const split = (value: string) => value.split('/').filter(Boolean);
  const expected = split(pattern);
  const actual = split(path);
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] as string;
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  to: string;
  /** Mark as current when the path starts with `to` (for section links), not only on equality. */
  matchPrefix?: boolean;
  /** Also mark as current under these path prefixes (e.g. '/lessons' for a link to '/'). */
  activePrefixes?: readonly string[];
};

/** An ordinary link (middle-click, copy link and open-in-new-tab keep working) that navigates in place. */
export function Link({ to, matchPrefix, activePrefixes, onClick, children, ...rest }: LinkProps) {
  const { path, navigate } = useRouter();
  const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  const active =
    (matchPrefix && to !== '/' ? under(to) : path === to) || (activePrefixes?.some(under) ?? false);

  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      (rest.target && rest.target !== '_self')
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };

  return (
    <a
      href={hrefFor(to)}
      aria-current={active ? 'page' : undefined}
      onClick={handleClick}
      {...rest}
    >
      {children}
    </a>
  );
}
