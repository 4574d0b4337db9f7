import { useId } from 'react';
import { defineLab } from '../lab-card.tsx';
import { ChartFigure } from '../lanes/lane-chart.tsx';
import { VerdictList } from '../lanes/verdict-list.tsx';
import { CachingChart, CachingTotals } from './caching-chart.tsx';
import { describeTimeTravel, formatDuration } from './caching-sim.ts';
import { type CachingConfig, type HabitName, LIMITS, useCachingLab } from './use-caching-lab.ts';
import './caching-lab.css';

/** The caching lab: a scheduled job run by a naive client and by one the learner configures. */
export const CachingLab = defineLab<'caching'>(
  {
    className: 'caching-lab',
    defaultTitle: 'Token caching',
    subtitle: () => (
      <>
        A scheduled job calls the API for hours, as <code>cron-sync</code> (5 tokens a minute), run
        by a naive client and by yours.
      </>
    ),
  },
  Lab,
);

/** The server-clock skews the learner can set during a run. */
const SKEWS = [
  [1800, 'Server clock 30 min ahead'],
  [0, 'Server clock back in step'],
] as const;

function Lab({ labId, config }: { labId: string; config: CachingConfig }) {
  const ids = useId();
  const lab = useCachingLab(labId, config);
  const { habits, margin, job, problems, hours, plannedCalls, plannedRequests } = lab;
  const { marks, running, progress, verdict, failure, skew, travelNote, queueTravel } = lab;

  const habit = (key: HabitName) => ({
    checked: habits[key],
    disabled: running,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => lab.setHabit(key, e.target.checked),
  });

  return (
    <div className="lane-lab__body">
      <div className="lane-lab__settings">
        <fieldset className="lane-lab__fieldset">
          <legend>Your client</legend>
          <label className="lane-lab__check">
            <input type="checkbox" {...habit('fetchOnStart')} /> Get a token on start-up
          </label>
          <label className="lane-lab__check">
            <input type="checkbox" {...habit('cacheTokens')} /> Cache the token and reuse it
          </label>
          <label className="caching-lab__number">
            <span>
              Refresh margin: seconds before <code>expires_in</code> runs out
            </span>
            <input
              type="number"
              inputMode="numeric"
              min={0}
              max={3000}
              value={margin}
              disabled={running || !habits.cacheTokens}
              onChange={(e) => lab.setMargin(e.target.value)}
            />
          </label>
          <label className="lane-lab__check">
            <input type="checkbox" {...habit('retryOn401')} /> On a 401: discard, new token, retry
            once
          </label>
          <label className="lane-lab__check">
            <input type="checkbox" {...habit('honourRetryAfter')} /> After a 429: wait for{' '}
            <code>Retry-After</code>
          </label>
        </fieldset>
        <fieldset className="lane-lab__fieldset">
          <legend>The job</legend>
          {(
            [
              ['hours', 'Simulated hours'],
              ['everyMinutes', 'A run every (minutes)'],
              ['callsPerRun', 'API calls per run'],
            ] as const
          ).map(([key, label]) => (
            <label key={key} className="caching-lab__number">
              {label}
              <input
                type="number"
                inputMode="numeric"
                min={LIMITS[key][0]}
                max={LIMITS[key][1]}
                value={job[key]}
                disabled={running}
                onChange={(e) => lab.setJobField(key, e.target.value)}
              />
            </label>
          ))}
          <p className="lane-lab__note">
            The naive client asks for a token before every call, never retries and never waits.
          </p>
          {plannedCalls > 0 ? (
            <p className="lane-lab__note">
              {plannedCalls} calls per client: about {plannedRequests} requests, roughly{' '}
              {Math.max(1, Math.round((plannedRequests * 20) / 1000))} s.
            </p>
          ) : null}
          {config.script.length > 0 ? (
            <p className="lane-lab__note">
              Scheduled:{' '}
              {config.script
                .map((t) => `at ${formatDuration(t.atHour * 3600)}, ${describeTimeTravel(t)}`)
                .join('; ')}
              .
            </p>
          ) : null}
        </fieldset>
      </div>

      {problems.length > 0 ? (
        <ul className="notice notice--danger" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}

      <div className="lane-lab__actions">
        <button
          type="button"
          className="btn btn--primary"
          onClick={lab.run}
          disabled={running || problems.length > 0}
        >
          Run the job
        </button>
        <button type="button" className="btn" onClick={lab.stop} disabled={!running}>
          Stop
        </button>
        <fieldset className="caching-lab__travel" disabled={!running}>
          <legend className="lane-lab__legend">Time travel (during a run)</legend>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => queueTravel({ jumpSeconds: 3600 })}
          >
            Jump both clocks 1 hour ahead
          </button>
          {SKEWS.map(([skewSeconds, label]) => (
            <button
              key={skewSeconds}
              type="button"
              className="btn btn--small"
              onClick={() => queueTravel({ skewSeconds })}
              disabled={skew === skewSeconds}
            >
              {label}
            </button>
          ))}
        </fieldset>
      </div>

      <p className="lane-lab__status" role="status" aria-live="polite" id={`${ids}-status`}>
        {progress || 'Not run yet.'}
        {travelNote ? ` ${travelNote}` : ''}
      </p>
      {failure ? (
        <p className="notice notice--danger" role="alert">
          {failure}
        </p>
      ) : null}

      <ChartFigure
        keys={[
          ['caching-lab__key--token', 'token request'],
          ['caching-lab__key--avoidable', 'avoidable token request'],
          ['caching-lab__key--api', 'API call'],
          ['caching-lab__key--unauthorized', '401'],
          ['caching-lab__key--limited', '429'],
          ['caching-lab__key--travel', 'time travel'],
        ]}
      >
        <CachingChart marks={marks} hours={hours} />
      </ChartFigure>
      <CachingTotals marks={marks} />

      {verdict ? (
        <VerdictList
          findings={[
            ['Zero avoidable token requests', verdict.zeroAvoidable],
            ['Naive client throttled', verdict.naiveThrottled],
            ['Recovered from a 401', verdict.recoveredFrom401],
          ]}
        />
      ) : null}
    </div>
  );
}
