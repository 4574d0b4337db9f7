/**
 * The failures lab's state and its run over the page's mock server: the learner's habits, the
 * marks as they come, the verdict and the outcomes it reports. The job itself is
 * failures-sim.ts (plain functions, tested in Node); failures-lab.tsx only draws.
 */
import { useState } from 'react';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { jobApiRequest, jobTokenRequest } from '../lanes/job.ts';
import { useJobRun } from '../lanes/use-job-run.ts';
import {
  type FailureMark,
  type FailuresVerdict,
  judgeFailures,
  type ResilienceHabits,
  runFailuresJob,
} from './failures-sim.ts';

/** The lab's options, as src/lessons/labs/failures.ts's schema output them at build time. */
export type FailuresConfig = LabConfig<'failures'>;

/** The job's service: demo-client. */
export const DEMO_CLIENT = { id: 'demo-client', secret: 'demo-secret' };

/** Real seconds a run is expected to take, roughly: a request crosses the worker in ~20 ms. */
export function plannedSeconds(config: FailuresConfig): number {
  const runs = Math.ceil((config.job.hours * 60) / config.job.everyMinutes);
  const calls = runs * config.job.replicas * config.job.callers * 2;
  const delays = config.outages.filter((o) => o.kind === 'delay').length * 2 * config.job.replicas;
  return Math.max(1, Math.round((calls * 20) / 1000 + delays * 1.5));
}

export type HabitName = keyof ResilienceHabits;

export function useFailuresLab(labId: string, config: FailuresConfig) {
  const runtime = useOptionalLessonRuntime();
  const [habits, setHabits] = useState<ResilienceHabits>(config.yours);
  const [verdict, setVerdict] = useState<FailuresVerdict>();
  const job = useJobRun<FailureMark>();
  const { server } = job;

  function run() {
    setVerdict(undefined);
    return job.start(
      ({ startedAt, mark, draw, ...run }) =>
        runFailuresJob(
          {
            ...run,
            setFaults: async (faults, seed) => {
              await server.admin.putFaults({ faults, seed });
            },
            tokenRequest: () => jobTokenRequest(server, DEMO_CLIENT),
            apiRequest: jobApiRequest(server),
            // Each lane days in the past: their tokens never meet, nor the present's.
            laneStart: {
              naive: (startedAt - 6 * 86_400) * 1000,
              yours: (startedAt - 3 * 86_400) * 1000,
            },
            onMark: mark,
            afterRun: (at) => {
              const h = Math.floor(at / 3600);
              const m = Math.round((at % 3600) / 60);
              return draw(
                `Job time ${h} h ${String(m).padStart(2, '0')} min of ${config.job.hours} h…`,
              );
            },
          },
          { job: config.job, yours: habits, outages: config.outages },
        ),
      (result, _marks, seconds) => {
        const v = judgeFailures(result);
        setVerdict(v);
        if (runtime) {
          runtime.reportLabOutcome(labId, 'resilient-run', v.resilient);
          runtime.reportLabOutcome(labId, 'naive-failed', v.naiveFailed);
          if (v.servedStale.ok) runtime.reportLabOutcome(labId, 'served-stale', v.servedStale);
        }
        return result.finished
          ? `Finished: ${config.job.hours} simulated hours in ${seconds} s of real time.`
          : 'Stopped before the end.';
      },
      () => server.admin.clearFaults(),
    );
  }

  return {
    habits,
    setHabit: (key: HabitName, value: boolean) => setHabits((h) => ({ ...h, [key]: value })),
    marks: job.marks,
    running: job.running,
    progress: job.progress,
    verdict,
    failure: job.failure,
    plannedSeconds: plannedSeconds(config),
    run: () => void run(),
    stop: job.stop,
  };
}
