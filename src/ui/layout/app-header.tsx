import { MockStatusPill } from '../server/mock-status-pill';
import { ResetServerButton } from '../server/reset-server-button';
import { ServerDefaultsBadge } from '../server/server-defaults.tsx';
import { LogoMark, MoonIcon, SunIcon } from '../shared/icons';
import { Link } from '../shared/router';
import { useTheme } from '../theme/use-theme';

export interface NavItem {
  to: string;
  label: string;
  /** Other sections this item stands for, e.g. '/lessons' for the lessons home at '/'. */
  activePrefixes?: readonly string[];
}

export function AppHeader({ nav }: { nav: readonly NavItem[] }) {
  const { theme, toggleTheme } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link to="/" className="app-header__brand">
          <LogoMark />
          <span>
            Client Credentials <span className="app-header__brand-accent">Playground</span>
          </span>
        </Link>
        <nav aria-label="Main" className="app-header__nav">
          {nav.map((item) => (
            <Link
              key={item.to}
              to={item.to}
              matchPrefix
              activePrefixes={item.activePrefixes}
              className="app-header__nav-link"
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="app-header__actions">
          <MockStatusPill />
          <ServerDefaultsBadge />
          <ResetServerButton />
          <button
            type="button"
            className="btn btn--ghost btn--icon app-header__theme"
            onClick={toggleTheme}
            aria-label={`Switch to ${next} theme`}
            title={`Switch to ${next} theme`}
          >
            {/* Both icons, one shown by CSS from <html data-theme>: a prerendered page shows the
                right one before the app's code runs. */}
            <span className="app-header__theme-icon app-header__theme-icon--to-light">
              <SunIcon />
            </span>
            <span className="app-header__theme-icon app-header__theme-icon--to-dark">
              <MoonIcon />
            </span>
          </button>
        </div>
      </div>
    </header>
  );
}
