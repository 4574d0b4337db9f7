// First: before any module that builds a zod schema.
import './zod-jitless.ts';
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { signClientAssertion } from '../../client/token-request.ts';
import { checkAuthoring } from '../../lessons/check/authoring-checks.ts';
import { checkLessonLive, type LiveCheckResult } from '../../lessons/check/live-check.ts';
import { compileLesson } from '../../lessons/compile-lesson.ts';
import type { CompiledLesson, LessonDiagnostic } from '../../lessons/lesson-types.ts';
import { renderLessonBlock } from '../blocks/registry.tsx';
import { LessonRuntimeProvider } from '../lesson/lesson-runtime.tsx';
import { MarkdownView } from '../markdown/markdown-view.tsx';
import { downloadText } from '../shared/download-text.ts';
import { useLessonRuntime } from '../shared/lesson-runtime-context.ts';
import { useMockServerStatus } from '../shared/mock-server-context.tsx';
import { hrefFor, Link } from '../shared/router.tsx';
import { useLessons } from '../shared/use-lessons.ts';
import { browserDrafts, type StoredDraft } from './drafts.ts';
import {
  baseName,
  type EditorDocument,
  type SharedAnswer,
  type SharedConflict,
  type Start,
  startDocument,
  type Workspace,
} from './editor-workspace.ts';
import { LESSON_FILES, loadLessonSource } from './lesson-sources.ts';
import { decodeDraft, hasSharedDraft } from './share-link.ts';
import { SourceEditor, type SourceEditorHandle } from './source-editor.tsx';
import { useEditorDocument, useEditorStart } from './use-editor.ts';
import '../lesson/lesson-page.css';
import './editor.css';

/** The page's workspace: drafts in localStorage, the lessons this build ships. */
const workspace: Workspace = {
  drafts: browserDrafts,
  lessonFiles: LESSON_FILES,
  loadShipped: loadLessonSource,
};

/** The address without the shared draft: the link has been opened (or declined). */
const dropSharedLink = () =>
  history.replaceState(null, '', `${location.pathname}${location.search}`);

/** Where the editor starts, from the address: a shared link, `?lesson=<file>`, or neither. */
async function initialDocument(): Promise<Start> {
  const shared = hasSharedDraft(location.hash) ? await decodeDraft(location.hash) : undefined;
  const start = await startDocument(workspace, {
    ...(shared && { shared }),
    lesson: new URLSearchParams(location.search).get('lesson'),
  });
  // Opened: the link leaves the address. (Asked: it stays until they answer, so a reload asks.)
  if ('doc' in start && start.fromLink) dropSharedLink();
  return start;
}

/** Put the open file in the address, so a reload opens it again. */
const showFileInAddress = (file: string) =>
  history.replaceState(null, '', `${hrefFor('/editor')}?lesson=${encodeURIComponent(file)}`);

interface Compiled {
  diagnostics: LessonDiagnostic[];
  lesson?: CompiledLesson;
}

function compile(source: string, file: string): Compiled {
  const result = compileLesson(source, file);
  if (!result.ok) return { diagnostics: [...result.errors, ...result.warnings] };
  const diagnostics = [...result.lesson.diagnostics, ...checkAuthoring(result.lesson, source)];
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { diagnostics, lesson: result.lesson };
}

/** `/editor`: edit a lesson's markdown beside a live preview rendered by the lesson engine. */
export function EditorPage() {
  // A share link pasted into this tab's address bar changes only the hash: open it as well.
  const [linksOpened, setLinksOpened] = useState(0);
  useEffect(() => {
    const onHashChange = () => {
      if (hasSharedDraft(location.hash)) setLinksOpened((n) => n + 1);
    };
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);
  const { state, opened, answer, openFirst } = useEditorStart(
    workspace,
    initialDocument,
    linksOpened,
  );

  return (
    <div className="page editor-page">
      <header className="page-header">
        <p className="page-header__eyebrow">For instructors</p>
        <h1>Lesson editor</h1>
        <p className="page-header__lead">
          Edit a lesson's markdown and see it as learners will, blocks and all: the preview sends
          real requests to the mock servers. Drafts stay in this browser. When it reads well,
          download the file into <code>lessons/</code> and run <code>npm run lessons:check</code>.
        </p>
      </header>
      {state.status === 'loading' ? (
        <p className="muted" role="status">
          Opening the editor…
        </p>
      ) : state.status === 'failed' ? (
        <div className="editor-failed" role="alert">
          <p>{state.message}</p>
          <p>
            <button
              type="button"
              className="btn"
              onClick={() => {
                history.replaceState(null, '', location.pathname);
                void openFirst();
              }}
            >
              Open the first lesson instead
            </button>
          </p>
        </div>
      ) : state.status === 'asking' ? (
        <SharedDraftQuestion
          conflict={state.conflict}
          onAnswer={(choice) => {
            dropSharedLink();
            answer(choice);
          }}
        />
      ) : (
        <Editor
          key={state.doc.file}
          initial={state.doc}
          notice={state.notice}
          replaced={state.replaced}
          onOpen={opened}
        />
      )}
    </div>
  );
}

/** Asked when a shared link carries another version of a file the learner has a draft of. */
function SharedDraftQuestion({
  conflict,
  onAnswer,
}: {
  conflict: SharedConflict;
  onAnswer(answer: SharedAnswer): void;
}) {
  const id = useId();
  const { shared, mine } = conflict;
  return (
    <section className="editor-question" role="alertdialog" aria-labelledby={id}>
      <h2 id={id}>This link carries another version of {shared.file}</h2>
      <p>
        You have your own draft of that file, last edited {new Date(mine.savedAt).toLocaleString()}.
        Opening the link as it is would replace it.
      </p>
      <div className="editor-question__choices">
        <button type="button" className="btn btn--primary" onClick={() => onAnswer('copy')}>
          Keep both: open it as a copy
        </button>
        <button type="button" className="btn" onClick={() => onAnswer('replace')}>
          Replace my draft (you can undo)
        </button>
        <button type="button" className="btn btn--ghost" onClick={() => onAnswer('keep')}>
          Keep my draft, ignore the link
        </button>
      </div>
    </section>
  );
}

interface EditorProps {
  initial: EditorDocument;
  notice: string | undefined;
  /** The learner's draft a shared link replaced (they asked for it): Undo brings it back. */
  replaced?: StoredDraft | undefined;
  onOpen(doc: EditorDocument, notice?: string): void;
}

function Editor({ initial, notice, replaced, onOpen }: EditorProps) {
  const file = useEditorDocument(workspace, {
    initial,
    notice,
    replaced,
    onOpen,
    onFileShown: showFileInAddress,
  });
  const { doc, setStatus } = file;
  const editor = useRef<SourceEditorHandle>(null);
  const lessons = useLessons();
  const ids = { source: useId(), problems: useId(), picker: useId(), share: useId() };

  const deferredSource = useDeferredValue(doc.source);
  const compiled = useMemo(() => compile(deferredSource, doc.file), [deferredSource, doc.file]);
  // The last version that compiled stays in the preview while the text has errors (state
  // adjusted during render, as React recommends for values derived from the previous render).
  const [lastGood, setLastGood] = useState(compiled.lesson);
  if (compiled.lesson && compiled.lesson !== lastGood) setLastGood(compiled.lesson);
  const preview = compiled.lesson ?? lastGood;
  const [live, setLive] = useState<
    { state: 'running' } | { state: 'done'; source: string; result: LiveCheckResult }
  >();
  const liveCurrent = live?.state === 'done' && live.source === doc.source ? live : undefined;
  const diagnostics = liveCurrent
    ? [...compiled.diagnostics, ...liveCurrent.result.diagnostics].sort(
        (a, b) => a.line - b.line || a.column - b.column,
      )
    : compiled.diagnostics;
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
  const mock = useMockServerStatus();

  /** What `npm run lessons:check` does live, against this page's mock servers. */
  const runLive = async () => {
    const lesson = compiled.lesson;
    if (mock.state !== 'ready' || !lesson) return;
    const server = mock.server;
    const source = deferredSource;
    setLive({ state: 'running' });
    try {
      await server.admin.reset();
      const result = await checkLessonLive(lesson, source, {
        fetch: async (request) =>
          (await server.handle(request)) ??
          new Response('{"error":"not_found"}', {
            status: 404,
            headers: { 'content-type': 'application/json' },
          }),
        serverLog: (requestId) => server.admin.log().find((entry) => entry.id === requestId),
        signDpopProof: async (key, input) => {
          const dpop = await import('../../client/dpop.ts');
          return dpop.signDpopProof(await dpop.getDpopKey(key), input);
        },
        signAssertion: async (clientId, shape) => {
          // As the lesson page signs: with the key pair this page made for signing-client.
          const key = await import('../../client/signing-client-key.ts');
          if (clientId !== key.SIGNING_CLIENT_ID) return undefined;
          return signClientAssertion(
            clientId,
            server.options.issuer,
            await key.getSigningClientPrivateJwk(),
            { ...(shape && { shape }) },
          );
        },
        // Code exercises run in the sandbox worker a learner's code runs in (an endless loop in
        // the draft is stopped there, with a message), loaded only when a lesson has one.
        checkCode: async (block, send) => {
          const [{ checkCodeExercise }, { runInSandbox }] = await Promise.all([
            import('../../lessons/check/code-check.ts'),
            import('../../lessons/code/run-in-worker.ts'),
          ]);
          return checkCodeExercise(block, async (code) => {
            const run = await runInSandbox(
              { lang: block.lang, code, tests: block.tests },
              { send },
            );
            return run.report;
          });
        },
      });
      setLive({ state: 'done', source, result });
      const n = result.diagnostics.length;
      setStatus(
        `Ran the lesson against the mock servers (reset first): ${result.sent} ${result.sent === 1 ? 'request' : 'requests'} sent, ${result.checked} ${result.checked === 1 ? 'expectation' : 'expectations'} checked, ${n === 0 ? 'no problems' : n === 1 ? '1 problem' : `${n} problems`}.`,
      );
    } catch (error) {
      setLive(undefined);
      setStatus(`The live run failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const titles = useMemo(() => new Map(lessons.map((l) => [l.file, l.title])), [lessons]);

  const download = () => {
    const file_ = file.download();
    if (!file_) return;
    downloadText(file_.name, file_.source, 'text/markdown');
  };

  const { edited, share, undoable, files } = file;
  const slug = preview?.slug;
  const liveLesson = slug
    ? lessons.find((l) => l.file === doc.file && l.status === 'ok')
    : undefined;

  return (
    <>
      <div className="editor-toolbar" role="toolbar" aria-label="Lesson file">
        <div className="editor-toolbar__field">
          <label htmlFor={ids.picker}>Lesson</label>
          <select
            id={ids.picker}
            className="input-compact"
            value={doc.file}
            onChange={(event) => void file.open(event.target.value)}
          >
            {files.map((file) => (
              <option key={file} value={file}>
                {baseName(file)}
                {titles.get(file) ? ` — ${titles.get(file)}` : ' (new)'}
              </option>
            ))}
          </select>
        </div>
        {doc.shipped === undefined ? (
          <FileNameField file={doc.file} onRename={file.rename} />
        ) : null}
        <div className="editor-toolbar__actions">
          <button type="button" className="btn btn--small" onClick={file.newLesson}>
            New lesson
          </button>
          <button type="button" className="btn btn--small" onClick={download}>
            Download .md
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => void runLive()}
            disabled={mock.state !== 'ready' || !compiled.lesson || live?.state === 'running'}
            title="Send every request of the lesson to the mock servers, as npm run lessons:check does (resets them first)"
          >
            {live?.state === 'running' ? 'Running…' : 'Run every request'}
          </button>
          <button
            type="button"
            className="btn btn--small btn--primary"
            onClick={() =>
              void file.makeShareLink(`${location.origin}${hrefFor('/editor')}`, (text) =>
                navigator.clipboard.writeText(text),
              )
            }
          >
            Share link
          </button>
          {doc.shipped !== undefined ? (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              onClick={file.revert}
              disabled={!edited}
            >
              Revert to shipped
            </button>
          ) : (
            <button type="button" className="btn btn--small btn--ghost" onClick={file.discard}>
              Discard draft
            </button>
          )}
        </div>
      </div>
      <p className="editor-status" role="status">
        <span className={`badge ${edited ? 'badge--accent' : ''}`}>
          {edited ? 'Draft' : 'As shipped'}
        </span>{' '}
        {file.status ??
          (edited ? 'Your draft is kept in this browser.' : 'Edit the text: the preview follows.')}
        {liveLesson ? (
          <>
            {' '}
            <Link to={`/lessons/${liveLesson.slug}`}>Open the shipped lesson</Link>
          </>
        ) : null}
        {undoable ? (
          <>
            {' '}
            <button type="button" className="btn btn--small" onClick={file.undoReplace}>
              Undo: bring back my draft
            </button>
          </>
        ) : null}
      </p>
      {share ? (
        <div className="editor-share">
          <label htmlFor={ids.share}>Share link</label>
          <input
            id={ids.share}
            className="input-compact"
            type="url"
            readOnly
            value={share}
            onFocus={(event) => event.currentTarget.select()}
          />
        </div>
      ) : null}
      <div className="editor-layout">
        <section className="editor-pane" aria-labelledby={`${ids.source}-label`}>
          <h2 className="editor-pane__title" id={`${ids.source}-label`}>
            <label htmlFor={ids.source}>Markdown</label> <span className="muted">{doc.file}</span>
          </h2>
          <SourceEditor
            ref={editor}
            id={ids.source}
            value={doc.source}
            onChange={file.edit}
            diagnostics={diagnostics}
            describedBy={ids.problems}
          />
          <Problems
            id={ids.problems}
            diagnostics={diagnostics}
            liveChecked={liveCurrent !== undefined}
            onJump={(d) => editor.current?.jumpTo(d.line, d.column)}
          />
        </section>
        <section className="editor-pane editor-preview" aria-labelledby={`${ids.source}-preview`}>
          <h2 className="editor-pane__title" id={`${ids.source}-preview`}>
            Preview
          </h2>
          {errors > 0 ? (
            <p className="notice notice--warning" role="note">
              {preview
                ? `The lesson has ${errors === 1 ? 'an error' : `${errors} errors`}: the preview shows the last version that compiled.`
                : 'The lesson does not compile yet: fix the problems listed under the text.'}
            </p>
          ) : null}
          {preview ? (
            <LessonRuntimeProvider
              key={preview.slug}
              slug={`editor~${preview.slug}`}
              lesson={preview}
            >
              <Preview lesson={preview} stale={errors > 0} />
            </LessonRuntimeProvider>
          ) : null}
        </section>
      </div>
    </>
  );
}

function FileNameField({ file, onRename }: { file: string; onRename(file: string): boolean }) {
  const [value, setValue] = useState(file);
  const [error, setError] = useState<string>();
  const id = useId();
  const commit = () => {
    if (value === file) return;
    if (onRename(value)) setError(undefined);
    else
      setError(
        'Use lessons/NN-slug.md (lower case, digits and dashes), not a shipped lesson’s name.',
      );
  };
  return (
    <div className="editor-toolbar__field">
      <label htmlFor={id}>File name</label>
      <input
        id={id}
        className="input-compact"
        value={value}
        spellCheck={false}
        onChange={(event) => setValue(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <span id={`${id}-error`} className="editor-toolbar__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function Problems({
  id,
  diagnostics,
  liveChecked,
  onJump,
}: {
  id: string;
  diagnostics: LessonDiagnostic[];
  liveChecked: boolean;
  onJump(d: LessonDiagnostic): void;
}) {
  if (diagnostics.length === 0) {
    return (
      <p id={id} className="editor-problems editor-problems--none">
        {liveChecked ? (
          'No problems: the lesson compiles, and every request got the answer the lesson expects.'
        ) : (
          <>
            No problems: the lesson compiles. “Run every request” (or{' '}
            <code>npm run lessons:check</code>) also checks what the servers answer.
          </>
        )}
      </p>
    );
  }
  return (
    <div id={id} className="editor-problems">
      <h3 className="editor-problems__title">
        {diagnostics.length} {diagnostics.length === 1 ? 'problem' : 'problems'}
      </h3>
      <ul>
        {diagnostics.map((d) => (
          <li key={`${d.line}:${d.column}:${d.message}`}>
            <button
              type="button"
              className={`editor-problem is-${d.severity}`}
              onClick={() => onJump(d)}
            >
              <span className="editor-problem__where">
                Line {d.line}:{d.column}
              </span>{' '}
              {d.severity === 'warning' ? 'Warning: ' : ''}
              {d.message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Preview({ lesson, stale }: { lesson: CompiledLesson; stale: boolean }) {
  const runtime = useLessonRuntime();
  const lessons = useLessons();
  const resolveHref = useCallback(
    (href: string) => {
      const m = /^(?:\.\/)?([^/?#]+\.md)(#.*)?$/.exec(href);
      const target = m ? lessons.find((l) => baseName(l.file) === m[1]) : undefined;
      return target ? hrefFor(`/lessons/${target.slug}`) + (m?.[2] ?? '') : href;
    },
    [lessons],
  );
  return (
    <article
      className="lesson editor-preview__lesson"
      data-stale={stale || undefined}
      aria-label={`Preview: ${lesson.title}`}
    >
      <header className="lesson-header">
        <p className="page-header__eyebrow">
          Preview <span aria-hidden="true">·</span> {lesson.duration}
        </p>
        <p className="editor-preview__title">{lesson.title}</p>
        <p className="page-header__lead">{lesson.summary}</p>
        <p>
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={() => runtime.reset()}
          >
            Start the preview over
          </button>
        </p>
      </header>
      <MarkdownView nodes={lesson.body} renderBlock={renderLessonBlock} resolveHref={resolveHref} />
    </article>
  );
}
