import { type ReactNode, useId } from 'react';
import type { LaneId } from './job.ts';
import './lane-lab.css';

export const LANE_NAMES: Record<LaneId, string> = {
  naive: 'Naive client',
  yours: 'Your client',
};

const WIDTH = 720;
const LEFT = 118;
const RIGHT = 12;
const ROW_H = 18;
const LANE_GAP = 26;
const TOP = 22;

/** Where one lane's marks go. */
export interface LaneFrame {
  lane: LaneId;
  /** The lane's top edge. */
  top: number;
  /** The height of the lane's rows together. */
  height: number;
  /** The x of a moment, in seconds of job time. */
  x: (seconds: number) => number;
  /** The y of the baseline of the row at this index; ticks stand on it. */
  baseline: (row: number) => number;
}

export interface LaneChartProps {
  /** The chart's accessible name. */
  title: string;
  lanes: readonly LaneId[];
  /** The strips of each lane, top to bottom. */
  rows: readonly { row: string; label: string }[];
  /** Seconds of job time the axis spans. */
  end: number;
  /** Draw a moment past `end` at the end instead of past the edge. */
  clampToEnd?: boolean;
  /** Hours between the grid lines. */
  tickEveryHours: number;
  /** What lies under a lane's strips (shaded spans). */
  behind?: (frame: LaneFrame) => ReactNode;
  /** A lane's marks, drawn over its strips. */
  marks: (frame: LaneFrame) => ReactNode;
}

/**
 * The job labs' chart: an hour grid, then per client a lane of labelled strips over job time,
 * the marks drawn by the lab. Hand-written SVG: a few kinds of tick and an axis do not earn a
 * chart library.
 */
export function LaneChart({
  title,
  lanes,
  rows,
  end,
  clampToEnd = false,
  tickEveryHours,
  behind,
  marks,
}: LaneChartProps) {
  const titleId = useId();
  const laneHeight = rows.length * ROW_H;
  const x = (seconds: number) =>
    LEFT + ((WIDTH - LEFT - RIGHT) * (clampToEnd ? Math.min(seconds, end) : seconds)) / end;
  const height = TOP + lanes.length * (laneHeight + LANE_GAP);
  const hourTicks: number[] = [];
  for (let h = 0; h * 3600 <= end; h += tickEveryHours) hourTicks.push(h);

  return (
    <svg
      className="lane-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby={titleId}
    >
      <title id={titleId}>{title}</title>
      {hourTicks.map((h) => (
        <g key={h} className="lane-chart__grid">
          <line x1={x(h * 3600)} x2={x(h * 3600)} y1={TOP - 6} y2={height - LANE_GAP + 6} />
          <text x={x(h * 3600)} y={12} textAnchor="middle">
            {h} h
          </text>
        </g>
      ))}
      {lanes.map((lane, i) => {
        const top = TOP + i * (laneHeight + LANE_GAP);
        const frame: LaneFrame = {
          lane,
          top,
          height: laneHeight,
          x,
          baseline: (r) => top + (r + 1) * ROW_H - 2,
        };
        return (
          <g key={lane} className={`lane-chart__lane lane-chart__lane--${lane}`}>
            <text className="lane-chart__lane-name" x={4} y={top + 2}>
              {LANE_NAMES[lane]}
            </text>
            {behind?.(frame)}
            {rows.map(({ row, label }, r) => (
              <g key={row}>
                <text className="lane-chart__row-name" x={12} y={frame.baseline(r) - 2}>
                  {label}
                </text>
                <line
                  className="lane-chart__baseline"
                  x1={LEFT}
                  x2={WIDTH - RIGHT}
                  y1={frame.baseline(r)}
                  y2={frame.baseline(r)}
                />
              </g>
            ))}
            {marks(frame)}
          </g>
        );
      })}
    </svg>
  );
}

/**
 * The chart in its figure: it scrolls sideways on a phone, and the legend names each kind of
 * mark (`keys`: the lab's class modifier for the swatch's colour, and the words).
 */
export function ChartFigure({
  children,
  keys,
}: {
  children: ReactNode;
  keys: readonly (readonly [className: string, label: string])[];
}) {
  return (
    <figure className="lane-lab__figure">
      {/* the table below carries the same numbers for keyboard and screen-reader users */}
      <div className="lane-lab__scroll">{children}</div>
      <figcaption className="lane-lab__keys">
        {keys.map(([className, label]) => (
          <span key={className} className={`lane-lab__key ${className}`}>
            {label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
