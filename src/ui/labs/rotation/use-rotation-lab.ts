import { useCallback, useEffect, useRef, useState } from 'react';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type { MockServer } from '../../../protocol/index.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import {
  type RotationAction,
  RotationJob,
  type RotationOutcomes,
  type RotationSnapshot,
} from './rotation-job.ts';

/** Real milliseconds between two runs of the job while it runs on its own. */
export const RUN_EVERY_MS = 1200;

const OUTCOME_NAMES: Record<keyof RotationOutcomes, string> = {
  rotatedWithoutDowntime: 'rotated-without-downtime',
  downtimeSeen: 'downtime-seen',
  oldTokensRevoked: 'old-tokens-revoked',
};

/**
 * The rotation lab's state for its view: the job (made once per client), what it shows, and the
 * controls. Runs the job every {@link RUN_EVERY_MS} while started; reports the outcomes it
 * reaches to the lesson.
 */
export function useRotationLab(server: MockServer, labId: string, config: LabConfig<'rotation'>) {
  const runtime = useOptionalLessonRuntime();
  const jobRef = useRef<RotationJob | undefined>(undefined);
  const [snapshot, setSnapshot] = useState<RotationSnapshot>();
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<string>();
  const [failure, setFailure] = useState<string>();

  const job = useCallback(() => {
    jobRef.current ??= new RotationJob(
      {
        fetch: (request) => fetch(request),
        admin: server.admin,
        serverLog: (id) => server.admin.log().find((entry) => entry.id === id),
        issuer: server.options.issuer,
        apiOrigin: server.options.apiOrigin,
      },
      { client: config.client, everyMinutes: config.everyMinutes, tokenTtl: config.tokenTtl },
    );
    return jobRef.current;
  }, [server, config.client, config.everyMinutes, config.tokenTtl]);

  const publish = useCallback(() => {
    const next = job().snapshot();
    setSnapshot(next);
    if (!runtime) return;
    for (const [key, name] of Object.entries(OUTCOME_NAMES)) {
      const result = next.outcomes[key as keyof RotationOutcomes];
      if (result.ok) runtime.reportLabOutcome(labId, name, result);
    }
  }, [job, runtime, labId]);

  const guard = useCallback(
    async (work: () => Promise<unknown>) => {
      try {
        await work();
        setFailure(undefined);
      } catch (error) {
        setFailure(error instanceof Error ? error.message : String(error));
        setRunning(false);
      }
      publish();
    },
    [publish],
  );

  /** Set up on first use: the job's client with its old secret. */
  const ready = useRef<Promise<void> | undefined>(undefined);
  const ensureReady = useCallback(() => {
    ready.current ??= job().setUp();
    return ready.current;
  }, [job]);

  const runOnce = useCallback(
    () =>
      guard(async () => {
        await ensureReady();
        await job().runOnce();
      }),
    [guard, ensureReady, job],
  );

  useEffect(() => {
    if (!running) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await runOnce();
      if (!cancelled) timer = setTimeout(tick, RUN_EVERY_MS);
    };
    void tick();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [running, runOnce]);

  const act = useCallback(
    (action: RotationAction) =>
      guard(async () => {
        await ensureReady();
        setMessage(await job().act(action));
      }),
    [guard, ensureReady, job],
  );

  const startOver = useCallback(
    () =>
      guard(async () => {
        setRunning(false);
        setMessage(undefined);
        ready.current = job().setUp();
        await ready.current;
      }),
    [guard, job],
  );

  return {
    snapshot,
    running,
    message,
    failure,
    start: () => setRunning(true),
    pause: () => setRunning(false),
    runOnce,
    act,
    startOver,
    secrets: jobRef.current?.secrets,
  };
}
