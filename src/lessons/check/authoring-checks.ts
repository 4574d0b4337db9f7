/**
 * What `npm run lessons:check` adds to the compiler's own diagnostics: rules about a lesson that
 * compiles but cannot teach what it says (a step nobody can tell is done, a save that never
 * happens, a "negative" case that expects success). Pure: compiled lesson + source in, problems out.
 */

import { lessonBlocks } from '../lesson-steps.ts';
import type { CompiledLesson, LessonDiagnostic, ResponseExpectation } from '../lesson-types.ts';
import { optionPosition, sourceLines, yamlPosition } from './source-positions.ts';

const isSuccess = (status: number) => status >= 200 && status < 300;

/** A success that names an error code (or a Bearer error challenge) can never be seen. */
function contradiction(expect: Partial<ResponseExpectation>): string | undefined {
  if (expect.status === undefined || !isSuccess(expect.status)) return undefined;
  if (expect.error !== undefined) {
    return `expects status ${expect.status} with error "${expect.error}", but a ${expect.status} carries no error code: expect a 4xx status with it, or drop the error.`;
  }
  if (expect.www_authenticate !== undefined) {
    return `expects status ${expect.status} with a WWW-Authenticate challenge, but the servers send one only with 401 and 403.`;
  }
  return undefined;
}

export function checkAuthoring(lesson: CompiledLesson, source: string): LessonDiagnostic[] {
  const lines = sourceLines(source);
  const out: LessonDiagnostic[] = [];
  const report = (at: { line: number; column: number }, message: string) =>
    out.push({ file: lesson.file, ...at, message, severity: 'error' });
  const blocks = lessonBlocks(lesson.body);
  const checkedByExercise = new Set(
    blocks.flatMap((b) =>
      b.kind === 'exercise' && b.check.response?.request ? [b.check.response.request] : [],
    ),
  );

  for (const block of blocks) {
    const line = block.source.line;
    if (block.kind === 'request') {
      if (!block.expect && !block.editable && !checkedByExercise.has(block.id)) {
        report(
          optionPosition(lines, line),
          `Request block "${block.id}" states no expected outcome: add expect=<status> (expect=200, expect="401 invalid_client"), so the page can mark the step done and lessons:check can run it. Only editable blocks and blocks an exercise checks may leave it out.`,
        );
      }
      if (block.expect) {
        const problem = contradiction(block.expect);
        if (problem)
          report(optionPosition(lines, line, 'expect'), `Request block "${block.id}" ${problem}`);
        if (block.save.length > 0 && !isSuccess(block.expect.status)) {
          report(
            optionPosition(lines, line, 'save'),
            `Request block "${block.id}" saves ${block.save.map((r) => r.variable).join(', ')} but expects ${block.expect.status}: variables are saved only from a 2xx response. Drop save= or expect a 2xx status.`,
          );
        }
      }
    } else if (block.kind === 'negatives') {
      // A 2xx case is allowed: lesson 8 replays a run of successes up to the rate limit.
      block.cases.forEach((negative, index) => {
        const problem = contradiction(negative.expect);
        if (problem) {
          report(
            yamlPosition(lines, line, [index, 'expect']),
            `Negative case "${negative.name}" ${problem}`,
          );
        }
      });
    } else if (block.kind === 'exercise') {
      const problem = block.check.response ? contradiction(block.check.response) : undefined;
      if (problem) {
        report(
          yamlPosition(lines, line, ['check', 'response', 'status']),
          `Exercise "${block.id}" ${problem}`,
        );
      }
      if (!block.solution) {
        report(
          yamlPosition(lines, line, ['goal']),
          `Exercise "${block.id}" has no worked solution: add solution: { explain: ..., steps: [{ request: <id>, text: ... }] }. The page offers it after two tries that did not pass, and the tests check it passes.`,
        );
      }
    }
  }
  return out;
}
