import type { LaneId } from './job.ts';
import { LANE_NAMES } from './lane-chart.tsx';

/**
 * The totals per client, a row per number: the chart's accessible summary. Each row carries
 * `lane-totals__row--<key>` and each cell `data-lane`, for a lab to pick one out.
 */
export function LaneTotals<K extends string>({
  className,
  caption,
  lanes,
  rows,
  totals,
}: {
  className: string;
  caption: string;
  lanes: readonly LaneId[];
  rows: readonly { key: K; label: string }[];
  totals: Record<LaneId, Record<K, number>>;
}) {
  return (
    <table className={`lane-totals ${className}`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">What</th>
          {lanes.map((lane) => (
            <th key={lane} scope="col">
              {LANE_NAMES[lane]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(({ key, label }) => (
          <tr key={key} className={`lane-totals__row--${key}`}>
            <th scope="row">{label}</th>
            {lanes.map((lane) => (
              <td key={lane} data-lane={lane}>
                {totals[lane][key]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
