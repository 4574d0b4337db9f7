import { loadCodeSolution } from 'virtual:lessons';
import { type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { EXERCISE_FILE, TESTS_FILE } from '../../../lessons/code/files.ts';
import type { RunProgress, TestResult } from '../../../lessons/code/harness.ts';
import { runInSandbox, type SandboxRun } from '../../../lessons/code/run-in-worker.ts';
import type { CodeExerciseBlock, CodeExerciseSolution } from '../../../lessons/lesson-types.ts';
import { CodeBlock, codeLabel } from '../../markdown/code-block.tsx';
import type { BlockProps } from '../../shared/block-props.ts';
import { CardHeader } from '../../shared/card-header.tsx';
import { Fact } from '../../shared/fact.tsx';
import { useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { ExerciseBrief } from '../exercise-brief.tsx';
import { CodeEditor, type EditorMark } from './code-editor.tsx';
import './code-exercise-block.css';

/** Failed runs before the reference solution is offered. */
const RUNS_BEFORE_SOLUTION = 2;

type RunState =
  | { state: 'idle' }
  | { state: 'running'; index: number; total?: number; name?: string }
  | { state: 'done'; run: SandboxRun };

/** `inline code` in backticks, as the lesson wrote the goal. */
function withInlineCode(text: string): ReactNode[] {
  return text.split(/(`[^`]+`)/).map((part, index) =>
    part.startsWith('`') && part.endsWith('`') && part.length > 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the goal's parts are fixed by the lesson
      <code key={index}>{part.slice(1, -1)}</code>
    ) : (
      part
    ),
  );
}

function passedAll(run: SandboxRun): boolean {
  return !run.report.problem && run.report.tests.length > 0 && run.report.tests.every((t) => t.ok);
}

/** What to mark in the editor: problems and failed tests located in the learner's code. */
function marksOf(run: SandboxRun | undefined): EditorMark[] {
  if (!run) return [];
  const marks: EditorMark[] = [];
  const { problem, tests } = run.report;
  if (problem?.file === EXERCISE_FILE) marks.push({ line: problem.line, message: problem.message });
  for (const test of tests) {
    if (!test.ok && test.at?.file === EXERCISE_FILE) {
      marks.push({
        line: test.at.line,
        message: `“${test.name}” failed here: ${test.message ?? ''}`,
      });
    }
  }
  return marks;
}

/**
 * A code exercise: the learner edits a module in the editor and runs the lesson's tests against
 * the mock servers in a sandbox worker. Passing them all completes the step; after two failed
 * runs, the reference solution may be loaded (it is not in the page until then).
 */
export function CodeExerciseBlockView({ block }: BlockProps<'code-exercise'>) {
  const runtime = useLessonRuntime();
  const stored = runtime.drafts[block.id];
  const [code, setShownCode] = useState(() => stored ?? block.starter);
  // Whether the code on screen is the learner's doing (typed, reset, the solution put in) rather
  // than what the lesson's store held when the block appeared.
  const edited = useRef(false);
  const setCode = useCallback((next: string) => {
    edited.current = true;
    setShownCode(next);
  }, []);
  // The store can answer after the block appears (a prerendered page hydrates with nothing
  // stored, then reads this browser's storage), and another tab can save or start over: until
  // the learner edits here, show what is stored. Never write the starter over stored code.
  const lastStored = useRef(stored);
  useEffect(() => {
    if (stored === lastStored.current) return;
    lastStored.current = stored;
    if (!edited.current || stored === undefined) {
      edited.current = false;
      setShownCode(stored ?? block.starter);
    }
  }, [stored, block.starter]);
  const [run, setRun] = useState<RunState>({ state: 'idle' });
  const [failedRuns, setFailedRuns] = useState(0);
  const [focusLine, setFocusLine] = useState<{ line: number; seq: number }>();
  const done = runtime.progress[block.id] === 'done';
  const headingId = useId();
  const fileName = EXERCISE_FILE.replace('.ts', `.${block.lang}`);
  const help = `${block.lang === 'ts' ? 'TypeScript (types are stripped, not checked). ' : ''}Tab indents; Escape then Tab moves on; Ctrl+Enter runs the tests.`;
  const runtimeRef = useRef(runtime);
  runtimeRef.current = runtime;
  const codeRef = useRef(code);
  codeRef.current = code;

  // Keep the learner's code across reloads, like an edited request (the lesson's drafts).
  useEffect(() => {
    if (!edited.current) return;
    const timer = setTimeout(() => {
      const current = runtimeRef.current.drafts[block.id];
      const next = code === block.starter ? undefined : code;
      if (current !== next) {
        lastStored.current = next;
        runtimeRef.current.setDraft(block.id, next);
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [code, block.id, block.starter]);

  const runTests = useCallback(async () => {
    if (run.state === 'running') return;
    setRun({ state: 'running', index: 0 });
    const onProgress = (event: RunProgress) => {
      if (event.type === 'test-start') {
        setRun({ state: 'running', index: event.index, total: event.total, name: event.name });
      }
    };
    const result = await runInSandbox(
      { lang: block.lang, code: codeRef.current, tests: block.tests },
      { send: (request) => fetch(request), onProgress },
    );
    setRun({ state: 'done', run: result });
    if (passedAll(result)) {
      runtimeRef.current.setProgress(block.id, 'done');
    } else {
      setFailedRuns((n) => n + 1);
      if (runtimeRef.current.progress[block.id] !== 'done') {
        runtimeRef.current.setProgress(block.id, 'failed');
      }
    }
  }, [run.state, block.id, block.lang, block.tests]);

  const last = run.state === 'done' ? run.run : undefined;
  const marks = useMemo(() => marksOf(last), [last]);
  const goTo = (line: number) => setFocusLine((f) => ({ line, seq: (f?.seq ?? 0) + 1 }));

  return (
    <section
      className={`card code-exercise ${done ? 'code-exercise--passed' : ''}`}
      aria-labelledby={headingId}
      id={`code-${block.id}`}
      data-code-exercise-id={block.id}
    >
      <CardHeader
        headingId={headingId}
        kind="Code exercise"
        title={block.title ?? 'Write it yourself'}
      >
        {done ? <span className="badge badge--success">✓ Done</span> : null}
      </CardHeader>
      <div className="card__body code-exercise__body">
        <ExerciseBrief
          goal={withInlineCode(block.goal)}
          hint={block.hint ? withInlineCode(block.hint) : undefined}
        />
        <div className="code-exercise__editor">
          <div className="code-exercise__editor-head">
            <span className="code-exercise__label" aria-hidden="true">
              Your code, <code>{fileName}</code>
            </span>
            <span className="code-exercise__help muted" aria-hidden="true">
              {help}
            </span>
          </div>
          <CodeEditor
            value={code}
            lang={block.lang}
            onChange={setCode}
            onRun={() => void runTests()}
            marks={marks}
            label={`Your code, ${fileName}`}
            description={help}
            {...(focusLine && { focusLine })}
          />
        </div>
        <div className="code-exercise__actions">
          <button
            type="button"
            className="btn btn--primary"
            aria-disabled={run.state === 'running'}
            onClick={() => void runTests()}
          >
            {run.state === 'running' ? 'Running…' : 'Run tests'}
          </button>
          <button
            type="button"
            className="btn btn--ghost"
            disabled={code === block.starter}
            onClick={() => setCode(block.starter)}
          >
            Start over from the starter
          </button>
        </div>
        <div className="code-exercise__status" role="status">
          <RunSummary run={run} />
        </div>
        {last ? <RunReportView run={last} block={block} onGoTo={goTo} /> : null}
        <details className="code-exercise__tests">
          <summary>
            The tests, <code>{TESTS_FILE.replace('.ts', `.${block.lang}`)}</code>: they are the
            exercise’s exact spec
          </summary>
          <CodeBlock label={codeLabel(block.lang)}>
            <code className={`language-${block.lang}`}>{block.tests}</code>
          </CodeBlock>
        </details>
        {failedRuns >= RUNS_BEFORE_SOLUTION && !done ? (
          <ReferenceSolution block={block} slug={runtime.slug} onUse={setCode} />
        ) : null}
      </div>
    </section>
  );
}

function RunSummary({ run }: { run: RunState }) {
  if (run.state === 'idle') return null;
  if (run.state === 'running') {
    return (
      <p>
        {run.total === undefined
          ? 'Starting the sandbox…'
          : `Running test ${run.index + 1} of ${run.total}: ${run.name}…`}
      </p>
    );
  }
  const { report, stopped } = run.run;
  const passed = report.tests.filter((t) => t.ok).length;
  if (stopped) {
    return (
      <p className="code-exercise__verdict code-exercise__verdict--failed">
        Stopped after {stopped.afterMs / 1000} s{stopped.test ? ` in “${stopped.test}”` : ''}: the
        code did not finish. {passed} of {report.tests.length} tests pass.
      </p>
    );
  }
  if (report.problem) {
    return (
      <p className="code-exercise__verdict code-exercise__verdict--failed">
        No test ran: the code has a problem (below).
      </p>
    );
  }
  return passedAll(run.run) ? (
    <p className="code-exercise__verdict code-exercise__verdict--passed">
      <span aria-hidden="true">✓ </span>All {report.tests.length} tests pass. Done!
    </p>
  ) : (
    <p className="code-exercise__verdict code-exercise__verdict--failed">
      {passed} of {report.tests.length} tests pass.
    </p>
  );
}

/** Where a failure is: a button to the line in the learner's code, or the line of the tests. */
function Where({ at, onGoTo }: { at: TestResult['at']; onGoTo(line: number): void }) {
  if (!at) return null;
  return at.file === EXERCISE_FILE ? (
    <button type="button" className="btn btn--small btn--link" onClick={() => onGoTo(at.line)}>
      Go to line {at.line} of your code
    </button>
  ) : (
    <span className="muted">At line {at.line} of the tests.</span>
  );
}

function RunReportView({
  run,
  block,
  onGoTo,
}: {
  run: SandboxRun;
  block: CodeExerciseBlock;
  onGoTo(line: number): void;
}) {
  const { problem, tests } = run.report;
  return (
    <div className="code-exercise__report">
      {problem ? (
        <div className="code-exercise__problem" role="alert">
          <p>
            <strong>
              {problem.file === EXERCISE_FILE ? 'Your code' : 'The tests'}, line {problem.line}
              {problem.column === undefined ? '' : `:${problem.column}`}:
            </strong>{' '}
            {problem.message}
          </p>
          {problem.file === EXERCISE_FILE && !run.stopped ? (
            <Where at={{ file: EXERCISE_FILE, line: problem.line }} onGoTo={onGoTo} />
          ) : null}
        </div>
      ) : null}
      {tests.length > 0 ? (
        <ol className="code-results" aria-label={`Test results of ${block.title ?? block.id}`}>
          {tests.map((test, index) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: tests may share a name; the order is the run's
              key={index}
              className={`inset code-result code-result--${test.ok ? 'passed' : 'failed'}`}
            >
              <p className="code-result__name">
                <span aria-hidden="true" className="code-result__icon">
                  {test.ok ? '✓' : '✗'}
                </span>
                <span className="visually-hidden">{test.ok ? 'Passed: ' : 'Failed: '}</span>
                {test.name}
              </p>
              {test.ok ? null : (
                <div className="code-result__detail">
                  {test.expected !== undefined ? (
                    <dl className="code-result__values">
                      <Fact term="Checked" value={test.label} show={(l) => l} />
                      <dt>Expected</dt>
                      <dd>
                        <code>{test.expected}</code>
                      </dd>
                      <dt>Got</dt>
                      <dd>
                        <code>{test.got}</code>
                      </dd>
                    </dl>
                  ) : null}
                  {test.expected === undefined ? <p>{test.message}</p> : null}
                  <Where at={test.at} onGoTo={onGoTo} />
                </div>
              )}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

/**
 * The reference solution, fetched only when asked for: it is a module of its own in the build
 * (plugins/lessons.ts), so the lesson's page and body never held it.
 */
function ReferenceSolution({
  block,
  slug,
  onUse,
}: {
  block: CodeExerciseBlock;
  slug: string;
  onUse(code: string): void;
}) {
  const [solution, setSolution] = useState<CodeExerciseSolution | { error: string }>();
  const [loading, setLoading] = useState(false);
  const show = async () => {
    setLoading(true);
    try {
      // A lesson compiled in the page (the editor's preview) still holds its solution.
      setSolution(block.solution ?? (await loadCodeSolution(slug, block.id)));
    } catch (error) {
      setSolution({ error: error instanceof Error ? error.message : String(error) });
    } finally {
      setLoading(false);
    }
  };
  if (!solution) {
    return (
      <div className="code-exercise__solution">
        <p className="muted">Stuck after {RUNS_BEFORE_SOLUTION} runs? Compare with ours.</p>
        <button
          type="button"
          className="btn btn--small"
          aria-disabled={loading}
          onClick={() => void show()}
        >
          {loading ? 'Loading…' : 'Show the reference solution'}
        </button>
      </div>
    );
  }
  if ('error' in solution) {
    return (
      <p className="code-exercise__solution" role="alert">
        The reference solution could not be loaded: {solution.error}
      </p>
    );
  }
  return (
    <section className="code-exercise__solution" aria-label="Reference solution">
      <p>
        <strong>Reference solution.</strong> {solution.explain ?? ''}
      </p>
      <CodeBlock label={codeLabel(block.lang)}>
        <code className={`language-${block.lang}`}>{solution.code}</code>
      </CodeBlock>
      <button type="button" className="btn btn--small" onClick={() => onUse(solution.code)}>
        Put it in the editor
      </button>
    </section>
  );
}
