/**
 * The page's side of a code exercise's run: start a sandbox worker (src/lessons/code/
 * sandbox-worker.ts), hand it the code and the tests, answer its calls to the mock servers
 * through the page's own `fetch` (which the service worker serves, as every lesson request),
 * and stop it when it goes silent for too long: an endless loop is ended with a message, and the
 * page, whose thread never ran the code, stays responsive throughout.
 */
import { DEFAULT_TEST_TIMEOUT_MS } from './files.ts';
import type { RunInput, RunProgress, RunReport, TestResult } from './harness.ts';
import { createExerciseHost, type RunHost, type SendToServers } from './host.ts';
import type { FromSandbox, HostMethod, ToSandbox } from './sandbox-worker.ts';

/**
 * How long the sandbox may run without a word (a test starting or ending, a call to the
 * servers) before it is stopped. Longer than one test's own limit, so a test that waits forever
 * on a promise is reported by the sandbox itself, and only a busy loop meets this one.
 */
export const SILENCE_LIMIT_MS = DEFAULT_TEST_TIMEOUT_MS + 1500;

/** The host calls a sandbox may make (never `prepare` or `restore`: those are the page's). */
const HOST_METHODS: ReadonlySet<HostMethod> = new Set([
  'fetch',
  'serverNow',
  'advanceClock',
  'logMark',
  'serverLog',
  'forgedToken',
]);

export interface SandboxRun {
  report: RunReport;
  /** Set when the page stopped the sandbox: how long it had been silent, in which test. */
  stopped?: { afterMs: number; test?: string };
}

export interface SandboxOptions {
  /** How requests reach the mock servers: the page's `fetch`. */
  send: SendToServers;
  onProgress?(event: RunProgress): void;
  silenceLimitMs?: number;
}

function startWorker(): Worker {
  return new Worker(new URL('./sandbox-worker.ts', import.meta.url), {
    type: 'module',
    name: 'code-exercise-sandbox',
  });
}

/** Run the tests on `input.code` in a fresh sandbox. Resolves once it is done or stopped. */
export async function runInSandbox(input: RunInput, options: SandboxOptions): Promise<SandboxRun> {
  const limit = options.silenceLimitMs ?? SILENCE_LIMIT_MS;
  const host: RunHost = createExerciseHost(options.send);
  await host.prepare();
  const worker = startWorker();
  try {
    return await new Promise<SandboxRun>((resolve) => {
      const results: TestResult[] = [];
      let current: string | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let calls = 0;
      const quiet = () => clearTimeout(timer);
      const arm = () => {
        clearTimeout(timer);
        if (calls === 0) timer = setTimeout(stop, limit);
      };
      const finish = (run: SandboxRun) => {
        quiet();
        worker.terminate();
        resolve(run);
      };
      function stop() {
        const message = `Stopped after ${limit / 1000} s without finishing: is there a loop that never ends? The page ended the sandbox; your code is as you left it.`;
        finish({
          report: {
            tests: [
              ...results,
              ...(current === undefined
                ? []
                : [{ name: current, ok: false, message, durationMs: limit }]),
            ],
            ...(current === undefined && {
              problem: { file: 'exercise.ts' as const, line: 1, message },
            }),
          },
          stopped: { afterMs: limit, ...(current !== undefined && { test: current }) },
        });
      }
      const answer = (message: ToSandbox) => worker.postMessage(message);

      worker.addEventListener('message', (event: MessageEvent<FromSandbox>) => {
        const message = event.data;
        arm();
        switch (message.type) {
          case 'ready':
            answer({ type: 'run', input, testTimeoutMs: DEFAULT_TEST_TIMEOUT_MS });
            break;
          case 'host': {
            if (!HOST_METHODS.has(message.method)) {
              answer({ type: 'host-result', id: message.id, ok: false, error: 'Not available.' });
              break;
            }
            // While the page answers, the sandbox waits: its silence is not its own.
            calls++;
            quiet();
            const method = host[message.method] as (...args: unknown[]) => Promise<unknown>;
            method(...message.args)
              .then(
                (value) => answer({ type: 'host-result', id: message.id, ok: true, value }),
                (error: unknown) =>
                  answer({
                    type: 'host-result',
                    id: message.id,
                    ok: false,
                    error: error instanceof Error ? error.message : String(error),
                  }),
              )
              .finally(() => {
                calls--;
                arm();
              });
            break;
          }
          case 'progress':
            if (message.event.type === 'test-start') current = message.event.name;
            else {
              current = undefined;
              results.push(message.event.result);
            }
            options.onProgress?.(message.event);
            break;
          case 'done':
            finish({ report: message.report });
            break;
        }
      });
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        finish({
          report: {
            problem: {
              file: 'exercise.ts',
              line: 1,
              message: `The sandbox could not start: ${event.message || 'its script did not load'}.`,
            },
            tests: [],
          },
        });
      });
      arm();
    });
  } finally {
    worker.terminate();
    await host.restore();
  }
}
