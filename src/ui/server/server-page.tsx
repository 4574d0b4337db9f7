import { lazy, Suspense } from 'react';
import type { MockServer } from '../../protocol';
import { MockServerGate, useMockServer } from '../shared/mock-server-context';
import { ServerDefaultsNotice } from './server-defaults.tsx';
import './server-page.css';

// The console (forms, the drill, the log) loads with the page that shows it, not with the app.
const ServerConsole = lazy(() =>
  import('./server-console').then((m) => ({
    default: (props: { server: MockServer }) => (
      <m.ServerConsole {...props} panels={m.SERVER_PAGE_PANELS} />
    ),
  })),
);

/** Everything the mock authorization server and API know, live. */
export function ServerPage() {
  return (
    <div className="page server-page">
      <header className="page-header">
        <p className="page-header__eyebrow">Mock servers</p>
        <h1>Server</h1>
        <p className="page-header__lead">
          The authorization server and the API answering your requests, running in this tab. What
          they hold, the time they keep, and every request they see: change any of it here.
        </p>
      </header>
      <MockServerGate>
        <ServerPanels />
      </MockServerGate>
    </div>
  );
}

function ServerPanels() {
  const server = useMockServer();
  return (
    <>
      <ServerDefaultsNotice server={server} />
      <HostList server={server} />
      <Suspense
        fallback={
          <div className="mock-gate" role="status">
            <span className="spinner" aria-hidden="true" />
            <span>Loading the console…</span>
          </div>
        }
      >
        <ServerConsole server={server} />
      </Suspense>
    </>
  );
}

function HostList({ server }: { server: MockServer }) {
  const { issuer, apiOrigin, audience } = server.options;
  const hosts: [string, string][] = [
    ['Issuer', issuer],
    ['Token endpoint', `${issuer}/oauth/token`],
    ['API', apiOrigin],
  ];
  if (audience !== apiOrigin) hosts.push(['Audience', audience]);
  return (
    <dl className="hosts">
      {hosts.map(([term, url]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>
            <code>{url}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
