import type { ReactNode } from 'react';
import { AppHeader, type NavItem } from './app-header';
import './layout.css';

/** The page frame: skip link, header, the routed page, footer. */
export function AppShell({
  nav,
  notice,
  children,
}: {
  nav: readonly NavItem[];
  /** Shown between the header and the page (start-up problems). */
  notice?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader nav={nav} />
      {notice}
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">
        <p>
          The authorization server and API run in this tab, behind a service worker. Nothing you
          send leaves your browser.
        </p>
      </footer>
    </div>
  );
}
