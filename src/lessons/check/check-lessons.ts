/**
 * `npm run lessons:check` without the file system and the network: compile every lesson, add the
 * authoring checks, then (given a way to reach the servers) run each lesson live. The CLI in
 * `scripts/lessons-check.ts` reads the files and starts the Node server around this.
 */
import { compileLessons, formatDiagnostic, type LessonSource } from '../compile-lessons.ts';
import type { LessonDiagnostic } from '../lesson-types.ts';
import { checkAuthoring } from './authoring-checks.ts';
import { checkLessonLive, type LiveCheckOptions } from './live-check.ts';

export interface LiveServers extends LiveCheckOptions {
  /** Back to the seeded state before each lesson (each lesson starts where a learner starts). */
  reset?: () => Promise<void>;
}

export interface CheckReport {
  /** Every problem, by file then line: compile errors and warnings, authoring and live checks. */
  diagnostics: LessonDiagnostic[];
  lessons: number;
  /** Whether the lessons were run against the servers. */
  live: boolean;
  sent: number;
  checked: number;
  skipped: number;
}

export async function checkLessons(
  sources: LessonSource[],
  servers?: LiveServers,
): Promise<CheckReport> {
  const report: CheckReport = {
    diagnostics: [],
    lessons: sources.length,
    live: servers !== undefined,
    sent: 0,
    checked: 0,
    skipped: 0,
  };
  const byFile = new Map(sources.map((s) => [s.file, s.source]));
  for (const entry of compileLessons(sources)) {
    report.diagnostics.push(...entry.diagnostics);
    if (entry.status !== 'ok') continue;
    const source = byFile.get(entry.file) ?? '';
    report.diagnostics.push(...checkAuthoring(entry, source));
    if (!servers) continue;
    await servers.reset?.();
    const live = await checkLessonLive(entry, source, servers);
    report.diagnostics.push(...live.diagnostics);
    report.sent += live.sent;
    report.checked += live.checked;
    report.skipped += live.skipped;
  }
  report.diagnostics.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
  return report;
}

/** Problems as `file:line:column message` lines, then a one-line summary. */
export function formatReport(report: CheckReport): string {
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = report.diagnostics.length - errors;
  const files = new Set(report.diagnostics.map((d) => d.file)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const live = report.live
    ? `${plural(report.sent, 'request')} sent, ${plural(report.checked, 'expectation')} checked live${report.skipped > 0 ? `, ${report.skipped} not sent` : ''}`
    : 'not run live (--no-live)';
  const verdict =
    report.diagnostics.length === 0
      ? `${plural(report.lessons, 'lesson')} OK`
      : `${plural(errors, 'error')}${warnings > 0 ? ` and ${plural(warnings, 'warning')}` : ''} in ${plural(files, 'lesson')} (of ${report.lessons})`;
  return [...report.diagnostics.map(formatDiagnostic), `lessons:check: ${verdict}; ${live}.`].join(
    '\n',
  );
}
