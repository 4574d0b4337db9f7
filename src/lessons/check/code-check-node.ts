/**
 * Code exercises checked in Node (`npm run lessons:check`, the lesson tests): the code runs in
 * this process, through the page's own test runner (src/lessons/code/harness.ts), against the
 * servers `send` reaches. A synchronous endless loop in a lesson's own starter or solution would
 * hang it: the page runs learner code in a sandbox worker it can stop; here the code is the
 * lesson author's.
 */
import { runCodeExercise } from '../code/harness.ts';
import { createExerciseHost, type SendToServers } from '../code/host.ts';
import type { CodeExerciseBlock } from '../lesson-types.ts';
import { type CodeCheckResult, checkCodeExercise } from './code-check.ts';

/** Run one piece of code against the block's tests, with the servers set up and put back. */
export async function runAgainstServers(
  block: CodeExerciseBlock,
  code: string,
  send: SendToServers,
) {
  const host = createExerciseHost(send);
  await host.prepare();
  try {
    return await runCodeExercise({ lang: block.lang, code, tests: block.tests }, { host });
  } finally {
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
