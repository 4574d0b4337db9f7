import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { formatOffset } from '../../client/describe-time.ts';
import type { MockServer } from '../../protocol';
import { useConsoleReporter } from './console-outcomes';
import { ServerPanel } from './server-panel.tsx';
import { type ClockChange, clockQueryOptions, useSetClock } from './server-queries';

/** Seconds typed by the learner, or why they are not usable. */
export function parseSeconds(text: string): number | string {
  const t = text.trim();
  if (t === '') return 'Type a number of seconds, e.g. 90 or -30.';
  if (!/^[-+]?\d+$/.test(t)) return 'Whole seconds only, e.g. 90 or -30.';
  const n = Number(t);
  if (Math.abs(n) > 100 * 365 * 86400) return 'At most ±100 years.';
  return n;
}

function formatTime(epochSeconds: number): { time: string; date: string } {
  const date = new Date(epochSeconds * 1000);
  return {
    time: date.toLocaleTimeString(undefined, { hour12: false }),
    date: date.toLocaleDateString(undefined, {
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
    }),
  };
}

/** The servers' shared clock: what `iat` and `exp` are measured against. */
export function ClockPanel({ server }: { server: MockServer }) {
  const { data: clock } = useQuery(clockQueryOptions(server));
  const clockChange = useSetClock(server);
  const report = useConsoleReporter();
  const ids = useId();
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string>();
  const setClock = {
    ...clockChange,
    mutate: (change: ClockChange) =>
      clockChange.mutate(change, {
        onSuccess: () => report('clock-moved', { ok: true, detail: JSON.stringify(change) }),
      }),
  };
  const shown = clock && formatTime(clock.now);
  return (
    <ServerPanel
      name="clock"
      aside={
        clock && (
          <span className="server-clock__badges">
            {clock.frozen ? <span className="badge badge--warning">frozen</span> : null}
            <span className={`badge ${clock.offset === 0 ? '' : 'badge--warning'}`}>
              offset {formatOffset(clock.offset)}
            </span>
          </span>
        )
      }
    >
      <div className="card__body clock">
        {clock && shown && (
          <p className="clock__now">
            <time dateTime={new Date(clock.now * 1000).toISOString()}>
              <span className="clock__time">{shown.time}</span>
              <span className="clock__date">{shown.date}</span>
            </time>
            <span className="clock__epoch mono">
              <span className="visually-hidden">epoch seconds </span>
              {clock.now}
            </span>
          </p>
        )}
        <fieldset className="clock__actions">
          <legend className="visually-hidden">Move the server clock</legend>
          {(
            [
              [300, '+5 min'],
              [3600, '+1 h'],
            ] as const
          ).map(([advance, label]) => (
            <button
              key={advance}
              type="button"
              className="btn btn--small"
              disabled={setClock.isPending}
              onClick={() => setClock.mutate({ advance })}
            >
              {label}
            </button>
          ))}
          <button
            type="button"
            className="btn btn--small"
            aria-pressed={clock?.frozen ?? false}
            disabled={setClock.isPending || !clock}
            onClick={() => clock && setClock.mutate({ freeze: !clock.frozen })}
          >
            {clock?.frozen ? 'Let it run' : 'Freeze'}
          </button>
          <button
            type="button"
            className="btn btn--small btn--ghost"
            disabled={setClock.isPending || !clock || (clock.offset === 0 && !clock.frozen)}
            onClick={() => setClock.mutate({ real: true })}
          >
            Back to real time
          </button>
        </fieldset>
        <form
          className="clock__custom"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const seconds = parseSeconds(text);
            if (typeof seconds === 'string') {
              setTextError(seconds);
              return;
            }
            setTextError(undefined);
            setClock.mutate({ advance: seconds });
          }}
        >
          <label htmlFor={`${ids}-advance`}>Move by (seconds, negative goes back)</label>
          <div className="clock__custom-row">
            <input
              id={`${ids}-advance`}
              className="input-compact console-input"
              inputMode="numeric"
              value={text}
              aria-invalid={textError !== undefined}
              aria-describedby={textError ? `${ids}-advance-error` : undefined}
              onChange={(e) => {
                setText(e.target.value);
                setTextError(undefined);
              }}
            />
            <button type="submit" className="btn btn--small" disabled={setClock.isPending}>
              Move clock
            </button>
          </div>
          {textError && (
            <span id={`${ids}-advance-error`} className="console-field__error">
              {textError}
            </span>
          )}
        </form>
        {setClock.isError && (
          <p className="panel-error" role="alert">
            {setClock.error.message}
          </p>
        )}
        <p className="clock__hint muted">
          Moving the clock makes tokens expire without waiting: the API checks <code>exp</code>{' '}
          against this time, with a leeway. A frozen clock stands still however long you pause;
          lessons that travel in time freeze it.
        </p>
      </div>
    </ServerPanel>
  );
}
