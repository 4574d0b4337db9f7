/*
 * A server's checks in order, each with a mark, its name and how it went: the JWT inspector's
 * verification, the forge's and the assertion lab's answers. Also the token that was sent, its
 * parts coloured apart.
 */
import type { ReactNode } from 'react';
import './check-list.css';

export type CheckListStatus = 'passed' | 'failed' | 'not_reached' | 'skipped' | 'server_side';

const MARKS: Record<CheckListStatus, string> = {
  passed: '✓',
  failed: '✗',
  not_reached: '·',
  skipped: '–',
  server_side: '?',
};
const WORDS: Record<CheckListStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  not_reached: 'not reached',
  skipped: 'skipped',
  server_side: 'checked by the API',
};

/** The labs' wording: a check they skip is one the request did not ask for. */
export const LAB_CHECK_WORDS: Partial<Record<CheckListStatus, string>> = {
  skipped: 'not asked for',
};

export interface CheckRow {
  name: string;
  label: string;
  status: CheckListStatus;
  /** A few words after the name: what was compared. */
  note?: string;
  /** A line under the row: what the check found (not shown for a check not reached). */
  detail?: ReactNode;
}

/** The checks in order: a mark, the check's name (and a note), how it went, what it found. */
export function CheckList({
  label,
  rows,
  words,
}: {
  /** The list's accessible name, when the heading above does not give it. */
  label?: string;
  rows: readonly CheckRow[];
  /** A status's own wording here ("not asked for" where a check is skipped on request). */
  words?: Partial<Record<CheckListStatus, string>>;
}) {
  return (
    <ol className="check-list" aria-label={label}>
      {rows.map((row) => (
        <li key={row.name} className={`check-list__row check-list__row--${row.status}`}>
          <span className="check-list__mark" aria-hidden="true">
            {MARKS[row.status]}
          </span>
          <span className="check-list__label">
            {row.label}
            {row.note ? <span className="check-list__note"> — {row.note}</span> : null}
          </span>
          <span className="check-list__status">{words?.[row.status] ?? WORDS[row.status]}</span>
          {row.detail !== undefined && row.status !== 'not_reached' ? (
            <span className="check-list__detail">{row.detail}</span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** The JWT that was sent, its header, payload and signature coloured apart. */
export function SentToken({ jwt, what }: { jwt: string; what: string }) {
  const [head = '', body = '', sig = ''] = jwt.split('.');
  return (
    <>
      <p className="visually-hidden">The {what} sent:</p>
      <p className="sent-token">
        <span className="jwt-header">{head}</span>.<span className="jwt-payload">{body}</span>.
        <span className="jwt-signature">{sig}</span>
      </p>
    </>
  );
}
