/**
 * The failures lab's state and its run over the page's mock server: the learner's habits, the
 * marks as they come, the verdict and the outcomes it reports. The job itself is
 * failures-sim.ts (plain functions, tested in Node); failures-lab.tsx only draws.
 */
import { useEffect, useRef, useState } from 'react';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { jobApiRequest, jobTokenRequest } from '../lanes/job.ts';
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
  const server = useMockServer();
  const runtime = useOptionalLessonRuntime();
  const [habits, setHabits] = useState<ResilienceHabits>(config.yours);
  const [marks, setMarks] = useState<readonly FailureMark[]>([]);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState('');
  const [verdict, setVerdict] = useState<FailuresVerdict>();
  const [failure, setFailure] = useState<string>();
  const marksRef = useRef<FailureMark[]>([]);
  const abortRef = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abortRef.current?.abort(), []);

  async function run() {
    if (running) return;
    const controller = new AbortController();
    abortRef.current = controller;
    marksRef.current = [];
    setMarks([]);
    setVerdict(undefined);
    setFailure(undefined);
    setRunning(true);
    setProgress('Starting the job…');
    const before = server.admin.clock();
    const started = performance.now();
    try {
      const result = await runFailuresJob(
        {
          fetch: (request) => fetch(request),
          setServerTime: async (seconds) => {
            await server.admin.setClock({ set: seconds });
          },
          setFaults: async (faults, seed) => {
            await server.admin.putFaults({ faults, seed });
          },
          tokenRequest: () => jobTokenRequest(server, DEMO_CLIENT),
          apiRequest: jobApiRequest(server),
          // Each lane days in the past: their tokens never meet, nor the present's.
          laneStart: {
            naive: (before.now - 6 * 86_400) * 1000,
            yours: (before.now - 3 * 86_400) * 1000,
          },
          onMark: (mark) => {
            marksRef.current.push(mark);
          },
          afterRun: async (at) => {
            setMarks([...marksRef.current]);
            const h = Math.floor(at / 3600);
            const m = Math.round((at % 3600) / 60);
            setProgress(
              `Job time ${h} h ${String(m).padStart(2, '0')} min of ${config.job.hours} h…`,
            );
            await new Promise((resolve) => setTimeout(resolve, 0));
          },
          signal: controller.signal,
        },
        { job: config.job, yours: habits, outages: config.outages },
      );
      setMarks([...marksRef.current]);
      const v = judgeFailures(result);
      setVerdict(v);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      setProgress(
        result.finished
          ? `Finished: ${config.job.hours} simulated hours in ${seconds} s of real time.`
          : 'Stopped before the end.',
      );
      if (runtime) {
        runtime.reportLabOutcome(labId, 'resilient-run', v.resilient);
        runtime.reportLabOutcome(labId, 'naive-failed', v.naiveFailed);
        if (v.servedStale.ok) runtime.reportLabOutcome(labId, 'served-stale', v.servedStale);
      }
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setProgress('The job stopped on an error.');
    } finally {
      await server.admin.clearFaults().catch(() => undefined);
      await server.admin
        .setClock({ set: before.now + (performance.now() - started) / 1000 })
        .catch(() => undefined);
      abortRef.current = undefined;
      setRunning(false);
    }
  }

  return {
    habits,
    setHabit: (key: HabitName, value: boolean) => setHabits((h) => ({ ...h, [key]: value })),
    marks,
    running,
    progress,
    verdict,
    failure,
    plannedSeconds: plannedSeconds(config),
    run: () => void run(),
    stop: () => abortRef.current?.abort(),
  };
}
