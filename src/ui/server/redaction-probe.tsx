import { useState } from 'react';
import type { MockServer } from '../../protocol';
import { probeSecretRedaction, type RedactionProbe, type Send } from './console-model';
import { useConsoleReporter } from './console-outcomes';
import { useServerChange } from './server-queries';

const send: Send = (request) => fetch(request);

/** "Never log the client secret" (the article's mistake 3), shown working on this log. */
export function RedactionProbeView({ server }: { server: MockServer }) {
  const report = useConsoleReporter();
  const [result, setResult] = useState<RedactionProbe>();
  const probe = useServerChange(() => probeSecretRedaction(server, send));
  return (
    <div className="card__body redaction-probe">
      <p className="redaction-probe__lead">
        <button
          type="button"
          className="btn btn--small"
          disabled={probe.isPending}
          onClick={() =>
            probe.mutate(undefined, {
              onSuccess: (r) => {
                setResult(r);
                report('secret-not-logged', {
                  ok: r.entry !== undefined && r.occurrences === 0,
                  detail: `${r.clientId}'s secret found ${r.occurrences} times in its log entry`,
                });
              },
            })
          }
        >
          Prove the secret is not logged
        </button>{' '}
        <span className="muted">
          Sends a token request with the client secret in the body, then searches that request’s log
          entry for the secret.
        </span>
      </p>
      {probe.error && (
        <p className="panel-error" role="alert">
          {probe.error.message}
        </p>
      )}
      {result && (
        <div className="redaction-probe__result" role="status">
          {result.entry === undefined ? (
            <p className="panel-error">The request left no log entry to search.</p>
          ) : (
            <>
              <p>
                <span
                  className={`badge ${result.occurrences === 0 ? 'badge--success' : 'badge--danger'}`}
                >
                  {result.occurrences === 0 ? 'not in the log' : `found ${result.occurrences}×`}
                </span>{' '}
                The secret of <code>{result.clientId}</code> (<code>{result.secret}</code>) appears{' '}
                {result.occurrences} times in the entry for request{' '}
                <code>{result.entry.id.slice(0, 8)}</code> ({result.status}). What the log kept of
                the body:
              </p>
              <pre className="json">{result.entry.request.body ?? '(no body)'}</pre>
            </>
          )}
        </div>
      )}
    </div>
  );
}
