import { useQuery } from '@tanstack/react-query';
import { memo } from 'react';
import type { MockServer } from '../../protocol';
import { describeLoggedFault } from './console-model';
import { RedactionProbeView } from './redaction-probe';
import { ServerPanel } from './server-panel.tsx';
import { type LogEntry, logQueryOptions } from './server-queries';

function statusTone(status: number): string {
  if (status >= 500 || status === 0) return 'danger';
  if (status >= 400) return status === 429 ? 'warning' : 'danger';
  if (status >= 300) return 'info';
  return 'success';
}

function splitUrl(url: string): { origin: string; rest: string } {
  try {
    const parsed = new URL(url);
    return { origin: parsed.origin, rest: `${parsed.pathname}${parsed.search}` };
  } catch {
    return { origin: '', rest: url };
  }
}

// One formatter for every row: toLocaleTimeString builds a new one per call, which showed up as
// the Server page's top cost under request bursts.
const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

function formatClock(ms: number): string {
  return clockFormat.format(ms);
}

/** Pretty-print a JSON body; anything else (form bodies, text) stays as it came. */
function prettyBody(body: string | undefined): string | undefined {
  if (body === undefined || body === '') return undefined;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** The live log of requests and answers, newest first, redacted by the server. */
export function RequestLogPanel({ server }: { server: MockServer }) {
  const { data: log, error } = useQuery(logQueryOptions(server));
  // The core keeps the newest last; a live log reads best newest first.
  const entries = [...(log ?? [])].reverse();

  return (
    <ServerPanel name="log" badge={entries.length}>
      {error && <p className="card__body panel-error">{error.message}</p>}
      <RedactionProbeView server={server} />
      {entries.length === 0 ? (
        <p className="request-log__empty muted">
          No requests yet. Get a token in a lesson and each request appears here, with every check
          the server ran.
        </p>
      ) : (
        <ol className="request-log__list" aria-label="Requests, newest first">
          {entries.map((entry) => (
            <li key={entry.id}>
              <LogEntryView entry={entry} />
            </li>
          ))}
        </ol>
      )}
    </ServerPanel>
  );
}

// Entries never change once logged: a new request re-renders only its own row.
const LogEntryView = memo(function LogEntryView({ entry }: { entry: LogEntry }) {
  const { origin, rest } = splitUrl(entry.request.url);
  const knew = entry.error?.detail ?? entry.detail;
  return (
    <details className="log-entry">
      <summary className="log-entry__summary">
        <span className="log-entry__line">
          <span className="log-entry__method mono">{entry.request.method}</span>
          <span className="log-entry__url mono">
            <span className="log-entry__origin">{origin}</span>
            {rest}
          </span>
          <span className={`badge badge--${statusTone(entry.response.status)} log-entry__status`}>
            <span className="visually-hidden">status </span>
            {entry.response.status === 0 ? 'dropped' : entry.response.status}
          </span>
          {entry.fault && (
            <span className="badge badge--warning log-entry__fault">
              {describeLoggedFault(entry.fault)}
            </span>
          )}
          <span className="log-entry__meta muted">
            <time dateTime={new Date(entry.time).toISOString()}>{formatClock(entry.time)}</time>
            <span aria-hidden="true"> · </span>
            {Math.round(entry.durationMs)} ms
          </span>
        </span>
        {(entry.steps.length > 0 || entry.error) && (
          <span className="log-entry__steps">
            {entry.steps.map((step, index) => (
              <span
                // biome-ignore lint/suspicious/noArrayIndexKey: steps never reorder, and a name may repeat
                key={`${index}-${step.name}`}
                className={`step ${step.ok ? 'step--ok' : 'step--failed'}`}
              >
                <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span>
                <span className="visually-hidden">{step.ok ? 'passed' : 'failed'}: </span>
                {step.name}
              </span>
            ))}
            {entry.error && (
              <span className="log-entry__error mono">
                <span aria-hidden="true">→ </span>
                {entry.error.error}
              </span>
            )}
          </span>
        )}
      </summary>
      <div className="log-entry__body">
        {entry.error && (
          <div className="told-knew">
            <div className="told-knew__item">
              <h3>What the server told the client</h3>
              <p>
                <code>{entry.error.error}</code> {entry.error.error_description}
              </p>
            </div>
            {knew && (
              <div className="told-knew__item told-knew__item--private">
                <h3>What the server knew</h3>
                <p>{knew}</p>
              </div>
            )}
          </div>
        )}
        {!entry.error && knew && (
          <div className="told-knew">
            <div className="told-knew__item told-knew__item--private">
              <h3>What the server knew</h3>
              <p>{knew}</p>
            </div>
          </div>
        )}
        <div className="exchange">
          <MessageView
            title="Request"
            firstLine={`${entry.request.method} ${entry.request.url}`}
            headers={entry.request.headers}
            body={entry.request.body}
          />
          <MessageView
            title="Response"
            firstLine={
              entry.response.status === 0
                ? '(no answer: the connection was dropped)'
                : `HTTP ${entry.response.status}`
            }
            headers={entry.response.headers}
            body={entry.response.body}
          />
        </div>
        <p className="log-entry__id muted">
          <span>x-request-id </span>
          <code>{entry.id}</code>
          {entry.clientId && (
            <>
              <span> · client </span>
              <code>{entry.clientId}</code>
            </>
          )}
        </p>
      </div>
    </details>
  );
});

function MessageView({
  title,
  firstLine,
  headers,
  body,
}: {
  title: string;
  firstLine: string;
  headers: Record<string, string>;
  body: string | undefined;
}) {
  const pretty = prettyBody(body);
  const names = Object.keys(headers);
  return (
    <div className="message">
      <h3>{title}</h3>
      <pre className="message__raw">
        <span className="message__first-line">{firstLine}</span>
        {names.map((name) => (
          <span key={name} className="message__header">
            {'\n'}
            <span className="message__header-name">{name}</span>: {headers[name]}
          </span>
        ))}
        {pretty !== undefined && (
          <>
            {'\n\n'}
            {pretty}
          </>
        )}
      </pre>
    </div>
  );
}
