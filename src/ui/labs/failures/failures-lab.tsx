import { useId } from 'react';
import { defineLab } from '../lab-card.tsx';
import { ChartFigure } from '../lanes/lane-chart.tsx';
import { VerdictList } from '../lanes/verdict-list.tsx';
import { AvoidableList, FailuresChart, FailuresTotals } from './failures-chart.tsx';
import {
  BACKOFF_BASE_MS,
  CALL_DEADLINE_MS,
  describeOutage,
  REFRESH_MARGIN_SECONDS,
  RETRY_ATTEMPTS,
  TIMEOUT_MS,
} from './failures-sim.ts';
import { type FailuresConfig, type HabitName, useFailuresLab } from './use-failures-lab.ts';
import './failures-lab.css';

const HABITS: readonly { key: HabitName; label: string; hint: string }[] = [
  {
    key: 'retry',
    label: 'Retry a failed token request',
    hint: `up to ${RETRY_ATTEMPTS} more tries`,
  },
  {
    key: 'backoff',
    label: 'Back off between retries',
    hint: Array.from(
      { length: RETRY_ATTEMPTS },
      (_, i) => `${(BACKOFF_BASE_MS * 2 ** i) / 1000} s`,
    ).join(', '),
  },
  { key: 'jitter', label: 'Add jitter', hint: 'a random share of the wait' },
  { key: 'honourRetryAfter', label: 'Honour Retry-After', hint: 'never retry sooner' },
  {
    key: 'shareInFlight',
    label: 'Share one token request among callers',
    hint: 'in each replica',
  },
  {
    key: 'serveStale',
    label: 'Keep using a still-valid token when a refresh fails',
    hint: 'until it expires',
  },
  { key: 'timeout', label: 'Time out a token request', hint: `after ${TIMEOUT_MS} ms` },
];

/** The failures lab: a job of replicas and callers while the token endpoint fails. */
export const FailuresLab = defineLab<'failures'>(
  {
    className: 'failures-lab',
    defaultTitle: 'When the token endpoint fails',
    subtitle: (config) => (
      <>
        {config.job.replicas} replicas of a service, {config.job.callers} callers each, call the API
        every {config.job.everyMinutes} minutes while the token endpoint has outages.
      </>
    ),
  },
  Lab,
);

function Lab({ labId, config }: { labId: string; config: FailuresConfig }) {
  const ids = useId();
  const lab = useFailuresLab(labId, config);
  const { habits, running, marks, verdict } = lab;
  return (
    <div className="lane-lab__body">
      <div className="lane-lab__settings">
        <fieldset className="lane-lab__fieldset">
          <legend>Your client</legend>
          {HABITS.map(({ key, label, hint }) => (
            <label key={key} className="lane-lab__check">
              <input
                type="checkbox"
                checked={habits[key]}
                disabled={running}
                onChange={(e) => lab.setHabit(key, e.target.checked)}
              />
              <span>
                {label} <span className="muted">({hint})</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="lane-lab__fieldset">
          <p className="lane-lab__legend">The job</p>
          <p className="lane-lab__note">
            Both clients cache tokens and refresh them {REFRESH_MARGIN_SECONDS / 60} minutes before
            they expire. The naive one never retries, never shares, never falls back and waits as
            long as it takes; the job gives each call {CALL_DEADLINE_MS / 1000} s (a slower call has
            failed).
          </p>
          <ul className="lane-lab__note failures-lab__outages" aria-label="Outages during the job">
            {config.outages.map((o) => (
              <li key={`${o.atMinute}-${o.kind}`}>
                at {Math.floor(o.atMinute / 60)} h {String(o.atMinute % 60).padStart(2, '0')}:{' '}
                {describeOutage(o)}
              </li>
            ))}
          </ul>
          <p className="lane-lab__note">A run takes about {lab.plannedSeconds} s.</p>
        </div>
      </div>

      <div className="lane-lab__actions">
        <button type="button" className="btn btn--primary" onClick={lab.run} disabled={running}>
          Run the job
        </button>
        <button type="button" className="btn" onClick={lab.stop} disabled={!running}>
          Stop
        </button>
      </div>
      <p className="lane-lab__status" role="status" aria-live="polite" id={`${ids}-status`}>
        {lab.progress || 'Not run yet.'}
      </p>
      {lab.failure ? (
        <p className="notice notice--danger" role="alert">
          {lab.failure}
        </p>
      ) : null}

      <ChartFigure
        keys={[
          ['failures-lab__key--outage', 'outage'],
          ['failures-lab__key--token', 'token request'],
          ['failures-lab__key--retry', 'retry'],
          ['failures-lab__key--failed', 'failure'],
          ['failures-lab__key--avoidable', 'avoidable'],
        ]}
      >
        <FailuresChart marks={marks} hours={config.job.hours} />
      </ChartFigure>
      <div className="failures-lab__tables">
        <FailuresTotals marks={marks} />
        <AvoidableList marks={marks} />
      </div>

      {verdict ? (
        <VerdictList
          findings={[
            ['Your client rode out every outage', verdict.resilient],
            ['The naive client failed with a valid token', verdict.naiveFailed],
            ['Your client fell back on its cached token', verdict.servedStale],
          ]}
        />
      ) : null}
    </div>
  );
}
