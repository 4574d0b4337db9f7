import { LANES } from '../lanes/job.ts';
import { LaneChart } from '../lanes/lane-chart.tsx';
import { LaneTotals } from '../lanes/lane-totals.tsx';
import { laneTotals, type SimMark, type LaneTotals as Totals } from './caching-sim.ts';

type Row = 'token' | 'api' | 'unauthorized' | 'limited';
const ROWS: readonly { row: Row; label: string }[] = [
  { row: 'token', label: 'token requests' },
  { row: 'api', label: 'API calls' },
  { row: 'unauthorized', label: '401s' },
  { row: 'limited', label: '429s' },
];

function rowOf(mark: SimMark): Row | undefined {
  if (mark.kind === 'token') return mark.status === 429 ? 'limited' : 'token';
  if (mark.kind === 'api') return mark.status === 401 ? 'unauthorized' : 'api';
  return undefined;
}

/**
 * Token requests, API calls, 401s and 429s over job time, one strip per kind and client: a
 * tick per request; time travel a dashed line across the lane.
 */
export function CachingChart({ marks, hours }: { marks: readonly SimMark[]; hours: number }) {
  const end = Math.max(
    hours * 3600,
    ...marks.map((m) => m.at + 1), // time travel may run past the planned end
  );
  return (
    <LaneChart
      title="Requests over job time for the naive client and your client; the table below has the totals."
      lanes={LANES}
      rows={ROWS}
      end={end}
      tickEveryHours={end / 3600 > 12 ? 4 : end / 3600 > 6 ? 2 : 1}
      marks={({ lane, top, height, x, baseline }) =>
        marks
          .filter((m) => m.lane === lane)
          .map((m, k) => {
            if (m.kind === 'clock') {
              return (
                <line
                  // biome-ignore lint/suspicious/noArrayIndexKey: marks only grow; the index is stable
                  key={k}
                  className="caching-chart__travel"
                  x1={x(m.at)}
                  x2={x(m.at)}
                  y1={top + 4}
                  y2={top + height}
                >
                  <title>{m.text}</title>
                </line>
              );
            }
            const row = rowOf(m);
            if (!row) return null;
            const y2 = baseline(ROWS.findIndex((d) => d.row === row));
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
          })
      }
    />
  );
}

const TOTAL_ROWS: readonly { key: keyof Totals; label: string }[] = [
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
  return (
    <LaneTotals
      className="caching-totals"
      caption="Totals so far"
      lanes={LANES}
      rows={TOTAL_ROWS}
      totals={{ naive: laneTotals(marks, 'naive'), yours: laneTotals(marks, 'yours') }}
    />
  );
}
