import { type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { findVariables, type RecordedExchange } from '../../../client/index.ts';
import {
  type CheckResult,
  checkLab,
  checkResponse,
  checkToken,
  combineChecks,
} from '../../../lessons/exercise-check.ts';
import { answerFacts, describeExpectation } from '../../../lessons/expectation.ts';
import { flowStepOf } from '../../../lessons/lesson-steps.ts';
import type {
  ExerciseBlock,
  ExerciseSolution,
  MarkdownNode,
  ResponseExpectation,
} from '../../../lessons/lesson-types.ts';
import { checkKey } from '../../../lessons/session.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { CardHeader } from '../../shared/card-header.tsx';
import { type LessonRuntime, useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useDisclosure } from '../../shared/use-disclosure.ts';
import { findLoadedLesson } from '../../shared/use-lessons.ts';
import { ExerciseBrief } from '../exercise-brief.tsx';
import { type Prediction, PredictionPicker, PredictionVerdict } from '../prediction.tsx';
import './exercise-block.css';

type Verdict =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'passed'; earlier?: boolean }
  | { state: 'not-yet'; reasons: string[] };

/**
 * The variables whose new values may change the outcome: the token variable, and those the
 * `run` request uses. A change to one of them re-checks the exercise on its own.
 */
function watchedVariables(block: ExerciseBlock): string[] {
  const names = new Set<string>();
  if (block.check.token) names.add(block.check.token.variable);
  const run = block.check.response?.run;
  if (run) {
    const text = [run.url, ...run.headers.map(([, v]) => v), run.body].join('\n');
    for (const name of findVariables(text)) if (!name.startsWith('$')) names.add(name);
  }
  return [...names];
}

/** The parts of an expectation an exercise's run request must meet (for the request's badge). */
function expectationOf(block: ExerciseBlock): ResponseExpectation | undefined {
  const response = block.check.response;
  if (response?.status === undefined) return undefined;
  const { request: _request, requestTitle: _title, run: _run, ...want } = response;
  return { ...want, status: response.status };
}

/**
 * Run an exercise's checks against the lesson's current state. `auto` checks send a request
 * only when the token check already passes, or (without one) when `mayAutoSend`: so the
 * lesson's earlier requests neither pass the exercise before its situation exists, nor fill the
 * server log with check requests, nor light up a call on the flow diagram the learner did not
 * make.
 */
async function evaluate(
  block: ExerciseBlock,
  runtime: LessonRuntime,
  mode: 'check' | 'auto',
  mayAutoSend: boolean,
): Promise<CheckResult | undefined> {
  const { response, token, lab } = block.check;
  const labResult = lab ? checkLab(lab, runtime.labOutcomes[lab.id]?.[lab.outcome]) : undefined;
  const tokenResult = token ? checkToken(token, runtime.vars[token.variable]) : undefined;
  let responseResult: CheckResult | undefined;
  if (response?.run) {
    if (mode === 'auto' && tokenResult && !tokenResult.ok) return tokenResult;
    // Without a local token check to pass first, send only once the exercise is in play (or the
    // learner pressed Check): else sending the lesson's first token would already pass it.
    if (mode === 'auto' && !tokenResult && !mayAutoSend) return undefined;
    const expect = expectationOf(block);
    const outcome = await runtime.send(checkKey(block.id), response.run, {
      ...(expect && { expect }),
    });
    responseResult =
      'error' in outcome
        ? { ok: false, reasons: [`The check request was not sent: ${outcome.error}`] }
        : checkResponse(
            response,
            outcome.exchange,
            { kind: 'run' },
            runtime.serverLog(outcome.exchange.requestId),
          );
  } else if (response?.request) {
    const exchange = runtime.exchanges[response.request];
    responseResult = checkResponse(
      response,
      exchange,
      {
        kind: 'request',
        title: response.requestTitle ?? response.request,
      },
      runtime.serverLog(exchange?.requestId),
    );
  } else if (response) {
    const exchange = runtime.lastLearnerExchange?.exchange;
    responseResult = checkResponse(
      response,
      exchange,
      { kind: 'latest' },
      runtime.serverLog(exchange?.requestId),
    );
  }
  return combineChecks(tokenResult, responseResult, labResult);
}

/**
 * A task the learner does alone, checked by the page: on "Check", and on its own as soon as a
 * relevant request arrives (so "Done!" appears right after the right request).
 */
export function ExerciseBlockView({ block }: BlockProps<'exercise'>) {
  const runtime = useLessonRuntime();
  const doneEarlier = runtime.progress[block.id] === 'done';
  const [verdict, setVerdict] = useState<Verdict>(() =>
    doneEarlier ? { state: 'passed', earlier: true } : { state: 'idle' },
  );
  const [askedOnce, setAskedOnce] = useState(false);
  const headingId = useId();
  const runtimeRef = useRef(runtime);
  runtimeRef.current = runtime;
  const sequence = useRef(0);

  const run = useCallback(
    async (mode: 'check' | 'auto', mayAutoSend = false) => {
      // A newer check supersedes an older one still waiting for its response.
      const ticket = ++sequence.current;
      if (mode === 'check') setVerdict({ state: 'checking' });
      const result = await evaluate(block, runtimeRef.current, mode, mayAutoSend);
      if (ticket !== sequence.current || !result) return undefined;
      if (result.ok) {
        runtimeRef.current.setProgress(block.id, 'done');
        setVerdict({ state: 'passed' });
      } else if (mode === 'check' || askedOnceRef.current) {
        setVerdict({ state: 'not-yet', reasons: result.reasons });
      }
      return result.ok;
    },
    [block],
  );

  // Auto-checks report a failure only once the learner has asked for a check themselves.
  const askedOnceRef = useRef(askedOnce);
  askedOnceRef.current = askedOnce;

  // What counts as "a relevant exchange arrived" depends on the check.
  const watched = useMemo(() => watchedVariables(block), [block]);
  const scene = useMemo(() => sceneRequestOf(runtime.slug, block), [runtime.slug, block]);
  // The exercise is in play once its scene is set: the request right above it was sent (now or
  // before a reload). Until then an auto-check would pass on a situation that does not exist yet.
  const inPlay =
    scene === undefined ||
    runtime.statuses[scene] !== undefined ||
    runtime.exchanges[scene] !== undefined;
  const response = block.check.response;
  // The learner's newest exchange: check requests, this exercise's or another's, are not a new
  // situation (read as one, a check that consumes what it checks, a fault for one request, ran
  // twice, and two exercises re-checked each other without end).
  const learner = runtime.lastLearnerExchange?.exchange;
  const trigger = [
    ...watched.map((name) => runtime.vars[name] ?? ''),
    response?.request ? runtime.exchanges[response.request] : undefined,
    response && !response.run && !response.request ? learner : undefined,
    response?.run ? serverChange(learner) : undefined,
    block.check.lab
      ? runtime.labOutcomes[block.check.lab.id]?.[block.check.lab.outcome]
      : undefined,
  ];
  const previous = useRef(trigger);
  useEffect(() => {
    const before = previous.current;
    previous.current = trigger;
    const changed = trigger.some((value, index) => value !== before[index]);
    if (!changed) return;
    // Once done, later experiments must not turn the exercise back to "not yet".
    if (runtimeRef.current.progress[block.id] === 'done' && !askedOnceRef.current) {
      setVerdict({ state: 'passed' });
      return;
    }
    void run('auto', askedOnceRef.current || inPlay);
  });

  // Checks the learner asked for that did not pass: after two, a worked solution is offered.
  const [misses, setMisses] = useState(0);
  const onCheck = () => {
    if (verdict.state === 'checking') return;
    setAskedOnce(true);
    askedOnceRef.current = true;
    void run('check').then((passed) => {
      if (passed === false) setMisses((n) => n + 1);
    });
  };

  return (
    <section
      className={`card exercise-block exercise-block--${verdict.state}`}
      aria-labelledby={headingId}
    >
      <CardHeader headingId={headingId} kind="Exercise" title={block.title ?? 'Your turn'}>
        {verdict.state === 'passed' ? <span className="badge badge--success">Done</span> : null}
      </CardHeader>
      <div className="card__body exercise-block__body">
        <ExerciseBrief goal={block.goal} hint={block.hint} />
        <CheckList block={block} />
        {block.check.response ? <ExercisePrediction block={block} /> : null}
        <div className="exercise-block__actions">
          <button
            type="button"
            className="btn btn--primary"
            aria-disabled={verdict.state === 'checking'}
            onClick={onCheck}
          >
            {verdict.state === 'checking' ? 'Checking…' : 'Check'}
          </button>
        </div>
        <div className="exercise-block__result" role="status">
          <Result verdict={verdict} />
        </div>
        {block.solution && misses >= 2 && verdict.state !== 'passed' ? (
          <WorkedSolution solution={block.solution} />
        ) : null}
      </div>
    </section>
  );
}

/**
 * Predict, then reveal: before sending, the learner may guess what the server will answer; once
 * the response the exercise judges arrives (after the guess), the guess is compared with it.
 */
function ExercisePrediction({ block }: { block: ExerciseBlock }) {
  const runtime = useLessonRuntime();
  const [prediction, setPrediction] = useState<Prediction>({});
  const response = block.check.response;
  const judged = response?.request
    ? runtime.exchanges[response.request]
    : response?.run
      ? runtime.exchanges[checkKey(block.id)]
      : runtime.lastLearnerExchange?.exchange;
  // Only an answer that came after the guess can prove it right or wrong.
  const [before, setBefore] = useState(judged);
  const fresh = judged !== undefined && judged !== before;
  return (
    <div className="exercise-block__predict">
      <span className="muted">
        {response?.run ? 'Before you check' : 'Before you send'}: what will the server answer?
      </span>{' '}
      <PredictionPicker
        label={block.title ?? block.goal}
        value={prediction}
        onChange={(next) => {
          setPrediction(next);
          setBefore(judged);
        }}
      />
      {fresh ? (
        <PredictionVerdict
          prediction={prediction}
          facts={answerFacts(judged, runtime.serverLog(judged.requestId))}
        />
      ) : null}
    </div>
  );
}

/**
 * The lesson's worked solution, behind a button: offered once two checks did not pass. Each
 * request to send comes with its text and a button that puts it into that block.
 */
function WorkedSolution({ solution }: { solution: ExerciseSolution }) {
  const runtime = useLessonRuntime();
  const solutionPanel = useDisclosure();
  return (
    <div className="exercise-block__solution">
      <button {...solutionPanel.toggle} className="btn btn--small">
        {solutionPanel.shown ? 'Hide the worked solution' : 'Show a worked solution'}
      </button>
      <div {...solutionPanel.panel} className="exercise-solution">
        <p>{solution.explain}</p>
        {solution.steps.length > 0 ? (
          <ol className="exercise-solution__steps">
            {solution.steps.map((step, index) => {
              const title = step.requestTitle ?? step.request;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: a solution's steps are fixed by the lesson
                <li key={index}>
                  {step.text ? (
                    <>
                      <p>
                        In <a href={`#request-${step.request}`}>“{title}”</a>, send:
                      </p>
                      <pre className="exercise-solution__code">
                        <code>{step.text.source}</code>
                      </pre>
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => {
                          runtime.setDraft(step.request, step.text?.source);
                          document.getElementById(`request-${step.request}`)?.scrollIntoView({
                            block: 'center',
                          });
                        }}
                      >
                        Put it into “{title}”
                      </button>
                    </>
                  ) : (
                    <p>
                      Send <a href={`#request-${step.request}`}>“{title}”</a> again.
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
        ) : null}
      </div>
    </div>
  );
}

/**
 * The last request block before the exercise: the one that sets its scene (an expired token, a
 * token to revoke...). Lessons put the request a challenge needs right above it.
 */
function sceneRequestOf(slug: string, exercise: ExerciseBlock): string | undefined {
  const lesson = findLoadedLesson(slug);
  if (!lesson) return undefined;
  let last: string | undefined;
  let scene: string | undefined;
  let found = false;
  const visit = (nodes: MarkdownNode[]) => {
    for (const node of nodes) {
      if (found) return;
      if (node.type === 'block') {
        if (node.block.kind === 'request') last = node.block.id;
        else if (node.block.kind === 'exercise' && node.block.id === exercise.id) {
          scene = last;
          found = true;
        }
      } else if (node.type === 'blockquote' || node.type === 'callout') visit(node.children);
      else if (node.type === 'list') for (const item of node.items) visit(item.children);
    }
  };
  visit(lesson.body);
  return scene;
}

/**
 * A learner's request that may have changed what the `run` request gets: a successful call to
 * the authorization server (a new token, a revocation, a moved clock). API calls only read.
 */
function serverChange(exchange: RecordedExchange | undefined): RecordedExchange | undefined {
  if (!exchange || exchange.status < 200 || exchange.status >= 300) return undefined;
  return flowStepOf(exchange.request.url) === 'api' ? undefined : exchange;
}

function Result({ verdict }: { verdict: Verdict }) {
  switch (verdict.state) {
    case 'idle':
    case 'checking':
      return null;
    case 'passed':
      return (
        <p className="exercise-result exercise-result--passed">
          <span aria-hidden="true">✓ </span>
          {verdict.earlier
            ? 'Done! You completed this exercise earlier.'
            : 'Done! Every check passes.'}
        </p>
      );
    case 'not-yet':
      return (
        <div className="exercise-result exercise-result--not-yet">
          <p>
            <strong>Not yet.</strong>
          </p>
          <ul>
            {verdict.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      );
  }
}

/** What "done" means, in words, so the goal is testable before pressing Check. */
function CheckList({ block }: { block: ExerciseBlock }) {
  const { response, token, lab } = block.check;
  const items: { key: string; node: ReactNode }[] = [];
  if (lab) {
    items.push({
      key: 'lab',
      node: (
        <>
          the lab “{lab.id}” reports <code>{lab.outcome}</code>
          {lab.description ? `: ${lab.description}` : ''}
        </>
      ),
    });
  }
  if (token) {
    if (token.scope_includes.length > 0) {
      items.push({
        key: 'scope',
        node: (
          <>
            the token in <code>{`{{${token.variable}}}`}</code> has the scope{' '}
            <code>{token.scope_includes.join(' ')}</code>
          </>
        ),
      });
    }
    for (const [claim, value] of Object.entries(token.claims)) {
      items.push({
        key: `claim:${claim}`,
        node: (
          <>
            the token’s <code>{claim}</code> is{' '}
            <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
          </>
        ),
      });
    }
  }
  if (response) {
    const { request: _request, requestTitle: _title, run: _run, ...want } = response;
    const outcome = describeExpectation(want);
    items.push({
      key: 'response',
      node: response.run ? (
        <>
          a request the page sends for you,{' '}
          <code>
            {response.run.method} {response.run.url}
          </code>
          , gets <code>{outcome}</code>
        </>
      ) : response.request ? (
        <>
          the latest response of “{response.requestTitle ?? response.request}” is{' '}
          <code>{outcome}</code>
        </>
      ) : (
        <>
          your latest response in this lesson is <code>{outcome}</code>
        </>
      ),
    });
  }
  return (
    <div className="exercise-block__checks">
      <p className="muted">Checked automatically:</p>
      <ul>
        {items.map((item) => (
          <li key={item.key}>{item.node}</li>
        ))}
      </ul>
    </div>
  );
}
