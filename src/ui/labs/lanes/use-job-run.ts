/**
 * What the job labs' hooks share (caching, failures): a run's marks, its progress line, its
 * failure and its stop, and the server put back afterwards: its clock where real time would have
 * taken it, so the lesson's present is untouched, and whatever else the job changed.
 */
import { useEffect, useRef, useState } from 'react';
import { useMockServer } from '../../shared/mock-server-context.tsx';

/** What a job gets while it runs. */
export interface JobRun<M> {
  signal: AbortSignal;
  /** The page's fetch: through the service worker, as a learner's own client would go. */
  fetch(request: Request): Promise<Response>;
  /** Set the server clock (seconds) for the job's next request. */
  setServerTime(seconds: number): Promise<void>;
  /** The server clock (seconds) when the run started. */
  startedAt: number;
  /** Record a mark; it is drawn at the next `draw`. */
  mark(mark: M): void;
  /** Draw the marks so far with a progress line, and let the page paint. */
  draw(progress: string): Promise<void>;
}

export function useJobRun<M>() {
  const server = useMockServer();
  const [marks, setMarks] = useState<readonly M[]>([]);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState('');
  const [failure, setFailure] = useState<string>();
  const marksRef = useRef<M[]>([]);
  const abortRef = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abortRef.current?.abort(), []);

  /**
   * Run `job`, then `finish` with its result, every mark and the real seconds it took, or show
   * its error; `cleanup` puts back what the job changed besides the clock.
   */
  async function start<R>(
    job: (run: JobRun<M>) => Promise<R>,
    finish: (result: R, marks: readonly M[], seconds: string) => string,
    cleanup?: () => Promise<unknown>,
  ) {
    if (running) return;
    const controller = new AbortController();
    abortRef.current = controller;
    marksRef.current = [];
    setMarks([]);
    setFailure(undefined);
    setRunning(true);
    setProgress('Starting the job…');
    const before = server.admin.clock();
    const started = performance.now();
    try {
      const result = await job({
        signal: controller.signal,
        fetch: (request) => fetch(request),
        setServerTime: async (seconds) => {
          await server.admin.setClock({ set: seconds });
        },
        startedAt: before.now,
        mark: (mark) => marksRef.current.push(mark),
        draw: async (line) => {
          setMarks([...marksRef.current]);
          setProgress(line);
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
      });
      setMarks([...marksRef.current]);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      setProgress(finish(result, marksRef.current, seconds));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setProgress('The job stopped on an error.');
    } finally {
      await cleanup?.().catch(() => undefined);
      await server.admin
        .setClock({ set: before.now + (performance.now() - started) / 1000 })
        .catch(() => undefined);
      abortRef.current = undefined;
      setRunning(false);
    }
  }

  return {
    server,
    marks,
    running,
    progress,
    failure,
    start,
    stop: () => abortRef.current?.abort(),
  };
}
