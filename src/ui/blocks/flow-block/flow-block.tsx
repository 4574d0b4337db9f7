import { useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FlowStep } from '../../../lessons/lesson-types.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import {
  actorNames,
  describeArrow,
  type FlowActor,
  type FlowArrow,
  flowActors,
  flowSequence,
} from './flow-sequence.ts';
import './flow-block.css';

const STEP_NAMES: Record<FlowStep, string> = {
  token: 'the token request',
  api: 'the API call',
  introspect: 'introspection',
  revoke: 'revocation',
  workload: 'the workload token',
};

/**
 * The client credentials flow as a sequence diagram drawn in inline SVG: actors across the top,
 * numbered messages down the page. The lesson's `highlight` step is emphasised; the step of the
 * learner's latest request lights up as it happens.
 */
export function FlowBlockView({ block }: BlockProps<'flow'>) {
  const runtime = useOptionalLessonRuntime();
  const arrows = useMemo(() => flowSequence(block.steps), [block.steps]);
  const actors = useMemo(() => flowActors(arrows), [arrows]);
  const frameRef = useRef<HTMLDivElement>(null);
  const width = useWidth(frameRef);
  const titleId = useId();
  const descId = useId();
  const title = block.title ?? 'The client credentials flow';
  const live = runtime?.activeFlowStep;
  const liveExchange = runtime?.lastExchange?.exchange;
  const active = live && block.steps.includes(live) ? live : undefined;
  const liveArrows = active ? arrows.filter((a) => a.step === active) : [];
  const highlighted = block.highlight ? arrows.filter((a) => a.step === block.highlight) : [];

  return (
    <figure className="card flow-block">
      <figcaption className="card__header flow-block__caption">
        <span className="flow-block__title">
          <span className="block-kind">Flow</span> <span>{title}</span>
        </span>
        <span className="flow-block__legend">
          {highlighted.length > 0 ? (
            <span className="flow-legend flow-legend--highlight">Focus: {range(highlighted)}</span>
          ) : null}
          {active ? (
            <span className="flow-legend flow-legend--live">
              Your latest request: {range(liveArrows)}
            </span>
          ) : null}
        </span>
      </figcaption>
      <div className="flow-block__frame" ref={frameRef}>
        {width > 0 ? (
          <FlowDiagram
            arrows={arrows}
            actors={actors}
            width={width}
            highlight={block.highlight}
            active={active}
            // A new request replays the animation, even for the same step.
            pulseKey={liveExchange ? `${liveExchange.startedAt}` : ''}
            titleId={titleId}
            descId={descId}
            title={title}
          />
        ) : null}
        <ol className="visually-hidden" id={descId}>
          {arrows.map((arrow) => (
            <li key={arrow.number}>{describeArrow(arrow)}</li>
          ))}
          {block.highlight ? <li>This lesson focuses on {STEP_NAMES[block.highlight]}.</li> : null}
          {active ? <li>Your latest request was {STEP_NAMES[active]}.</li> : null}
        </ol>
      </div>
      {block.diagram ? (
        <details className="flow-block__text">
          <summary>As text</summary>
          <pre>
            <code>{block.diagram}</code>
          </pre>
        </details>
      ) : null}
    </figure>
  );
}

function range(arrows: readonly FlowArrow[]): string {
  const numbers = arrows.map((a) => a.number).sort((a, b) => a - b);
  const first = numbers[0];
  const last = numbers[numbers.length - 1];
  if (first === undefined || last === undefined) return '';
  if (first === last) return `step ${first}`;
  // "steps 1–2" when they follow each other; "steps 3 and 6" around a nested exchange.
  return last - first === numbers.length - 1
    ? `steps ${first}–${last}`
    : `steps ${numbers.slice(0, -1).join(', ')} and ${last}`;
}

/** The frame's content width in px, kept current as the layout changes. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.round(element.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

const PAD = 8;
const ACTOR_TOP = 4;
const ROW = 58;

interface DiagramProps {
  arrows: FlowArrow[];
  actors: FlowActor[];
  width: number;
  highlight: FlowStep | undefined;
  active: FlowStep | undefined;
  pulseKey: string;
  titleId: string;
  descId: string;
  title: string;
}

/**
 * Laid out at the frame's real width (1 unit = 1 CSS px), so text keeps its size from a 360 px
 * phone to a wide screen; only the spacing changes.
 */
function FlowDiagram({
  arrows,
  actors,
  width,
  highlight,
  active,
  pulseKey,
  titleId,
  descId,
  title,
}: DiagramProps) {
  const markerId = useId();
  const W = Math.max(width, 300);
  const narrow = W < 560;
  const font = narrow ? 11 : 12.5;
  const columnWidth = (W - 2 * PAD) / actors.length;
  const x = (actor: FlowActor) => PAD + columnWidth * (actors.indexOf(actor) + 0.5);
  const boxWidth = Math.min(columnWidth - 10, 190);
  const boxHeight = narrow ? 44 : 38;
  const firstRow = ACTOR_TOP + boxHeight + 46;
  const height = firstRow + (arrows.length - 1) * ROW + 22;
  return (
    <svg
      className={`flow-svg${highlight ? ' flow-svg--has-highlight' : ''}`}
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
      width={W}
      height={height}
      viewBox={`0 0 ${W} ${height}`}
    >
      <title id={titleId}>{title}</title>
      <defs>
        {(['plain', 'highlight', 'active'] as const).map((kind) => (
          <marker
            key={kind}
            id={`${markerId}-${kind}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerUnits="userSpaceOnUse"
            markerWidth="9"
            markerHeight="9"
            orient="auto-start-reverse"
          >
            <path className={`flow-marker flow-marker--${kind}`} d="M0 0 L10 5 L0 10 z" />
          </marker>
        ))}
      </defs>
      {actors.map((actor) => {
        const cx = x(actor);
        const lines = narrow || actor !== 'as' ? actorNames[actor] : [actorNames[actor].join(' ')];
        const twoLines = narrow && lines.length > 1;
        return (
          <g key={actor} className={`flow-actor flow-actor--${actor}`}>
            <line
              className="flow-lifeline"
              x1={cx}
              x2={cx}
              y1={ACTOR_TOP + boxHeight}
              y2={height - 4}
            />
            <rect
              className="flow-actor__box"
              x={cx - boxWidth / 2}
              y={ACTOR_TOP}
              width={boxWidth}
              height={boxHeight}
              rx={8}
            />
            <text
              className="flow-actor__name"
              x={cx}
              y={ACTOR_TOP + boxHeight / 2 + (twoLines ? -2 : 4.5)}
              textAnchor="middle"
              // Four actors on a phone: a smaller name keeps it inside its box.
              fontSize={narrow ? (actors.length > 3 ? 10.5 : 12) : 13.5}
            >
              {twoLines
                ? lines.map((line, index) => (
                    <tspan key={line} x={cx} dy={index === 0 ? -4 : 15}>
                      {line}
                    </tspan>
                  ))
                : lines.join(' ')}
            </text>
          </g>
        );
      })}
      {arrows.map((arrow, index) => {
        const y = firstRow + index * ROW;
        const x1 = x(arrow.from);
        const x2 = x(arrow.to);
        const dir = x2 > x1 ? 1 : -1;
        const start = x1 + dir * 22;
        const end = x2 - dir * 3;
        const longest = Math.max(arrow.label.length, (arrow.detail ?? '').length);
        const half = (longest * font * 0.62) / 2 + 4;
        const mid = Math.min(Math.max((x1 + x2) / 2, half + 2), W - half - 2);
        const classes = [
          'flow-arrow',
          arrow.reply ? 'flow-arrow--reply' : '',
          arrow.step === highlight ? 'flow-arrow--highlight' : '',
          arrow.step === active ? 'flow-arrow--active' : '',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <g key={arrow.number} className={classes} data-step={arrow.step}>
            <line
              className="flow-arrow__line"
              x1={start}
              x2={end}
              y1={y}
              y2={y}
              markerEnd={`url(#${markerId}-${
                arrow.step === active ? 'active' : arrow.step === highlight ? 'highlight' : 'plain'
              })`}
            />
            {arrow.step === active ? (
              <line
                key={pulseKey}
                className="flow-arrow__pulse"
                x1={start}
                x2={end}
                y1={y}
                y2={y}
              />
            ) : null}
            <circle className="flow-arrow__badge" cx={x1 + dir * 11} cy={y} r={10} />
            <text className="flow-arrow__number" x={x1 + dir * 11} y={y + 4} textAnchor="middle">
              {arrow.number}
            </text>
            <text
              className="flow-arrow__label"
              x={mid}
              y={y - (arrow.detail ? 27 : 13)}
              textAnchor="middle"
              fontSize={font}
            >
              {arrow.label}
            </text>
            {arrow.detail ? (
              <text
                className="flow-arrow__detail"
                x={mid}
                y={y - 13}
                textAnchor="middle"
                fontSize={font - 1}
              >
                {arrow.detail}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
