/**
 * The report as text for a terminal (grouped by area, coloured when asked) and as JSON.
 */
import { type CheckResult, GROUP_TITLES, type Group, type Outcome } from './checks.ts';
import type { ConformanceReport } from './run-conformance.ts';

const COLORS = {
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
} as const;

type Color = keyof typeof COLORS;

const MARKS: Record<Outcome, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  skipped: 'SKIP',
  observed: 'NOTE',
};

function outcomeColor(result: CheckResult): Color {
  if (result.outcome === 'pass') return 'green';
  if (result.outcome === 'fail') return result.level === 'MUST' ? 'red' : 'yellow';
  if (result.outcome === 'observed') return 'cyan';
  return 'dim';
}

export function formatReport(report: ConformanceReport, options: { color: boolean }): string {
  const paint = (color: Color, text: string) =>
    options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text;
  const lines: string[] = [];
  lines.push(paint('bold', `OAuth 2.0 client credentials conformance: ${report.issuer}`));
  lines.push(
    `client ${report.clientId}, credentials: ${report.credentials.join(', ') || 'none'} (values not shown)`,
  );
  lines.push(`metadata: ${report.metadataUrl ?? 'not found'}`);
  if (report.stopped) lines.push(paint('yellow', `STOPPED: ${report.stopped}`));

  const groups = new Map<Group, CheckResult[]>();
  for (const result of report.results) {
    const list = groups.get(result.group) ?? [];
    list.push(result);
    groups.set(result.group, list);
  }
  for (const [group, results] of groups) {
    lines.push('', paint('bold', GROUP_TITLES[group]));
    for (let i = 0; i < results.length; ) {
      const r = results[i] as CheckResult;
      // Three or more checks in a row skipped for one reason (no --api, nothing reachable): one line.
      let end = i + 1;
      while (
        r.outcome === 'skipped' &&
        results[end]?.outcome === 'skipped' &&
        results[end]?.detail === r.detail
      )
        end++;
      if (end - i >= 3) {
        const ids = results.slice(i, end).map((x) => x.id);
        lines.push(`  ${paint('dim', `SKIP ${end - i} checks: ${r.detail}`)}`);
        lines.push(`              ${paint('dim', ids.join(', '))}`);
        i = end;
        continue;
      }
      const mark = paint(outcomeColor(r), MARKS[r.outcome]);
      const level = r.level.padEnd(6);
      lines.push(`  ${mark} ${level} ${r.title}  ${paint('dim', `[${r.id}, ${r.rfc}]`)}`);
      if (r.detail)
        lines.push(`              ${r.outcome === 'fail' ? r.detail : paint('dim', r.detail)}`);
      if (r.outcome === 'fail' || r.outcome === 'observed') {
        // The sentence that decided this verdict's level, so a reader can check the grading.
        lines.push(`              ${paint('dim', `${r.rule.ref}: "${r.rule.quote}"`)}`);
        if (r.rule.reading)
          lines.push(`              ${paint('dim', `read as: ${r.rule.reading}`)}`);
      }
      i++;
    }
  }

  const s = report.summary;
  const verdict =
    s.mustFailed > 0
      ? paint('red', `${s.mustFailed} MUST failed`)
      : report.stopped
        ? paint('yellow', 'inconclusive: the run stopped before it could check the server')
        : paint('green', 'every MUST passed');
  lines.push(
    '',
    `${paint('bold', 'Summary:')} ${verdict}; ${s.pass} passed, ${s.fail} failed (${s.mustFailed} MUST, ${s.shouldFailed} SHOULD), ${s.observed} observed, ${s.skipped} skipped in ${(report.durationMs / 1000).toFixed(1)} s.`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatReportJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
