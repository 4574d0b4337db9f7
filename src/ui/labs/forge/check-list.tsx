/*
 * What a forged token or assertion met: the parts of what was sent, and the server's checks in
 * order. Shared by the forge and the assertion lab; styled by forge-lab.css, which both import.
 */

export type CheckListStatus = 'passed' | 'failed' | 'not_reached' | 'skipped';

const MARKS: Record<CheckListStatus, string> = {
  passed: '✓',
  failed: '✗',
  not_reached: '·',
  skipped: '–',
};
const WORDS: Record<CheckListStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  not_reached: 'not reached',
  skipped: 'not asked for',
};

/** The JWT that was sent, its header, payload and signature coloured apart. */
export function SentToken({ jwt, what }: { jwt: string; what: string }) {
  const [head = '', body = '', sig = ''] = jwt.split('.');
  return (
    <>
      <p className="visually-hidden">The {what} sent:</p>
      <p className="forge-token">
        <span className="forge-token__header">{head}</span>.
        <span className="forge-token__payload">{body}</span>.
        <span className="forge-token__signature">{sig}</span>
      </p>
    </>
  );
}

/** The server's checks in order: a mark, the check's name (and a note), how it went. */
export function CheckList({
  label,
  rows,
}: {
  label: string;
  rows: readonly { name: string; label: string; status: CheckListStatus; note?: string }[];
}) {
  return (
    <ol className="forge-checks" aria-label={label}>
      {rows.map((row) => (
        <li key={row.name} className={`forge-check forge-check--${row.status}`}>
          <span className="forge-check__mark" aria-hidden="true">
            {MARKS[row.status]}
          </span>
          <span className="forge-check__label">
            {row.label}
            {row.note ? <span className="forge-check__note"> — {row.note}</span> : null}
          </span>
          <span className="forge-check__status">{WORDS[row.status]}</span>
        </li>
      ))}
    </ol>
  );
}
