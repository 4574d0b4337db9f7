// biome-ignore-all lint/a11y/noRedundantRoles: narrow blocks lay the table out as cards (display: block), which drops the implicit table roles in browsers; the explicit roles keep them.
import { memo, useCallback, useId, useMemo, useRef, useState } from 'react';
import type { RecordedExchange } from '../../../client/index.ts';
import { answerFacts, type ServerSteps } from '../../../lessons/expectation.ts';
import type { NegativeCase, ResponseExpectation } from '../../../lessons/lesson-types.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { CardHeader } from '../../shared/card-header.tsx';
import { Checkbox } from '../../shared/checkbox.tsx';
import { Fact } from '../../shared/fact.tsx';
import { type LessonRuntime, useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import {
  type Prediction,
  PredictionPicker,
  PredictionVerdict,
  usePredictFirst,
} from '../prediction.tsx';
import { ExchangeDetails } from './exchange-details.tsx';
import './negatives-block.css';

/** The runtime key of one case: `<block id or line>#<case index>`. */
export function negativeCaseKey(base: string, index: number): string {
  return `${base}#${index}`;
}

/**
 * A table of requests that must fail, and how. Each case replays through the lesson runtime (so
 * it is recorded, explained and counted like any request); "Replay all" runs them one after
 * another and the table fills in live.
 */
export function NegativesBlockView({ block }: BlockProps<'negatives'>) {
  const runtime = useLessonRuntime();
  const base = block.id ?? `negatives-${block.source.line}`;
  const keys = useMemo(
    () => block.cases.map((_, index) => negativeCaseKey(base, index)),
    [block.cases, base],
  );
  const [replayingAll, setReplayingAll] = useState(false);
  const [failures, setFailures] = useState<Readonly<Record<number, string>>>({});
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const headingId = useId();

  // `send` is stable; the ref lets the row callbacks stay stable too (rows are memoised).
  const sendRef = useRef<LessonRuntime['send']>(runtime.send);
  sendRef.current = runtime.send;

  const replay = useCallback(
    async (index: number) => {
      const negative = block.cases[index];
      const key = keys[index];
      if (!negative || key === undefined) return;
      const outcome = await sendRef.current(key, negative.request, { expect: negative.expect });
      setFailures((current) => {
        if ('error' in outcome) return { ...current, [index]: outcome.error };
        if (!(index in current)) return current;
        const { [index]: _, ...rest } = current;
        return rest;
      });
    },
    [block.cases, keys],
  );

  const replayAll = useCallback(async () => {
    setReplayingAll(true);
    try {
      // One after another: cases may depend on server state (rate limits, revocation).
      for (let index = 0; index < block.cases.length; index++) await replay(index);
    } finally {
      setReplayingAll(false);
    }
  }, [block.cases.length, replay]);

  const toggle = useCallback((index: number) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });
  }, []);

  const [predictFirst, setPredictFirst] = usePredictFirst();
  const [predictions, setPredictions] = useState<Record<number, Prediction>>({});
  const predict = useCallback(
    (index: number, prediction: Prediction) =>
      setPredictions((all) => ({ ...all, [index]: prediction })),
    [],
  );
  const results = keys.map((key) => runtime.exchanges[key]);
  const summary = summarise(
    block.cases,
    results,
    failures,
    replayingAll,
    keys,
    runtime.pending,
    runtime.judge,
  );

  return (
    <section className="card negatives-block" aria-labelledby={headingId}>
      <CardHeader headingId={headingId} kind="Negative cases" title={block.title}>
        <button
          type="button"
          className="btn btn--primary"
          // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
          aria-disabled={replayingAll}
          onClick={() => {
            if (!replayingAll) void replayAll();
          }}
        >
          {replayingAll ? 'Replaying…' : 'Replay all'}
        </button>
      </CardHeader>
      <Checkbox
        className="negatives-block__predict"
        checked={predictFirst}
        onChange={setPredictFirst}
      >
        Guess first: hide each expected answer until its case is replayed
      </Checkbox>
      <div className="negatives-block__scroll">
        <table className="negatives-table" role="table">
          <thead role="rowgroup">
            <tr role="row">
              {['Case', 'Expected', 'Actual', 'Result'].map((column) => (
                <th key={column} role="columnheader" scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody role="rowgroup">
            {block.cases.map((negative, index) => (
              <NegativeRow
                // biome-ignore lint/suspicious/noArrayIndexKey: cases are fixed by the lesson
                key={index}
                index={index}
                negative={negative}
                exchange={results[index]}
                failure={failures[index]}
                running={Boolean(runtime.pending[keys[index] ?? ''])}
                disabled={replayingAll}
                expanded={expanded.has(index)}
                onReplay={replay}
                onToggle={toggle}
                serverLog={runtime.serverLog}
                judge={runtime.judge}
                hideExpected={predictFirst}
                prediction={predictions[index]}
                onPredict={predict}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="negatives-block__summary" role="status">
        {summary}
      </p>
    </section>
  );
}

function summarise(
  cases: readonly NegativeCase[],
  results: readonly (RecordedExchange | undefined)[],
  failures: Readonly<Record<number, string>>,
  replayingAll: boolean,
  keys: readonly string[],
  pending: Readonly<Record<string, boolean>>,
  judge: LessonRuntime['judge'],
): string {
  const total = cases.length;
  if (replayingAll) {
    const at = keys.findIndex((key) => pending[key]);
    return `Replaying case ${at === -1 ? '…' : `${at + 1} of ${total}`}…`;
  }
  let run = 0;
  let asExpected = 0;
  cases.forEach((negative, index) => {
    const exchange = results[index];
    if (failures[index] !== undefined) run++;
    else if (exchange) {
      run++;
      if (judge(exchange, negative.expect).ok) asExpected++;
    }
  });
  if (run === 0) return 'Not run yet: press Replay all, or replay one case.';
  if (run < total) return `${run} of ${total} run, ${asExpected} as expected.`;
  return asExpected === total
    ? `${asExpected} of ${total} as expected.`
    : `${asExpected} of ${total} as expected; ${total - asExpected} not: open them to see why.`;
}

const challenge = (value: string) => <code className="negatives-challenge">{value}</code>;

function Expected({ expect }: { expect: ResponseExpectation }) {
  return (
    <dl className="negatives-facts">
      <dt className="visually-hidden">status</dt>
      <dd>
        <span className="negatives-status">{expect.status}</span>
      </dd>
      <Fact term="error" value={expect.error} hideTerm />
      <Fact term="refused at" value={expect.check} />
      <Fact term="description says" value={expect.description} show={(d) => `“${d}”`} />
      <Fact term="WWW-Authenticate contains" value={expect.www_authenticate} show={challenge} />
    </dl>
  );
}

function Actual({ exchange, log }: { exchange: RecordedExchange; log: ServerSteps | undefined }) {
  const facts = answerFacts(exchange, log);
  return (
    <dl className="negatives-facts">
      <dt className="visually-hidden">status</dt>
      <dd>
        <span className="negatives-status">{facts.status}</span>
      </dd>
      <Fact term="error" value={facts.errors.join(' / ')} hideTerm />
      <Fact term="refused at" value={facts.failedCheck} />
      <Fact term="WWW-Authenticate" value={facts.wwwAuthenticate} show={challenge} />
    </dl>
  );
}

interface NegativeRowProps {
  index: number;
  negative: NegativeCase;
  exchange: RecordedExchange | undefined;
  failure: string | undefined;
  running: boolean;
  disabled: boolean;
  expanded: boolean;
  onReplay: (index: number) => Promise<void>;
  onToggle: (index: number) => void;
  serverLog: LessonRuntime['serverLog'];
  judge: LessonRuntime['judge'];
  /** Predict first: the expected answer stays hidden until the case has been replayed. */
  hideExpected: boolean;
  prediction: Prediction | undefined;
  onPredict: (index: number, prediction: Prediction) => void;
}

const NegativeRow = memo(function NegativeRow({
  index,
  negative,
  exchange,
  failure,
  running,
  disabled,
  expanded,
  onReplay,
  onToggle,
  serverLog,
  judge,
  hideExpected,
  prediction,
  onPredict,
}: NegativeRowProps) {
  const nameId = useId();
  const detailsId = useId();
  const verdict = useMemo(
    () => (exchange ? judge(exchange, negative.expect) : undefined),
    [exchange, negative.expect, judge],
  );
  const state =
    failure !== undefined
      ? 'error'
      : running
        ? 'running'
        : verdict
          ? verdict.ok
            ? 'pass'
            : 'fail'
          : 'idle';
  return (
    <>
      <tr role="row" className={`negatives-row negatives-row--${state}`}>
        <td role="cell" className="negatives-case">
          <div className="negatives-case__inner">
            <span className="negatives-index" aria-hidden="true">
              {index + 1}
            </span>
            <div>
              <p className="negatives-name" id={nameId}>
                {negative.name}
              </p>
              {negative.why ? <p className="negatives-why">{negative.why}</p> : null}
            </div>
          </div>
        </td>
        <td role="cell" data-label="Expected">
          {hideExpected && !exchange && failure === undefined ? (
            <div className="negatives-guess">
              <PredictionPicker
                label={negative.name}
                value={prediction ?? {}}
                onChange={(next) => onPredict(index, next)}
              />
              <span className="muted negatives-guess__hint">shown when you replay it</span>
            </div>
          ) : (
            <>
              <Expected expect={negative.expect} />
              {prediction && exchange ? (
                <PredictionVerdict
                  prediction={prediction}
                  facts={answerFacts(exchange, serverLog(exchange.requestId))}
                />
              ) : null}
            </>
          )}
        </td>
        <td role="cell" data-label="Actual" className="negatives-actual">
          {failure !== undefined ? (
            <p className="negatives-failure">Not sent: {failure}</p>
          ) : exchange ? (
            <Actual exchange={exchange} log={serverLog(exchange.requestId)} />
          ) : (
            <span className="muted">{running ? 'sending…' : 'not run'}</span>
          )}
        </td>
        <td role="cell" data-label="Result" className="negatives-result">
          <Verdict state={state} reasons={verdict?.reasons ?? []} />
          <div className="negatives-actions">
            <button
              type="button"
              className="btn btn--small"
              aria-describedby={nameId}
              aria-disabled={disabled || running}
              onClick={() => {
                if (!disabled && !running) void onReplay(index);
              }}
            >
              Replay
            </button>
            <button
              type="button"
              className="btn btn--small btn--ghost"
              aria-expanded={expanded}
              aria-controls={detailsId}
              aria-describedby={nameId}
              onClick={() => onToggle(index)}
            >
              {expanded ? 'Hide details' : 'Details'}
            </button>
          </div>
        </td>
      </tr>
      <tr role="row" className="negatives-details-row" id={detailsId} hidden={!expanded}>
        <td role="cell" colSpan={4}>
          {expanded ? (
            exchange ? (
              <ExchangeDetails exchange={exchange} log={serverLog(exchange.requestId)} />
            ) : (
              <div className="exchange-details">
                <p className="muted">Not sent yet. The request this case sends:</p>
                <pre className="exchange-details__code">
                  <code>{negative.request.source}</code>
                </pre>
              </div>
            )
          ) : null}
        </td>
      </tr>
    </>
  );
});

function Verdict({
  state,
  reasons,
}: {
  state: 'error' | 'running' | 'pass' | 'fail' | 'idle';
  reasons: string[];
}) {
  switch (state) {
    case 'pass':
      return <span className="badge badge--success">✓ as expected</span>;
    case 'fail':
      return (
        <div className="negatives-verdict">
          <span className="badge badge--danger">✗ not as expected</span>
          <ul className="negatives-reasons">
            {reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      );
    case 'error':
      return <span className="badge badge--danger">✗ not sent</span>;
    case 'running':
      return <span className="badge badge--info">running…</span>;
    case 'idle':
      return <span className="muted">—</span>;
  }
}
