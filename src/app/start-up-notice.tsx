import { MockStartFailure, useMockServerStatus } from '../ui/shared/mock-server-context';

/**
 * A start-up problem, shown above every page: a failure (no request will work anywhere), the
 * in-page fallback notice (requests work, but not through a service worker), or state that
 * cannot be saved (storage full or unavailable).
 */
export function StartUpNotice() {
  const status = useMockServerStatus();
  if (status.state === 'ready' && status.storage) {
    return (
      <>
        <div className="app-notice">
          <div className="callout callout--warning" role="alert">
            <p className="callout__title">The mock servers’ state is not being saved</p>
            <p>{status.storage.title}</p>
            <p>
              <strong>How to fix it: </strong>
              {status.storage.fix}
            </p>
          </div>
        </div>
        <FallbackNotice />
      </>
    );
  }
  return <FallbackNotice />;
}

function FallbackNotice() {
  const status = useMockServerStatus();
  if (status.state === 'failed') {
    return (
      <div className="app-notice">
        <MockStartFailure problem={status.problem} />
      </div>
    );
  }
  if (status.state === 'ready' && status.notice) {
    return (
      <div className="app-notice">
        <div className="callout callout--warning" role="note">
          <p className="callout__title">Running without a service worker</p>
          <p>{status.notice.title}</p>
          <details className="app-notice__more">
            <summary>What differs, and the usual set-up</summary>
            {status.notice.differences ? (
              <ul>
                {status.notice.differences.map((difference) => (
                  <li key={difference}>{difference}</li>
                ))}
              </ul>
            ) : null}
            <p>
              <strong>For the usual set-up: </strong>
              {status.notice.fix}
            </p>
          </details>
        </div>
      </div>
    );
  }
  return null;
}
