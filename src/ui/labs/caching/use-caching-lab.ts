/**
 * The caching lab's logic apart from its view: the settings form's rules, the time-travel queue
 * and the run itself (caching-sim.ts against the page's mock server), as plain functions tested in
 * Node and one hook that holds the lab's state. caching-lab.tsx only draws what this returns.
 */
import { useRef, useState } from 'react';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type { MockServer } from '../../../protocol/index.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { jobApiRequest, jobTokenRequest } from '../lanes/job.ts';
import { useJobRun } from '../lanes/use-job-run.ts';
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
  type SimSettings,
  type TimeTravel,
} from './caching-sim.ts';

/** cron-sync's token request (5 tokens a minute), on this server's issuer. */
export const cronSyncTokenRequest = (server: Pick<MockServer, 'options'>) =>
  jobTokenRequest(server, { id: 'cron-sync', secret: 'cron-secret' });

/** The lab's options, as src/lessons/labs/caching.ts's schema output them at build time. */
export type CachingConfig = LabConfig<'caching'>;

/** The job's settings as typed in the form. */
export type JobForm = Record<keyof JobSettings, string>;

type Limits = Record<keyof JobSettings | 'ttlMarginSeconds', [min: number, max: number]>;
export const LIMITS: Limits = {
  hours: [1, 24],
  everyMinutes: [5, 240],
  callsPerRun: [1, 12],
  ttlMarginSeconds: [0, 3000],
};

/** A whole number within the limits, or why not. */
export function checkNumber(name: keyof Limits, label: string, value: string): string | undefined {
  const [min, max] = LIMITS[name];
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    return `${label} must be a whole number from ${min} to ${max}.`;
  }
  return undefined;
}

/** What is wrong with the form, one message per field; empty when the job can run. */
export function formProblems(job: JobForm, margin: string): string[] {
  return [
    checkNumber('hours', 'Hours', job.hours),
    checkNumber('everyMinutes', 'Minutes between runs', job.everyMinutes),
    checkNumber('callsPerRun', 'Calls per run', job.callsPerRun),
    checkNumber('ttlMarginSeconds', 'The refresh margin', margin),
  ].filter((p): p is string => p !== undefined);
}

/** Calls each client makes in a run of this job (0 while the form has a problem). */
export function plannedCalls(job: JobForm, problems: readonly string[]): number {
  if (problems.length > 0) return 0;
  return callSchedule({
    hours: Number(job.hours),
    everyMinutes: Number(job.everyMinutes),
    callsPerRun: Number(job.callsPerRun),
  }).length;
}

/** A time travel asked for while another waits for the next run: jumps add up, skews replace. */
export function mergeTravel(queued: TimeTravel | undefined, travel: TimeTravel): TimeTravel {
  const base = queued ?? {};
  return {
    ...base,
    ...(travel.jumpSeconds ? { jumpSeconds: (base.jumpSeconds ?? 0) + travel.jumpSeconds } : {}),
    ...(travel.skewSeconds !== undefined ? { skewSeconds: travel.skewSeconds } : {}),
  };
}

/** The simulation's settings from the form (which must have no problems). */
export function simSettings(
  job: JobForm,
  habits: ClientHabits,
  margin: string,
  script: CachingConfig['script'],
): SimSettings {
  return {
    job: {
      hours: Number(job.hours),
      everyMinutes: Number(job.everyMinutes),
      callsPerRun: Number(job.callsPerRun),
    },
    yours: { ...habits, ttlMarginSeconds: Number(margin) },
    script,
  };
}

export type HabitName = 'cacheTokens' | 'retryOn401' | 'honourRetryAfter' | 'fetchOnStart';

/** The caching lab's state and actions, over the page's mock server and the lesson runtime. */
export function useCachingLab(labId: string, config: CachingConfig) {
  const runtime = useOptionalLessonRuntime();
  const [habits, setHabits] = useState<ClientHabits>(config.yours);
  const [margin, setMargin] = useState(String(config.yours.ttlMarginSeconds));
  const [job, setJob] = useState<JobForm>({
    hours: String(config.job.hours),
    everyMinutes: String(config.job.everyMinutes),
    callsPerRun: String(config.job.callsPerRun),
  });
  const [verdict, setVerdict] = useState<RunVerdict | undefined>();
  const [skew, setSkew] = useState(0);
  /** The last time travel, queued or applied: kept beside the progress line. */
  const [travelNote, setTravelNote] = useState<string | undefined>();
  const travelRef = useRef<TimeTravel | undefined>(undefined);
  const jobRun = useJobRun<SimMark>();
  const { server, running } = jobRun;

  const problems = formProblems(job, margin);
  const hours = Number(job.hours) || config.job.hours;
  const calls = plannedCalls(job, problems);

  const queueTravel = (travel: TimeTravel) => {
    travelRef.current = mergeTravel(travelRef.current, travel);
    if (travel.skewSeconds !== undefined) setSkew(travel.skewSeconds);
    setTravelNote(`Queued for the next run: ${describeTimeTravel(travel)}.`);
  };

  function start() {
    if (problems.length > 0 || running) return;
    const settings = simSettings(job, habits, margin, config.script);
    travelRef.current = undefined;
    setVerdict(undefined);
    setSkew(0);
    setTravelNote(undefined);
    return jobRun.start(
      ({ startedAt, mark, draw, ...run }) =>
        runCachingJob(
          {
            ...run,
            tokenRequest: () => cronSyncTokenRequest(server),
            apiRequest: jobApiRequest(server),
            // Each lane days in the past: their rate-limit windows and tokens never meet, nor the
            // present that the other lessons use.
            laneStart: {
              naive: (startedAt - 4 * 86_400) * 1000,
              yours: (startedAt - 2 * 86_400) * 1000,
            },
            onMark: (m) => {
              mark(m);
              if (m.kind === 'clock' && m.lane === 'naive') {
                setTravelNote(`At ${formatDuration(m.at)} of job time: ${m.text}.`);
              }
            },
            afterRun: (at) => draw(`Job time ${formatDuration(at)} of ${settings.job.hours} h…`),
            takeTimeTravel: () => {
              const travel = travelRef.current;
              travelRef.current = undefined;
              return travel;
            },
          },
          settings,
        ),
      (result, marks, seconds) => {
        const v = judgeRun(result, marks);
        setVerdict(v);
        if (runtime) {
          runtime.reportLabOutcome(labId, 'zero-avoidable', v.zeroAvoidable);
          runtime.reportLabOutcome(labId, 'naive-throttled', v.naiveThrottled);
          if (v.recoveredFrom401.ok)
            runtime.reportLabOutcome(labId, 'recovered-401', v.recoveredFrom401);
        }
        return result.finished
          ? `Finished: ${settings.job.hours} simulated hours in ${seconds} s of real time.`
          : 'Stopped before the end.';
      },
      async () => setSkew(0),
    );
  }

  return {
    habits,
    setHabit: (key: HabitName, value: boolean) => setHabits((h) => ({ ...h, [key]: value })),
    margin,
    setMargin,
    job,
    setJobField: (key: keyof JobSettings, value: string) => setJob((j) => ({ ...j, [key]: value })),
    problems,
    hours,
    plannedCalls: calls,
    // Each request crosses the service worker (~15-25 ms): say what a run will cost before it starts.
    plannedRequests: calls * 3,
    marks: jobRun.marks,
    running,
    progress: jobRun.progress,
    verdict,
    failure: jobRun.failure,
    skew,
    travelNote,
    queueTravel,
    run: () => void start(),
    stop: jobRun.stop,
  };
}
