import { type CompileResult, compileLesson } from '../../src/lessons/compile-lesson.ts';

export const FILE = 'lessons/07-fixture.md';

/** Six lines: the body passed to {@link compileBody} starts on line 7. */
export const FRONT_MATTER = [
  '---',
  'title: A fixture lesson',
  'summary: Used by the tests.',
  'order: 7',
  'duration: 5 min',
  '---',
].join('\n');

export function compileBody(body: string): CompileResult {
  return compileLesson(`${FRONT_MATTER}\n${body}`, FILE);
}

/** Every diagnostic as `line:column message` (errors and warnings), for exact assertions. */
export function problems(source: string, file = FILE): string[] {
  const result = compileLesson(source, file);
  const all = result.ok ? result.lesson.diagnostics : [...result.errors, ...result.warnings];
  return all
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((d) => `${d.line}:${d.column} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`);
}

export function bodyProblems(body: string): string[] {
  return problems(`${FRONT_MATTER}\n${body}`);
}

/** A fenced block, so tests read like lessons. */
export function fence(info: string, ...lines: string[]): string {
  const marker = '```';
  return [`${marker}${info}`, ...lines, marker].join('\n');
}
