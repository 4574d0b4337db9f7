/** One finding of a run: met or not, and what the run showed. */
export interface Finding {
  ok: boolean;
  detail: string;
}

/** What a finished run shows: a yes or no badge and the detail, per finding. */
export function VerdictList({
  findings,
}: {
  findings: readonly (readonly [label: string, finding: Finding])[];
}) {
  return (
    <ul className="lane-lab__verdict" aria-label="What this run shows">
      {findings.map(([label, v]) => (
        <li key={label}>
          <span className={`badge ${v.ok ? 'badge--success' : 'badge--warning'}`}>
            {v.ok ? 'yes' : 'no'}
          </span>{' '}
          <strong>{label}:</strong> {v.detail}
        </li>
      ))}
    </ul>
  );
}
