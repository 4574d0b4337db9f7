import type { MockServer } from '../../protocol';
import { ClientsPanel } from './clients-panel';
import { ClockPanel } from './clock-panel';
import { JwksPanel } from './jwks-panel';
import { MockServerGate, useMockServer } from './mock-server-context';
import { RequestLogPanel } from './request-log-panel';
import './server-page.css';

/** Everything the mock authorization server and API know, live. */
export function ServerPage() {
  return (
    <div className="page server-page">
      <header className="page-header">
        <p className="page-header__eyebrow">Mock servers</p>
        <h1>Server</h1>
        <p className="page-header__lead">
          The authorization server and the API answering your requests, running in this tab. What
          they hold, the time they keep, and every request they see.
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
      <HostList server={server} />
      <div className="server-grid">
        <ClientsPanel server={server} />
        <ClockPanel server={server} />
        <JwksPanel server={server} />
        <RequestLogPanel server={server} />
      </div>
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
