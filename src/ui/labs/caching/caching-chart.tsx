import { useId } from 'react';
import { LANES, type LaneId, type LaneTotals, laneTotals, type SimMark } from './caching-sim.ts';

export const LANE_NAMES: Record<LaneId, string> = {
  naive: 'Naive client',
  yours: 'Your client',
};

type Row = 'token' | 'api' | 'unauthorized' | 'limited';
const ROWS: readonly { row: Row; label: string }[] = [
  { row: 'token', label: 'token requests' },
  { row: 'api', label: 'API calls' },
  { row: 'unauthorized', label: '401s' },
  { row: 'limited', label: '429s' },
];

const WIDTH = 720;
const LEFT = 118;
const RIGHT = 12;
const ROW_H = 18;
const LANE_GAP = 26;
const LANE_H = ROWS.length * ROW_H;
const TOP = 22;

function rowOf(mark: SimMark): Row | undefined {
  if (mark.kind === 'token') return mark.status === 429 ? 'limited' : 'token';
  if (mark.kind === 'api') return mark.status === 401 ? 'unauthorized' : 'api';
  return undefined;
}

/**
 * Token requests, API calls, 401s and 429s over job time, one strip per kind and client: a
 * tick per request. Hand-written SVG: four kinds of tick and an axis do not earn a chart library.
 */
export function CachingChart({ marks, hours }: { marks: readonly SimMark[]; hours: number }) {
  const titleId = useId();
  const end = Math.max(
    hours * 3600,
    ...marks.map((m) => m.at + 1), // time travel may run past the planned end
  );
  const x = (seconds: number) => LEFT + ((WIDTH - LEFT - RIGHT) * seconds) / end;
  const laneTop = (i: number) => TOP + i * (LANE_H + LANE_GAP);
  const height = TOP + LANES.length * (LANE_H + LANE_GAP);
  const tickEvery = end / 3600 > 12 ? 4 : end / 3600 > 6 ? 2 : 1;
  const hourTicks: number[] = [];
  for (let h = 0; h * 3600 <= end; h += tickEvery) hourTicks.push(h);

  return (
    <svg
      className="caching-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby={titleId}
    >
      <title id={titleId}>
        Requests over job time for the naive client and your client; the table below has the totals.
      </title>
      {hourTicks.map((h) => (
        <g key={h} className="caching-chart__grid">
          <line x1={x(h * 3600)} x2={x(h * 3600)} y1={TOP - 6} y2={height - LANE_GAP + 6} />
          <text x={x(h * 3600)} y={12} textAnchor="middle">
            {h} h
          </text>
        </g>
      ))}
      {LANES.map((lane, i) => {
        const top = laneTop(i);
        const laneMarks = marks.filter((m) => m.lane === lane);
        return (
          <g key={lane} className={`caching-chart__lane caching-chart__lane--${lane}`}>
            <text className="caching-chart__lane-name" x={4} y={top + 2}>
              {LANE_NAMES[lane]}
            </text>
            {ROWS.map(({ row, label }, r) => (
              <g key={row}>
                <text className="caching-chart__row-name" x={12} y={top + (r + 1) * ROW_H - 4}>
                  {label}
                </text>
                <line
                  className="caching-chart__baseline"
                  x1={LEFT}
                  x2={WIDTH - RIGHT}
                  y1={top + (r + 1) * ROW_H - 2}
                  y2={top + (r + 1) * ROW_H - 2}
                />
              </g>
            ))}
            {laneMarks.map((m, k) => {
              if (m.kind === 'clock') {
                return (
                  <line
                    // biome-ignore lint/suspicious/noArrayIndexKey: marks only grow; the index is stable
                    key={k}
                    className="caching-chart__travel"
                    x1={x(m.at)}
                    x2={x(m.at)}
                    y1={top + 4}
                    y2={top + LANE_H}
                  >
                    <title>{m.text}</title>
                  </line>
                );
              }
              const row = rowOf(m);
              if (!row) return null;
              const r = ROWS.findIndex((d) => d.row === row);
              const y2 = top + (r + 1) * ROW_H - 2;
              const avoidable = m.kind === 'token' && m.avoidable !== undefined;
              return (
                <line
                  // biome-ignore lint/suspicious/noArrayIndexKey: marks only grow; the index is stable
                  key={k}
                  className={`caching-chart__tick caching-chart__tick--${row}${avoidable ? ' caching-chart__tick--avoidable' : ''}`}
                  x1={x(m.at)}
                  x2={x(m.at)}
                  y1={y2 - (avoidable ? 14 : 11)}
                  y2={y2}
                />
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}

const TOTAL_ROWS: readonly { key: keyof LaneTotals; label: string }[] = [
  { key: 'calls', label: 'Job calls' },
  { key: 'callsFailed', label: 'Calls that failed' },
  { key: 'tokenRequests', label: 'Token requests' },
  { key: 'avoidableTokenRequests', label: 'Avoidable token requests' },
  { key: 'apiRequests', label: 'API requests (with retries)' },
  { key: 'unauthorized', label: '401 responses' },
  { key: 'rateLimited', label: '429 responses' },
];

/** The totals per client: the chart's accessible summary, and the numbers that matter. */
export function CachingTotals({ marks }: { marks: readonly SimMark[] }) {
  const totals = { naive: laneTotals(marks, 'naive'), yours: laneTotals(marks, 'yours') };
  return (
    <table className="caching-totals">
      <caption>Totals so far</caption>
      <thead>
        <tr>
          <th scope="col">What</th>
          {LANES.map((lane) => (
            <th key={lane} scope="col">
              {LANE_NAMES[lane]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {TOTAL_ROWS.map(({ key, label }) => (
          <tr key={key} className={`caching-totals__row--${key}`}>
            <th scope="row">{label}</th>
            {LANES.map((lane) => (
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
