import type { ReactNode } from 'react';

/** One case in the replay table: what it should end in and, once replayed, what it did. */
export interface ReplayRow {
  id: string;
  label: string;
  expected: ReactNode;
  /** The replay's status, whether it ended as expected, and the check that stopped it. */
  got: { ok: boolean; status: number; failedAt?: string } | undefined;
}

/**
 * Every case with its expected and actual answer, under a line that says how many were
 * replayed. Shared by the forge and the assertion lab (forge-lab.css).
 */
export function ReplayTable({
  summary,
  caption,
  expectedHeading,
  rows,
}: {
  summary: ReactNode;
  caption: string;
  expectedHeading: ReactNode;
  rows: readonly ReplayRow[];
}) {
  return (
    <section className="forge-replays" aria-label="Replayed cases">
      <p className="forge-replays__summary">{summary}</p>
      <div className="table-scroll">
        <table className="table table--compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">{expectedHeading}</th>
              <th scope="col">Got</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.label}</th>
                <td>{row.expected}</td>
                <td>
                  {row.got ? (
                    <span className={row.got.ok ? 'forge-ok' : 'forge-bad'}>
                      {row.got.ok ? '✓ ' : '✗ '}
                      {row.got.status}
                      {row.got.failedAt ? ` at ${row.got.failedAt}` : ''}
                    </span>
                  ) : (
                    <span className="muted">not replayed</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
