import { explainResponse, printHttpRequest, type RecordedExchange } from '../../../client/index.ts';
import type { LogEntry } from '../../../protocol/index.ts';

function prettyBody(exchange: RecordedExchange): string {
  if (exchange.json !== undefined) return JSON.stringify(exchange.json, null, 2);
  return exchange.bodyText;
}

/** `HTTP/1.1 401 Unauthorized`, the headers, a blank line and the body, as on the wire. */
export function printResponse(exchange: RecordedExchange): string {
  const head = [
    `HTTP/1.1 ${exchange.status} ${exchange.statusText}`.trimEnd(),
    ...exchange.headers.map(([name, value]) => `${name}: ${value}`),
  ].join('\n');
  const body = prettyBody(exchange);
  return body === '' ? head : `${head}\n\n${body}`;
}

/**
 * One exchange in full: the request as sent (variables filled), the response as received, what
 * the error means and how to fix it, and what the server knew (its named steps and the private
 * detail it kept out of the response).
 */
export function ExchangeDetails({
  exchange,
  log,
}: {
  exchange: RecordedExchange;
  log: LogEntry | undefined;
}) {
  const explanation = explainResponse(exchange);
  return (
    <div className="exchange-details">
      <div className="exchange-details__wire">
        <section>
          <h4>Request sent</h4>
          <pre className="exchange-details__code">
            <code>{printHttpRequest(exchange.request)}</code>
          </pre>
        </section>
        <section>
          <h4>
            Response <span className="muted">({Math.round(exchange.durationMs)} ms)</span>
          </h4>
          <pre className="exchange-details__code">
            <code>{printResponse(exchange)}</code>
          </pre>
        </section>
      </div>
      {explanation ? (
        <section className="exchange-details__explanation">
          <h4>
            <code>{explanation.code}</code>: {explanation.title}
          </h4>
          <p>{explanation.meaning}</p>
          {explanation.serverSays ? (
            <p>
              <strong>The server said:</strong> {explanation.serverSays}
            </p>
          ) : null}
          {explanation.hints.length > 0 ? (
            <ul>
              {explanation.hints.map((hint) => (
                <li key={hint}>{hint}</li>
              ))}
            </ul>
          ) : null}
          <p className="exchange-details__refs">
            {explanation.references.map((ref) => (
              <a key={ref.url} href={ref.url} target="_blank" rel="noreferrer" title={ref.title}>
                {ref.label}
              </a>
            ))}
          </p>
        </section>
      ) : null}
      {log ? (
        <section className="exchange-details__server">
          <h4>What the server checked</h4>
          <ol className="exchange-details__steps">
            {log.steps.map((step, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a log entry's steps never change
              <li key={index} className={step.ok ? 'is-ok' : 'is-failed'}>
                <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span> <code>{step.name}</code>
                <span className="visually-hidden">{step.ok ? ' passed' : ' failed'}</span>
              </li>
            ))}
          </ol>
          {log.error?.detail ? (
            <p>
              <strong>What the server knew</strong> (never sent to the client): {log.error.detail}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
