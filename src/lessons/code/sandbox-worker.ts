/**
 * The code-exercise sandbox: a dedicated worker that runs the learner's code and the lesson's
 * tests (src/lessons/code/harness.ts), started by src/lessons/code/run-in-worker.ts for each run
 * and stopped by it when the run ends or goes silent (an endless loop).
 *
 * The page never evaluates learner code: it happens here, in a realm with no DOM, no storage and
 * (after `lockDown`) no network. The code reaches the mock servers through the page, which
 * answers each host call (`fetch` to the mock hosts, the clock, the log, the forge) over
 * messages: the service worker answers the page's requests, not this worker's.
 */
import type { ExerciseHost, RunInput } from './harness.ts';
import { runCodeExercise } from './harness.ts';
import { lockDown } from './lock-down.ts';

/** The few members of a dedicated worker's scope used here (the app is typed for the DOM). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Messages the page sends. */
export type ToSandbox =
  | { type: 'run'; input: RunInput; testTimeoutMs: number }
  | { type: 'host-result'; id: number; ok: true; value: unknown }
  | { type: 'host-result'; id: number; ok: false; error: string };

/** Messages this worker sends. */
export type FromSandbox =
  | { type: 'ready' }
  | { type: 'host'; id: number; method: HostMethod; args: unknown[] }
  | { type: 'progress'; event: import('./harness.ts').RunProgress }
  | { type: 'done'; report: import('./harness.ts').RunReport };

export type HostMethod = keyof ExerciseHost;

const scope = self as unknown as WorkerScope;
const post = scope.postMessage.bind(scope) as (message: FromSandbox) => void;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let nextId = 0;

function call(method: HostMethod, args: unknown[]): Promise<never> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    post({ type: 'host', id, method, args });
  });
}

const host: ExerciseHost = {
  fetch: (request) => call('fetch', [request]),
  serverNow: () => call('serverNow', []),
  advanceClock: (seconds) => call('advanceClock', [seconds]),
  logMark: () => call('logMark', []),
  serverLog: (mark) => call('serverLog', [mark]),
  forgedToken: (preset, leeway) => call('forgedToken', [preset, leeway]),
};

let started = false;
scope.addEventListener('message', (event: MessageEvent<ToSandbox>) => {
  const message = event.data;
  if (message.type === 'host-result') {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(new Error(message.error));
  } else if (message.type === 'run' && !started) {
    // One run per worker: the page starts a fresh one each time.
    started = true;
    void runCodeExercise(message.input, {
      host,
      testTimeoutMs: message.testTimeoutMs,
      onProgress: (progress) => post({ type: 'progress', event: progress }),
    })
      .catch((error: unknown) => ({
        problem: {
          file: 'exercise.ts' as const,
          line: 1,
          message: `The tests could not run: ${error instanceof Error ? error.message : String(error)}`,
        },
        tests: [],
      }))
      .then((report) => post({ type: 'done', report }));
  }
});

lockDown();
post({ type: 'ready' });
