import type { ConsolePanel } from '../../lessons/labs/console.ts';
import type { MockServer } from '../../protocol';
import { ClientsPanel } from './clients-panel';
import { ClockPanel } from './clock-panel';
import { FaultsPanel } from './faults-panel';
import { KeysPanel } from './keys-panel';
import { RequestLogPanel } from './request-log-panel';
import { TokensPanel } from './tokens-panel';

import './server-page.css';
import './server-console.css';

/** The panels a console lab shows when its lesson names none. */
export const ALL_CONSOLE_PANELS: readonly ConsolePanel[] = [
  'clients',
  'keys',
  'tokens',
  'log',
  'clock',
];

/** The Server page's panels: all of the console's, and the injected faults. */
export const SERVER_PAGE_PANELS: readonly ConsolePanel[] = [...ALL_CONSOLE_PANELS, 'faults'];

/**
 * Everything the mock holds, visible and editable: the Server page shows all of it, the
 * console lab the panels a lesson picks. Changes go through the `/__admin` API, so the core
 * validates them as it validates a test suite's calls; reads call the same admin functions
 * directly (no request lands in the log for them).
 */
export function ServerConsole({
  server,
  panels = ALL_CONSOLE_PANELS,
}: {
  server: MockServer;
  panels?: readonly ConsolePanel[];
}) {
  const show = new Set(panels);
  const full = ALL_CONSOLE_PANELS.every((panel) => show.has(panel));
  return (
    <div className={`server-grid${full ? '' : ' server-grid--some'}`}>
      {show.has('clients') && <ClientsPanel server={server} />}
      {show.has('clock') && <ClockPanel server={server} />}
      {show.has('keys') && <KeysPanel server={server} />}
      {show.has('tokens') && <TokensPanel server={server} />}
      {show.has('faults') && <FaultsPanel server={server} />}
      {show.has('log') && <RequestLogPanel server={server} />}
    </div>
  );
}
