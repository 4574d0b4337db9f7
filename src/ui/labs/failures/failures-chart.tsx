import { LANES } from '../lanes/job.ts';
import { LANE_NAMES, LaneChart } from '../lanes/lane-chart.tsx';
import { LaneTotals } from '../lanes/lane-totals.tsx';
import {
  AVOIDABLE_REASONS,
  avoidableSummary,
  type FailureMark,
  type FailureTotals,
  failureTotals,
} from './failures-sim.ts';

type Row = 'token' | 'retry' | 'token-failed' | 'call-failed';
const ROWS: readonly { row: Row; label: string }[] = [
  { row: 'token', label: 'token requests' },
  { row: 'retry', label: 'retries' },
  { row: 'token-failed', label: 'token failures' },
  { row: 'call-failed', label: 'failed calls' },
];

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
  return (
    <LaneChart
      title="Requests and failures over job time for the naive client and yours, outages shaded; the tables below have the totals and name the avoidable ones."
      lanes={LANES}
      rows={ROWS}
      end={hours * 3600}
      clampToEnd
      tickEveryHours={1}
      behind={({ lane, top, height, x }) =>
        marks
          .filter((m) => m.lane === lane)
          .map((m, k) =>
            m.kind === 'outage' ? (
              <rect
                // biome-ignore lint/suspicious/noArrayIndexKey: marks only grow
                key={k}
                className="failures-chart__outage"
                x={x(m.at)}
                y={top + 4}
                width={Math.max(2, x(m.until) - x(m.at))}
                height={height}
              >
                <title>{m.text}</title>
              </rect>
            ) : null,
          )
      }
      marks={({ lane, x, baseline }) =>
        marks
          .filter((m) => m.lane === lane)
          .flatMap((m, k) =>
            rowsOf(m).map((row) => {
              const y2 = baseline(ROWS.findIndex((d) => d.row === row));
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
          )
      }
    />
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
  return (
    <LaneTotals
      className="failures-totals"
      caption="Totals per client"
      lanes={LANES}
      rows={TOTAL_ROWS}
      totals={{ naive: failureTotals(marks, 'naive'), yours: failureTotals(marks, 'yours') }}
    />
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
