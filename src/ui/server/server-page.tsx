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
  return (
    <dl className="hosts">
      <div>
        <dt>Issuer</dt>
        <dd>
          <code>{issuer}</code>
        </dd>
      </div>
      <div>
        <dt>Token endpoint</dt>
        <dd>
          <code>{issuer}/oauth/token</code>
        </dd>
      </div>
      <div>
        <dt>API</dt>
        <dd>
          <code>{apiOrigin}</code>
        </dd>
      </div>
      {audience !== apiOrigin && (
        <div>
          <dt>Audience</dt>
          <dd>
            <code>{audience}</code>
          </dd>
        </div>
      )}
    </dl>
  );
}
