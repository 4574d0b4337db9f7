import { useId } from 'react';
import {
  AVOIDABLE_REASONS,
  avoidableSummary,
  type FailureMark,
  type FailureTotals,
  failureTotals,
  LANES,
  type LaneId,
} from './failures-sim.ts';

export const LANE_NAMES: Record<LaneId, string> = {
  naive: 'Naive client',
  yours: 'Your client',
};

type Row = 'token' | 'retry' | 'token-failed' | 'call-failed';
const ROWS: readonly { row: Row; label: string }[] = [
  { row: 'token', label: 'token requests' },
  { row: 'retry', label: 'retries' },
  { row: 'token-failed', label: 'token failures' },
  { row: 'call-failed', label: 'failed calls' },
];

const WIDTH = 720;
const LEFT = 118;
const RIGHT = 12;
const ROW_H = 18;
const LANE_GAP = 26;
const LANE_H = ROWS.length * ROW_H;
const TOP = 22;

function rowsOf(mark: FailureMark): Row[] {
  if (mark.kind === 'token') {
    const rows: Row[] = [mark.retry ? 'retry' : 'token'];
    if (mark.outcome !== 'ok') rows.push('token-failed');
    return rows;
  }
  if (mark.kind === 'call' && !mark.ok) return ['call-failed'];
  return [];
}

const isAvoidable = (mark: FailureMark) =>
  (mark.kind === 'token' && mark.avoidable !== undefined) ||
  (mark.kind === 'call' && mark.avoidable === true);

/**
 * Token requests, retries, token failures and failed calls over job time, a strip each per
 * client, outages shaded; avoidable ones drawn taller. The tables below carry the same numbers.
 */
export function FailuresChart({ marks, hours }: { marks: readonly FailureMark[]; hours: number }) {
  const titleId = useId();
  const end = hours * 3600;
  const x = (seconds: number) => LEFT + ((WIDTH - LEFT - RIGHT) * Math.min(seconds, end)) / end;
  const laneTop = (i: number) => TOP + i * (LANE_H + LANE_GAP);
  const height = TOP + LANES.length * (LANE_H + LANE_GAP);
  const hourTicks = Array.from({ length: hours + 1 }, (_, h) => h);
  return (
    <svg
      className="failures-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby={titleId}
    >
      <title id={titleId}>
        Requests and failures over job time for the naive client and yours, outages shaded; the
        tables below have the totals and name the avoidable ones.
      </title>
      {hourTicks.map((h) => (
        <g key={h} className="failures-chart__grid">
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
          <g key={lane} className={`failures-chart__lane failures-chart__lane--${lane}`}>
            <text className="failures-chart__lane-name" x={4} y={top + 2}>
              {LANE_NAMES[lane]}
            </text>
            {laneMarks.map((m, k) =>
              m.kind === 'outage' ? (
                <rect
                  // biome-ignore lint/suspicious/noArrayIndexKey: marks only grow
                  key={k}
                  className="failures-chart__outage"
                  x={x(m.at)}
                  y={top + 4}
                  width={Math.max(2, x(m.until) - x(m.at))}
                  height={LANE_H}
                >
                  <title>{m.text}</title>
                </rect>
              ) : null,
            )}
            {ROWS.map(({ row, label }, r) => (
              <g key={row}>
                <text className="failures-chart__row-name" x={12} y={top + (r + 1) * ROW_H - 4}>
                  {label}
                </text>
                <line
                  className="failures-chart__baseline"
                  x1={LEFT}
                  x2={WIDTH - RIGHT}
                  y1={top + (r + 1) * ROW_H - 2}
                  y2={top + (r + 1) * ROW_H - 2}
                />
              </g>
            ))}
            {laneMarks.flatMap((m, k) =>
              rowsOf(m).map((row) => {
                const r = ROWS.findIndex((d) => d.row === row);
                const y2 = top + (r + 1) * ROW_H + 2 - 4;
                const avoidable = isAvoidable(m);
                return (
                  <line
                    // biome-ignore lint/suspicious/noArrayIndexKey: marks only grow; the index is stable
                    key={`${k}-${row}`}
                    className={`failures-chart__tick failures-chart__tick--${row}${avoidable ? ' failures-chart__tick--avoidable' : ''}`}
                    x1={x(m.at)}
                    x2={x(m.at)}
                    y1={y2 - (avoidable ? 14 : 10)}
                    y2={y2}
                  />
                );
              }),
            )}
          </g>
        );
      })}
    </svg>
  );
}

const TOTAL_ROWS: readonly { key: keyof FailureTotals; label: string }[] = [
  { key: 'calls', label: 'Job calls' },
  { key: 'callsFailed', label: 'Calls that failed' },
  { key: 'avoidableFailures', label: 'Failed with a valid token in hand' },
  { key: 'servedStale', label: 'Served from the cached token' },
  { key: 'tokenRequests', label: 'Token requests' },
  { key: 'retries', label: 'Retries' },
  { key: 'tokenFailures', label: 'Token requests that failed' },
  { key: 'avoidableTokenRequests', label: 'Avoidable token requests' },
];

/** The totals per client. */
export function FailuresTotals({ marks }: { marks: readonly FailureMark[] }) {
  const totals = { naive: failureTotals(marks, 'naive'), yours: failureTotals(marks, 'yours') };
  return (
    <table className="failures-totals">
      <caption>Totals per client</caption>
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
          <tr key={key}>
            <th scope="row">{label}</th>
            {LANES.map((lane) => (
              <td key={lane}>{totals[lane][key]}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const FAILED_WITH_TOKEN =
  'a call failed while the replica held a token that had not expired (serve it)';

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** The avoidable requests and failures, by reason, per client: what the chart's tall ticks are. */
export function AvoidableList({ marks }: { marks: readonly FailureMark[] }) {
  return (
    <div className="failures-avoidable">
      {LANES.map((lane) => {
        const summary = avoidableSummary(marks, lane);
        return (
          <section key={lane} aria-label={`Avoidable, ${LANE_NAMES[lane]}`}>
            <h4>Avoidable: {LANE_NAMES[lane]}</h4>
            {summary.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <ul>
                {summary.map((s) => (
                  <li key={s.reason}>
                    <strong>×{s.count}</strong>{' '}
                    {s.reason === 'failed-with-valid-token'
                      ? FAILED_WITH_TOKEN
                      : AVOIDABLE_REASONS[s.reason]}{' '}
                    <span className="muted">(first at {clock(s.firstAt)})</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
