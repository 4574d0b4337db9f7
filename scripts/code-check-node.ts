/**
 * Code exercises checked in Node (`npm run lessons:check`, the lesson tests): the code runs in
 * this process, through the page's own test runner (src/lessons/code/harness.ts), against the
 * servers `send` reaches. The page runs learner code in a sandbox worker it can stop; here the code
 * is the lesson author's starter and solution, and a synchronous endless loop in it would block
 * this thread for good. A watchdog thread ends the process then, naming the exercise.
 */
import { Worker } from 'node:worker_threads';
import { type CodeCheckResult, checkCodeExercise } from '../src/lessons/check/code-check.ts';
import { runCodeExercise } from '../src/lessons/code/harness.ts';
import { createExerciseHost, type SendToServers } from '../src/lessons/code/host.ts';
import type { CodeExerciseBlock } from '../src/lessons/lesson-types.ts';

/**
 * How long this thread may go without a heartbeat while a lesson's code runs before the process
 * is ended (`CCP_CODE_CHECK_STALL_MS` overrides it). Each test's own limit is 4 s and is kept by
 * the runner; only a loop that never yields goes past this.
 */
const STALL_LIMIT_MS = Number(process.env.CCP_CODE_CHECK_STALL_MS) || 20_000;
const HEARTBEAT_MS = 250;

/**
 * A thread that watches this one's heartbeat and, when it stops for `limitMs`, writes `message`
 * to stderr (directly: this thread, which would relay a worker's output, is stuck) and ends the
 * process with exit code 1 (a signal, as `process.exit` in a worker ends only the worker).
 */
function watchdog(message: string, limitMs: number): () => void {
  const thread = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let last = Date.now();
parentPort.on('message', () => { last = Date.now(); });
setInterval(() => {
  if (Date.now() - last > workerData.limitMs) {
    writeSync(2, workerData.message + '\\n');
    process.kill(process.pid, 'SIGTERM');
  }
}, 100);`,
    { eval: true, workerData: { message, limitMs } },
  );
  thread.unref();
  const beat = setInterval(() => thread.postMessage(0), HEARTBEAT_MS);
  beat.unref();
  return () => {
    clearInterval(beat);
    void thread.terminate();
  };
}

/** Run one piece of code against the block's tests, with the servers set up and put back. */
export async function runAgainstServers(
  block: CodeExerciseBlock,
  code: string,
  send: SendToServers,
) {
  const host = createExerciseHost(send);
  await host.prepare();
  const stop = watchdog(
    `${block.source.file}:${block.source.line}: code exercise "${block.id}" stopped this check: its code ran ${STALL_LIMIT_MS / 1000} s without yielding (an endless loop in its starter or solution?).`,
    STALL_LIMIT_MS,
  );
  try {
    return await runCodeExercise({ lang: block.lang, code, tests: block.tests }, { host });
  } finally {
    stop();
    await host.restore();
  }
}

/** {@link checkCodeExercise} with the code run in this process. */
export function checkCodeExerciseInNode(
  block: CodeExerciseBlock,
  send: SendToServers,
): Promise<CodeCheckResult> {
  return checkCodeExercise(block, (code) => runAgainstServers(block, code, send));
}
