/**
 * A code exercise checked the way `npm run lessons:check` and the lesson tests need it: its
 * reference solution passes every test, and its starter compiles and fails at least one (so the
 * exercise asks for real work). Runs the page's test runner (src/lessons/code/harness.ts) in this
 * process against the servers `send` reaches. Problems come back as `file:line` diagnostics in
 * the lesson's markdown: a failing test at the line of the solution or test that failed.
 */

import { EXERCISE_FILE } from '../code/files.ts';
import { type RunReport, runCodeExercise } from '../code/harness.ts';
import { createExerciseHost, type SendToServers } from '../code/host.ts';
import type { CodeExerciseBlock, LessonDiagnostic } from '../lesson-types.ts';

export interface CodeCheckResult {
  diagnostics: LessonDiagnostic[];
  /** What each run reported, for tests that want the detail. */
  starter?: RunReport;
  solution?: RunReport;
}

/** Run one piece of code against the block's tests, with the servers set up and put back. */
export async function runAgainstServers(
  block: CodeExerciseBlock,
  code: string,
  send: SendToServers,
): Promise<RunReport> {
  const host = createExerciseHost(send);
  await host.prepare();
  try {
    return await runCodeExercise({ lang: block.lang, code, tests: block.tests }, { host });
  } finally {
    await host.restore();
  }
}

export async function checkCodeExercise(
  block: CodeExerciseBlock,
  send: SendToServers,
): Promise<CodeCheckResult> {
  const diagnostics: LessonDiagnostic[] = [];
  const report = (line: number, message: string) =>
    diagnostics.push({ file: block.source.file, line, column: 1, message, severity: 'error' });
  const what = `Code exercise "${block.id}"`;
  /** The file line of a line of the starter, the solution or the tests. */
  const lineOf = (codeStart: number, at: { file: string; line: number } | undefined) =>
    at === undefined
      ? block.source.line
      : (at.file === EXERCISE_FILE ? codeStart : block.lines.tests) + at.line - 1;

  const solutionCode = block.solution?.code;
  let solution: RunReport | undefined;
  if (solutionCode === undefined || block.lines.solution === undefined) {
    report(block.source.line, `${what} has no reference solution (solution: |).`);
  } else {
    solution = await runAgainstServers(block, solutionCode, send);
    const start = block.lines.solution;
    if (solution.problem) {
      report(lineOf(start, solution.problem), `${what}: ${solution.problem.message}`);
    } else if (solution.tests.length === 0) {
      report(
        block.lines.tests,
        `${what}: the tests register no test (call test("...", () => ...)).`,
      );
    }
    for (const test of solution.tests.filter((t) => !t.ok)) {
      report(
        lineOf(start, test.at),
        `${what}: the reference solution fails "${test.name}": ${test.message ?? 'failed'}`,
      );
    }
  }

  const starter = await runAgainstServers(block, block.starter, send);
  if (starter.problem && starter.problem.file === EXERCISE_FILE) {
    report(
      lineOf(block.lines.starter, starter.problem),
      `${what}: the starter code must compile and load (the learner starts from it): ${starter.problem.message}`,
    );
  } else if (!starter.problem && starter.tests.length > 0 && starter.tests.every((t) => t.ok)) {
    report(
      block.lines.starter,
      `${what}: the starter code already passes every test, so the exercise asks for nothing. Leave out what the tests check.`,
    );
  }
  return { diagnostics, starter, ...(solution && { solution }) };
}
