import { useEffect, useId, useRef, useState } from 'react';
import type { HttpRequestModel } from '../../../client/http-request.ts';
import { buildTokenRequest } from '../../../client/token-request.ts';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type { MockServer } from '../../../protocol';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { LabCard } from '../lab-card.tsx';
import type { LabProps } from '../lab-props.ts';
import { CachingChart, CachingTotals } from './caching-chart.tsx';
import {
  type ClientHabits,
  callSchedule,
  describeTimeTravel,
  formatDuration,
  type JobSettings,
  judgeRun,
  type RunVerdict,
  runCachingJob,
  type SimMark,
  type TimeTravel,
} from './caching-sim.ts';
import './caching-lab.css';

/** The lab's options, as src/lessons/labs/caching.ts's schema output them at build time. */
type CachingConfig = LabConfig<'caching'>;

/** The caching lab: a scheduled job run by a naive client and by one the learner configures. */
export function CachingLab({ block }: LabProps<'caching'>) {
  return (
    <LabCard
      block={block}
      className="caching-lab"
      defaultTitle="Token caching"
      subtitle={
        <>
          A scheduled job calls the API for hours, as <code>cron-sync</code> (5 tokens a minute),
          run by a naive client and by yours.
        </>
      }
    >
      <Lab labId={block.id} config={block.config} />
    </LabCard>
  );
}

type Limits = Record<keyof JobSettings | 'ttlMarginSeconds', [min: number, max: number]>;
const LIMITS: Limits = {
  hours: [1, 24],
  everyMinutes: [5, 240],
  callsPerRun: [1, 12],
  ttlMarginSeconds: [0, 3000],
};

/** A whole number within the limits, or why not. */
function checkNumber(name: keyof Limits, label: string, value: string): string | undefined {
  const [min, max] = LIMITS[name];
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    return `${label} must be a whole number from ${min} to ${max}.`;
  }
  return undefined;
}

function Lab({ labId, config }: { labId: string; config: CachingConfig }) {
  const server = useMockServer();
  const runtime = useOptionalLessonRuntime();
  const ids = useId();
  const [habits, setHabits] = useState<ClientHabits>(config.yours);
  const [margin, setMargin] = useState(String(config.yours.ttlMarginSeconds));
  const [job, setJob] = useState<Record<keyof JobSettings, string>>({
    hours: String(config.job.hours),
    everyMinutes: String(config.job.everyMinutes),
    callsPerRun: String(config.job.callsPerRun),
  });
  const [marks, setMarks] = useState<readonly SimMark[]>([]);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<string>('');
  const [verdict, setVerdict] = useState<RunVerdict | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [skew, setSkew] = useState(0);
  /** The last time travel, queued or applied: kept beside the progress line. */
  const [travelNote, setTravelNote] = useState<string | undefined>();
  const marksRef = useRef<SimMark[]>([]);
  const travelRef = useRef<TimeTravel | undefined>(undefined);
  const abortRef = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => abortRef.current?.abort(), []);

  const problems = [
    checkNumber('hours', 'Hours', job.hours),
    checkNumber('everyMinutes', 'Minutes between runs', job.everyMinutes),
    checkNumber('callsPerRun', 'Calls per run', job.callsPerRun),
    checkNumber('ttlMarginSeconds', 'The refresh margin', margin),
  ].filter((p): p is string => p !== undefined);

  const hours = Number(job.hours) || config.job.hours;
  // Each request crosses the service worker (~15-25 ms): say what a run will cost before it starts.
  const plannedCalls =
    problems.length > 0
      ? 0
      : callSchedule({
          hours: Number(job.hours),
          everyMinutes: Number(job.everyMinutes),
          callsPerRun: Number(job.callsPerRun),
        }).length;
  const plannedRequests = plannedCalls * 3;

  const queueTravel = (travel: TimeTravel) => {
    const queued = travelRef.current ?? {};
    travelRef.current = {
      ...queued,
      ...(travel.jumpSeconds
        ? { jumpSeconds: (queued.jumpSeconds ?? 0) + travel.jumpSeconds }
        : {}),
      ...(travel.skewSeconds !== undefined ? { skewSeconds: travel.skewSeconds } : {}),
    };
    if (travel.skewSeconds !== undefined) setSkew(travel.skewSeconds);
    setTravelNote(`Queued for the next run: ${describeTimeTravel(travel)}.`);
  };

  async function run() {
    if (problems.length > 0 || running) return;
    const settings = {
      job: {
        hours: Number(job.hours),
        everyMinutes: Number(job.everyMinutes),
        callsPerRun: Number(job.callsPerRun),
      },
      yours: { ...habits, ttlMarginSeconds: Number(margin) },
      script: config.script,
    };
    const controller = new AbortController();
    abortRef.current = controller;
    travelRef.current = undefined;
    marksRef.current = [];
    setMarks([]);
    setVerdict(undefined);
    setFailure(undefined);
    setSkew(0);
    setTravelNote(undefined);
    setRunning(true);
    setProgress('Starting the job…');
    const before = server.admin.clock();
    const started = performance.now();
    try {
      const result = await runCachingJob(
        {
          fetch: (request) => fetch(request),
          setServerTime: async (seconds) => {
            await server.admin.setClock({ set: seconds });
          },
          tokenRequest: () => cronSyncTokenRequest(server),
          apiRequest: usersRequest(server),
          // Each lane days in the past: their rate-limit windows and tokens never meet, nor the
          // present that the other lessons use.
          laneStart: {
            naive: (before.now - 4 * 86_400) * 1000,
            yours: (before.now - 2 * 86_400) * 1000,
          },
          onMark: (mark) => {
            marksRef.current.push(mark);
            if (mark.kind === 'clock' && mark.lane === 'naive') {
              setTravelNote(`At ${formatDuration(mark.at)} of job time: ${mark.text}.`);
            }
          },
          afterRun: async (at) => {
            setMarks([...marksRef.current]);
            setProgress(`Job time ${formatDuration(at)} of ${settings.job.hours} h…`);
            // let the page draw before the next run
            await new Promise((resolve) => setTimeout(resolve, 0));
          },
          takeTimeTravel: () => {
            const travel = travelRef.current;
            travelRef.current = undefined;
            return travel;
          },
          signal: controller.signal,
        },
        settings,
      );
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      setMarks([...marksRef.current]);
      const v = judgeRun(result, marksRef.current);
      setVerdict(v);
      setProgress(
        result.finished
          ? `Finished: ${settings.job.hours} simulated hours in ${seconds} s of real time.`
          : 'Stopped before the end.',
      );
      if (runtime) {
        runtime.reportLabOutcome(labId, 'zero-avoidable', v.zeroAvoidable);
        runtime.reportLabOutcome(labId, 'naive-throttled', v.naiveThrottled);
        if (v.recoveredFrom401.ok)
          runtime.reportLabOutcome(labId, 'recovered-401', v.recoveredFrom401);
      }
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setProgress('The job stopped on an error.');
    } finally {
      // back to where the clock was, plus the time the run took: the present is untouched
      await server.admin
        .setClock({ set: before.now + (performance.now() - started) / 1000 })
        .catch(() => undefined);
      abortRef.current = undefined;
      setRunning(false);
      setSkew(0);
    }
  }

  const habit = (key: 'cacheTokens' | 'retryOn401' | 'honourRetryAfter' | 'fetchOnStart') => ({
    checked: habits[key],
    disabled: running,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) =>
      setHabits((h) => ({ ...h, [key]: e.target.checked })),
  });

  return (
    <div className="caching-lab__body">
      <div className="caching-lab__settings">
        <fieldset className="caching-lab__fieldset">
          <legend>Your client</legend>
          <label className="caching-lab__check">
            <input type="checkbox" {...habit('fetchOnStart')} /> Get a token on start-up
          </label>
          <label className="caching-lab__check">
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
              onChange={(e) => setMargin(e.target.value)}
            />
          </label>
          <label className="caching-lab__check">
            <input type="checkbox" {...habit('retryOn401')} /> On a 401: discard, new token, retry
            once
          </label>
          <label className="caching-lab__check">
            <input type="checkbox" {...habit('honourRetryAfter')} /> After a 429: wait for{' '}
            <code>Retry-After</code>
          </label>
        </fieldset>
        <fieldset className="caching-lab__fieldset">
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
                onChange={(e) => setJob((j) => ({ ...j, [key]: e.target.value }))}
              />
            </label>
          ))}
          <p className="caching-lab__note">
            The naive client asks for a token before every call, never retries and never waits.
          </p>
          {plannedCalls > 0 ? (
            <p className="caching-lab__note">
              {plannedCalls} calls per client: about {plannedRequests} requests, roughly{' '}
              {Math.max(1, Math.round((plannedRequests * 20) / 1000))} s.
            </p>
          ) : null}
          {config.script.length > 0 ? (
            <p className="caching-lab__note">
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
        <ul className="caching-lab__problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}

      <div className="caching-lab__actions">
        <button
          type="button"
          className="btn btn--primary"
          onClick={run}
          disabled={running || problems.length > 0}
        >
          Run the job
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => abortRef.current?.abort()}
          disabled={!running}
        >
          Stop
        </button>
        <fieldset className="caching-lab__travel" disabled={!running}>
          <legend>Time travel (during a run)</legend>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => queueTravel({ jumpSeconds: 3600 })}
          >
            Jump both clocks 1 hour ahead
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => queueTravel({ skewSeconds: 1800 })}
            disabled={skew === 1800}
          >
            Server clock 30 min ahead
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => queueTravel({ skewSeconds: 0 })}
            disabled={skew === 0}
          >
            Server clock back in step
          </button>
        </fieldset>
      </div>

      <p className="caching-lab__status" role="status" aria-live="polite" id={`${ids}-status`}>
        {progress || 'Not run yet.'}
        {travelNote ? ` ${travelNote}` : ''}
      </p>
      {failure ? (
        <p className="caching-lab__problems" role="alert">
          {failure}
        </p>
      ) : null}

      <figure className="caching-lab__figure">
        {/* the table below carries the same numbers for keyboard and screen-reader users */}
        <div className="caching-lab__scroll">
          <CachingChart marks={marks} hours={hours} />
        </div>
        <figcaption className="caching-lab__legend">
          <span className="caching-lab__key caching-lab__key--token">token request</span>
          <span className="caching-lab__key caching-lab__key--avoidable">
            avoidable token request
          </span>
          <span className="caching-lab__key caching-lab__key--api">API call</span>
          <span className="caching-lab__key caching-lab__key--unauthorized">401</span>
          <span className="caching-lab__key caching-lab__key--limited">429</span>
          <span className="caching-lab__key caching-lab__key--travel">time travel</span>
        </figcaption>
      </figure>
      <CachingTotals marks={marks} />

      {verdict ? (
        <ul className="caching-lab__verdict" aria-label="What this run shows">
          {(
            [
              ['Zero avoidable token requests', verdict.zeroAvoidable],
              ['Naive client throttled', verdict.naiveThrottled],
              ['Recovered from a 401', verdict.recoveredFrom401],
            ] as const
          ).map(([label, v]) => (
            <li key={label} className={v.ok ? 'is-ok' : 'is-not'}>
              <span className={`badge ${v.ok ? 'badge--success' : 'badge--warning'}`}>
                {v.ok ? 'yes' : 'no'}
              </span>{' '}
              <strong>{label}:</strong> {v.detail}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function cronSyncTokenRequest(server: MockServer): Promise<HttpRequestModel> {
  return buildTokenRequest(
    {
      grantType: 'client_credentials',
      clientId: 'cron-sync',
      clientSecret: 'cron-secret',
      authMethod: 'client_secret_basic',
      scope: ['read:users'],
    },
    { issuer: server.options.issuer },
  );
}

function usersRequest(server: MockServer): HttpRequestModel {
  return {
    method: 'GET',
    url: `${server.options.apiOrigin}/api/v1/users`,
    headers: [['Accept', 'application/json']],
    body: '',
  };
}
