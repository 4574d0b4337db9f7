import { type ReactNode, useId } from 'react';
import type { ConsolePanel } from '../../lessons/labs/console.ts';

/** Each panel's class, heading, and the line under it where it has one. */
const PANELS: Record<ConsolePanel, { className: string; title: string; subtitle?: ReactNode }> = {
  clients: { className: 'server-clients', title: 'Clients' },
  keys: {
    className: 'server-keys',
    title: 'Signing keys',
    subtitle: (
      <>
        Served at <code>/.well-known/jwks.json</code>
      </>
    ),
  },
  tokens: {
    className: 'server-tokens',
    title: 'Issued tokens',
    subtitle: (
      <>
        The server keeps each token’s <code>jti</code> and claims, never the token
      </>
    ),
  },
  log: {
    className: 'request-log',
    title: 'Request log',
    subtitle: 'Secrets, assertions and tokens redacted by the server',
  },
  clock: { className: 'server-clock', title: 'Server clock' },
  faults: {
    className: 'server-faults',
    title: 'Faults',
    subtitle: 'Make the servers fail on purpose, to test a client',
  },
};

export interface ServerPanelProps {
  name: ConsolePanel;
  /** After the title: how many (a number), or a badge of its own. */
  badge?: ReactNode;
  /** What the header shows on the other side, besides the panel's subtitle: actions, state. */
  aside?: ReactNode;
  children: ReactNode;
}

/** One panel of the Server page (and of the console lab): a card titled by its heading. */
export function ServerPanel({ name, badge, aside, children }: ServerPanelProps) {
  // Not a fixed id: a lesson may show the console more than once.
  const headingId = useId();
  const { className, title, subtitle } = PANELS[name];
  return (
    <section className={`card ${className}`} aria-labelledby={headingId}>
      <div className="card__header">
        <div className="card__title">
          <h2 id={headingId}>{title}</h2>
          {typeof badge === 'number' ? <span className="badge">{badge}</span> : badge}
        </div>
        {subtitle ? <p className="card__subtitle">{subtitle}</p> : null}
        {aside}
      </div>
      {children}
    </section>
  );
}
