/**
 * A code exercise checked the way `npm run lessons:check`, the lesson tests and the editor's "Run
 * every request" need it: its reference solution passes every test, and its starter compiles and
 * fails at least one (so the exercise asks for real work). Problems come back as `file:line`
 * diagnostics in the lesson's markdown: a failing test at the line of the solution or test that
 * failed. Where the code runs is the caller's: in Node, this process's test runner
 * (src/lessons/code/harness.ts, `runAgainstServers` in scripts/code-check-node.ts); in the page,
 * the sandbox worker (src/lessons/code/run-in-worker.ts), which stops an endless loop.
 */

import { EXERCISE_FILE } from '../code/files.ts';
import type { RunReport } from '../code/harness.ts';
import type { CodeExerciseBlock, LessonDiagnostic } from '../lesson-types.ts';

/** Run one piece of code (the solution, or the starter) against the block's tests. */
export type CodeRunner = (code: string) => Promise<RunReport>;

export interface CodeCheckResult {
  diagnostics: LessonDiagnostic[];
  /** What each run reported, for tests that want the detail. */
  starter?: RunReport;
  solution?: RunReport;
}

export async function checkCodeExercise(
  block: CodeExerciseBlock,
  run: CodeRunner,
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
    solution = await run(solutionCode);
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

  const starter = await run(block.starter);
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
