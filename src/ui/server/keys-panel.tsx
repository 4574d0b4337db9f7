import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { MockServer } from '../../protocol';
import { adminCall, type DrillResult, runRotationDrill, type Send } from './console-model';
import { useConsoleReporter } from './console-outcomes';
import { ServerPanel } from './server-panel.tsx';
import { jwksQueryOptions, keysQueryOptions, useServerChange } from './server-queries';

const send: Send = (request) => fetch(request);

/** What each key change tells the learner, and the detail its lesson outcome carries. */
const KEY_CHANGES = {
  rotated: ['A new key signs new tokens; the old one still verifies.', 'rotated, old key kept'],
  retired: ['Old keys retired: tokens they signed no longer verify.', 'previous keys retired'],
} as const;

function formatCreated(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * The signing keys, as `GET /.well-known/jwks.json` serves them (RFC 7517), with which one signs
 * new tokens; rotate, retire, and the key-rotation drill.
 */
export function KeysPanel({ server }: { server: MockServer }) {
  const { data: keys, error } = useQuery(keysQueryOptions(server));
  const { data: jwks } = useQuery(jwksQueryOptions(server));
  const report = useConsoleReporter();
  const [message, setMessage] = useState<string>();
  const rotate = useServerChange((retire: boolean) =>
    adminCall(server, send, 'POST', '/keys/rotate', retire ? { retire_previous: true } : {}),
  );
  const retire = useServerChange(() => adminCall(server, send, 'POST', '/keys/retire'));
  const drill = useServerChange(() => runRotationDrill(server, send));
  const previous = keys?.filter((k) => k.status === 'previous').length ?? 0;
  /** Say what a key change did, and report it to the lesson. */
  const outcome = (change: keyof typeof KEY_CHANGES) => ({
    onSuccess: () => {
      const [message, detail] = KEY_CHANGES[change];
      setMessage(message);
      report(`keys-${change}`, { ok: true, detail });
    },
    onError: (e: Error) => setMessage(e.message),
  });
  const busy = rotate.isPending || retire.isPending || drill.isPending;

  return (
    <ServerPanel name="keys" badge={keys?.length}>
      {error && <p className="card__body panel-error">{error.message}</p>}
      {keys && (
        <div className="card__body jwks">
          <table className="table table--compact">
            <caption className="visually-hidden">Keys in the JSON Web Key Set</caption>
            <thead>
              <tr>
                <th scope="col">kid</th>
                <th scope="col">alg</th>
                <th scope="col">status</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.kid}>
                  <td>
                    <code
                      className="kid"
                      title={`${key.kid}, made ${formatCreated(key.created_at)}`}
                    >
                      {key.kid}
                    </code>
                  </td>
                  <td className="mono">{key.alg}</td>
                  <td>
                    <span
                      className={`badge ${key.status === 'active' ? 'badge--success' : 'badge--warning'}`}
                    >
                      {key.status}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted console-legend">
            <strong>active</strong> signs new tokens; <strong>previous</strong> keys only verify the
            tokens they signed, until retired.
          </p>
          <div className="console-buttons">
            <button
              type="button"
              className="btn btn--small"
              disabled={busy}
              onClick={() => rotate.mutate(false, outcome('rotated'))}
            >
              Rotate
            </button>
            <button
              type="button"
              className="btn btn--small"
              disabled={busy || previous === 0}
              onClick={() => retire.mutate(undefined, outcome('retired'))}
            >
              Retire old keys
            </button>
          </div>
          {message && (
            <p className="muted console-notice" role="status">
              {message}
            </p>
          )}
          <div className="drill">
            <h3 className="drill__title">Key-rotation drill</h3>
            <p className="muted drill__lead">
              Gets a token, rotates the key, calls the API with the old token, retires the old key
              and calls again. It changes the server’s keys, as a real rotation would.
            </p>
            <button
              type="button"
              className="btn btn--small btn--primary"
              disabled={busy}
              onClick={() =>
                drill.mutate(undefined, {
                  onSuccess: (result) =>
                    report('rotation-drill', {
                      ok: result.ok,
                      detail: result.steps.map((s) => `${s.ok ? '✓' : '✗'} ${s.label}`).join('; '),
                    }),
                })
              }
            >
              {drill.isPending ? 'Running…' : 'Run the drill'}
            </button>
            {drill.error && (
              <p className="panel-error" role="alert">
                {drill.error.message}
              </p>
            )}
            {drill.data && <DrillView result={drill.data} />}
          </div>
          {jwks && (
            <details className="disclosure">
              <summary>Show JSON</summary>
              <pre className="json">{JSON.stringify(jwks, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </ServerPanel>
  );
}

function DrillView({ result }: { result: DrillResult }) {
  return (
    <div className="drill__result" aria-live="polite">
      <ol className="drill__steps" aria-label="Drill steps">
        {result.steps.map((step) => (
          <li
            key={step.label}
            className={step.ok ? 'drill-step drill-step--ok' : 'drill-step drill-step--bad'}
          >
            <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span>{' '}
            <span className="visually-hidden">{step.ok ? 'as expected: ' : 'unexpected: '}</span>
            <strong>{step.label}</strong> <span className="muted">{step.detail}</span>
          </li>
        ))}
      </ol>
      <p className={result.ok ? 'drill__verdict drill__verdict--ok' : 'drill__verdict'}>
        {result.ok
          ? 'Drill passed: old tokens verified until their key was retired, and not after.'
          : 'The drill did not go as expected: see the step marked ✗.'}
      </p>
    </div>
  );
}
