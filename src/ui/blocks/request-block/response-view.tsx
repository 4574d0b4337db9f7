import { useId, useState } from 'react';
import { explainResponse } from '../../../client/explain-error.ts';
import type { RecordedExchange } from '../../../client/send-request.ts';
import { describeExpectation } from '../../../lessons/expectation.ts';
import type { ResponseExpectation } from '../../../lessons/lesson-types.ts';
import type { LogEntry } from '../../../protocol/index.ts';
import type { ExpectationResult } from '../../shared/lesson-runtime-context.ts';

/** Reason phrases (RFC 9110 §15) for responses that arrive without one (HTTP/2, some workers). */
const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `401 Unauthorized`. */
export function statusText(exchange: RecordedExchange): string {
  const reason = exchange.statusText || REASONS[exchange.status];
  return reason ? `${exchange.status} ${reason}` : String(exchange.status);
}

/** `200 OK in 3 ms`: the line a screen reader hears after Send. */
export function statusLine(exchange: RecordedExchange): string {
  const ms =
    exchange.durationMs < 10 ? exchange.durationMs.toFixed(1) : Math.round(exchange.durationMs);
  return `${statusText(exchange)} in ${ms} ms`;
}

export function statusTone(status: number): 'success' | 'warning' | 'danger' {
  if (status < 300) return 'success';
  if (status < 500 && status !== 401 && status !== 403) return 'warning';
  return 'danger';
}

function prettyBody(exchange: RecordedExchange): string {
  if (exchange.json !== undefined) return JSON.stringify(exchange.json, null, 2);
  return exchange.bodyText;
}

/** Characters of a body shown at first: a large answer (a whole log) would swamp the page. */
export const BODY_PREVIEW_CHARS = 40_000;

/** A response body, the first {@link BODY_PREVIEW_CHARS} of it until the learner asks for all. */
function ResponseBody({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  const long = text.length > BODY_PREVIEW_CHARS;
  const shown = long && !all ? text.slice(0, BODY_PREVIEW_CHARS) : text;
  return (
    <>
      <pre className="response-view__body">
        <code>{shown}</code>
      </pre>
      {long ? (
        <p className="response-view__more">
          <button type="button" className="btn btn--small" onClick={() => setAll(!all)}>
            {all
              ? 'Show less'
              : `Show the whole body (${Math.round(text.length / 1024)} kB; ${Math.round(BODY_PREVIEW_CHARS / 1024)} kB shown)`}
          </button>
        </p>
      ) : null}
    </>
  );
}

/** `checkClientSecret` → `check client secret`. */
export function humanizeStep(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

export interface ResponseViewProps {
  exchange: RecordedExchange;
  expect?: ResponseExpectation | undefined;
  expectation?: ExpectationResult | undefined;
  /** Variables this response saved. */
  saved?: readonly string[] | undefined;
  /** The core's log entry for the exchange (what the server knew). */
  log?: LogEntry | undefined;
  /** Show the status and time (default); off when the caller announces them itself. */
  showStatus?: boolean;
}

/**
 * One response: status, expectation, saved variables, body, headers and, for errors, what the
 * code means, what the server knew and how to fix the request. The status line itself is
 * announced by the caller's live region.
 */
export function ResponseView({
  exchange,
  expect,
  expectation,
  saved,
  log,
  showStatus = true,
}: ResponseViewProps) {
  const headersId = useId();
  const explanation = explainResponse(exchange);
  const tone = statusTone(exchange.status);
  return (
    <div className="response-view">
      <div className="response-view__summary">
        {showStatus ? (
          <>
            <span className={`status-pill status-pill--${tone}`}>{statusText(exchange)}</span>
            <span className="response-view__time">
              {statusLine(exchange).replace(/^.* in /, '')}
            </span>
          </>
        ) : null}
        {expect && expectation ? (
          expectation.ok ? (
            <span className="badge badge--success">✓ Expected {describeExpectation(expect)}</span>
          ) : (
            <span className="badge badge--warning">Expected {describeExpectation(expect)}</span>
          )
        ) : null}
      </div>
      {expectation && !expectation.ok ? (
        <ul className="response-view__reasons" aria-label="Why the expectation was not met">
          {expectation.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      {saved && saved.length > 0 ? (
        <p className="response-view__saved">
          {saved.map((name) => (
            <span key={name} className="badge badge--accent">
              saved <code>{`{{${name}}}`}</code>
            </span>
          ))}
        </p>
      ) : null}
      {explanation ? (
        <section className="explanation" aria-label={`Why: ${explanation.code}`}>
          <h4 className="explanation__title">
            <code>{explanation.code}</code> — {explanation.title}
          </h4>
          {explanation.serverSays ? (
            <p className="explanation__says">
              <span className="explanation__label">The server said</span> “{explanation.serverSays}”
            </p>
          ) : null}
          <p>{explanation.meaning}</p>
          {log && (log.error?.detail || log.steps.length > 0) ? (
            <div className="server-knew">
              <h5>What the server knew</h5>
              {log.error?.detail ? <p>{log.error.detail}</p> : null}
              {log.steps.length > 0 ? (
                <ol className="server-knew__steps">
                  {log.steps.map((step, index) => (
                    <li
                      // biome-ignore lint/suspicious/noArrayIndexKey: a log's steps never reorder
                      key={index}
                      data-ok={step.ok}
                    >
                      <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span>
                      <span className="visually-hidden">{step.ok ? 'passed:' : 'failed:'}</span>{' '}
                      {humanizeStep(step.name)}
                    </li>
                  ))}
                </ol>
              ) : null}
            </div>
          ) : null}
          {explanation.fix.length + explanation.hints.length > 0 ? (
            <div>
              <h5>How to fix it</h5>
              <ul className="explanation__fix">
                {[...explanation.hints, ...explanation.fix].map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <p className="explanation__refs">
            {explanation.references.map((ref) => (
              <a key={ref.url} href={ref.url} target="_blank" rel="noreferrer">
                {ref.label}: {ref.title}
              </a>
            ))}
          </p>
        </section>
      ) : null}
      {exchange.bodyText !== '' ? (
        <ResponseBody text={prettyBody(exchange)} />
      ) : (
        <p className="muted response-view__empty">Empty body.</p>
      )}
      <details className="response-view__headers">
        <summary id={headersId}>Response headers ({exchange.headers.length})</summary>
        <div className="table-scroll">
          <table className="table" aria-labelledby={headersId}>
            <thead>
              <tr>
                <th scope="col">Header</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {exchange.headers.map(([name, value], index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a response's headers never reorder
                <tr key={index}>
                  <th scope="row" className="mono">
                    {name}
                  </th>
                  <td className="mono">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
