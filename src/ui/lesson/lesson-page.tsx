import { blockKindsOf } from 'virtual:lessons';
import { startTransition, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { CompiledLesson, LessonListEntry, LessonSummary } from '../../lessons/lesson-types.ts';
import { preloadBlocks, renderFirstPaintBlock, renderLessonBlock } from '../blocks/registry.tsx';
import { MarkdownView } from '../markdown/markdown-view.tsx';
import { ConfirmDialog, type ConfirmDialogHandle } from '../shared/confirm-dialog.tsx';
import { useLessonRuntime } from '../shared/lesson-runtime-context.ts';
import { hrefFor, Link } from '../shared/router.tsx';
import {
  findLesson,
  lessonSteps,
  loadLessonBody,
  useLessonBody,
  useLessons,
} from '../shared/use-lessons.ts';
import { LessonErrorCard } from './lesson-error-card.tsx';
import { LessonRuntimeProvider } from './lesson-runtime.tsx';
import './lesson-page.css';

/**
 * Start fetching a lesson's body now: the start-up calls this for the page being opened, before
 * React renders (index.html's hint has usually fetched the chunk already). Block code is left
 * for after the lesson shows. Resolves once the body is in (at once for an unknown or broken
 * lesson, which has none); a failure is the page's to show, the promise only reports it.
 */
export function preloadLesson(slug: string): Promise<void> {
  const entry = findLesson(slug);
  if (entry?.status !== 'ok') return Promise.resolve();
  const body = loadLessonBody(entry).then(() => undefined);
  body.catch(() => undefined);
  return body;
}

/** `/lessons/:slug`: one lesson, its table of contents, progress and neighbours. */
export function LessonPage({ params }: { params: Record<string, string> }) {
  const lessons = useLessons();
  const slug = params.slug ?? '';
  const index = lessons.findIndex((l) => l.slug === slug);
  const lesson = lessons[index];

  if (!lesson) {
    return (
      <div className="page page--narrow">
        <header className="page-header">
          <p className="page-header__eyebrow">Lessons</p>
          <h1>No lesson called “{slug}”</h1>
          <p className="page-header__lead">
            It may have been renamed. <Link to="/">See all lessons</Link>.
          </p>
        </header>
      </div>
    );
  }

  const neighbours = { prev: lessons[index - 1], next: lessons[index + 1] };
  if (lesson.status === 'broken') {
    return (
      <div className="page page--narrow lesson-page">
        <header className="page-header">
          <p className="page-header__eyebrow">Lesson {index + 1}</p>
          <h1>{lesson.title}</h1>
        </header>
        <LessonErrorCard lesson={lesson} />
        <LessonPager {...neighbours} />
      </div>
    );
  }
  // Keyed by slug: moving to the next lesson starts a fresh runtime and table of contents.
  return <LoadedLesson key={lesson.slug} entry={lesson} number={index + 1} lessons={lessons} />;
}

interface LoadedLessonProps {
  entry: LessonSummary;
  number: number;
  lessons: LessonListEntry[];
}

/** Fetches the lesson's body (its own chunk), then renders it; the header shows meanwhile. */
function LoadedLesson({ entry, number, lessons }: LoadedLessonProps) {
  const body = useLessonBody(entry);
  const neighbours = { prev: lessons[number - 2], next: lessons[number] };
  if (body.status !== 'ready') {
    return (
      <div className="page page--narrow lesson-page">
        <header className="page-header">
          <p className="page-header__eyebrow">
            Lesson {number} <span aria-hidden="true">·</span> {entry.duration}
          </p>
          <h1>{entry.title}</h1>
          <p className="page-header__lead">{entry.summary}</p>
        </header>
        {body.status === 'loading' ? (
          <p className="muted" role="status">
            Loading the lesson…
          </p>
        ) : (
          <p role="alert">
            This lesson could not be loaded ({body.error.message}).{' '}
            <a href={location.href}>Reload the page</a> to try again.
          </p>
        )}
        <LessonPager {...neighbours} />
      </div>
    );
  }
  const lesson = body.lesson;
  return (
    <LessonRuntimeProvider slug={lesson.slug} lesson={lesson}>
      <LessonView lesson={lesson} number={number} lessons={lessons} {...neighbours} />
    </LessonRuntimeProvider>
  );
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Lessons link to each other as files (`./02-first-token.md#x`, which works on GitHub too). */
function useResolveHref(lessons: LessonListEntry[]) {
  return useMemo(() => {
    const byFile = new Map(lessons.map((l) => [fileName(l.file), l.slug]));
    return (href: string) => {
      const m = /^(?:\.\/)?([^/?#]+\.md)(#.*)?$/.exec(href);
      const slug = m ? byFile.get(m[1] ?? '') : undefined;
      return slug === undefined ? href : hrefFor(`/lessons/${slug}`) + (m?.[2] ?? '');
    };
  }, [lessons]);
}

/** The id of the section heading nearest above the top of the viewport. */
function useCurrentSection(ids: readonly string[]): string | undefined {
  const [current, setCurrent] = useState<string | undefined>(ids[0]);
  useEffect(() => {
    const headings = ids
      .map((id) => document.getElementById(id))
      .filter((el): el is HTMLElement => el !== null);
    if (headings.length === 0) return;
    const update = () => {
      let active = headings[0]?.id;
      for (const heading of headings) {
        if (heading.getBoundingClientRect().top < 120) active = heading.id;
      }
      setCurrent(active);
    };
    update();
    addEventListener('scroll', update, { passive: true });
    return () => removeEventListener('scroll', update);
  }, [ids]);
  return current;
}

interface LessonViewProps {
  lesson: CompiledLesson;
  number: number;
  lessons: LessonListEntry[];
  prev?: LessonListEntry | undefined;
  next?: LessonListEntry | undefined;
}

/**
 * False until the lesson body has painted once and its blocks' code has arrived: the first paint
 * shows every block as its static fallback and carries no block code; then the blocks' chunks
 * load, all kinds in one round (the kinds that wait for the mock servers too), and the blocks
 * turn interactive together, each rendered directly rather than through a Suspense round trip.
 */
function useBlocksLive(slug: string): boolean {
  const [live, setLive] = useState(false);
  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A frame, then a task: the browser has painted the body by then.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        preloadBlocks(blockKindsOf(slug)).then(() => {
          // A transition: rendering every block live is long on a slow phone, and must not hold
          // back what the learner is waiting for (an answer arriving), which interrupts it.
          if (active) startTransition(() => setLive(true));
        });
      });
    });
    return () => {
      active = false;
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [slug]);
  return live;
}

function LessonView({ lesson, number, lessons, prev, next }: LessonViewProps) {
  const runtime = useLessonRuntime();
  const blocksLive = useBlocksLive(lesson.slug);
  const resolveHref = useResolveHref(lessons);
  const steps = useMemo(() => lessonSteps(lesson), [lesson]);
  const done = steps.filter((s) => runtime.progress[s.key] === 'done').length;
  const sectionIds = useMemo(() => lesson.sections.map((s) => s.id), [lesson]);
  const current = useCurrentSection(sectionIds);
  const tocId = useId();

  // The content renders after the script runs, so the browser's own jump to #section missed it.
  useEffect(() => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);

  return (
    <div className="lesson-layout">
      <article
        className="lesson"
        aria-labelledby="lesson-title"
        data-lesson-server={runtime.lessonServerReady ? 'ready' : 'pending'}
      >
        <header className="lesson-header">
          <p className="page-header__eyebrow">
            Lesson {number} <span aria-hidden="true">·</span> {lesson.duration}
          </p>
          <h1 id="lesson-title">{lesson.title}</h1>
          <p className="page-header__lead">{lesson.summary}</p>
          <p className="lesson-header__edit">
            <Link to={`/editor?lesson=${encodeURIComponent(lesson.file)}`}>Edit this lesson</Link>
          </p>
          {steps.length > 0 ? <LessonProgress done={done} total={steps.length} /> : null}
          <LessonServerState />
        </header>
        <MarkdownView
          nodes={lesson.body}
          renderBlock={blocksLive ? renderLessonBlock : renderFirstPaintBlock}
          resolveHref={resolveHref}
        />
        <LessonPager prev={prev} next={next} />
      </article>
      {lesson.sections.length > 0 ? (
        <aside className="lesson-aside">
          <nav className="lesson-toc" aria-labelledby={tocId}>
            <h2 id={tocId} className="lesson-toc__title">
              On this page
            </h2>
            <ol>
              {lesson.sections.map((section) => (
                <li key={section.id}>
                  <a
                    href={`#${section.id}`}
                    aria-current={current === section.id ? 'location' : undefined}
                  >
                    {section.title}
                  </a>
                </li>
              ))}
            </ol>
            {steps.length > 0 ? (
              <div className="lesson-toc__progress">
                <p>
                  <strong>
                    {done}/{steps.length}
                  </strong>{' '}
                  steps done
                </p>
                <StartOverButton title={lesson.title} onConfirm={() => runtime.reset()} />
              </div>
            ) : null}
          </nav>
        </aside>
      ) : null}
    </div>
  );
}

/**
 * Where the lesson's server stands: being set up (or set up again), what stopped a set-up, and,
 * when the server moved since the learner's last step, what moved and the way back.
 */
function LessonServerState() {
  const runtime = useLessonRuntime();
  const { settingUp, setUpError, drift } = runtime;
  if (settingUp) {
    return (
      <p className="lesson-server-state muted" role="status">
        <span className="spinner" aria-hidden="true" />{' '}
        {settingUp.total === 0
          ? 'Setting up this lesson’s server…'
          : `Setting this lesson up again: step ${Math.min(settingUp.done + 1, settingUp.total)} of ${settingUp.total}…`}
      </p>
    );
  }
  if (setUpError) {
    return (
      <div className="callout callout--danger lesson-server-state" role="alert">
        <p>{setUpError}</p>
        <p>
          <button type="button" className="btn btn--small" onClick={() => void runtime.replay()}>
            Try again
          </button>
        </p>
      </div>
    );
  }
  if (drift.length === 0) return null;
  return (
    <div className="callout callout--warning lesson-server-state" role="status">
      <p className="callout__title">The server has moved since your last step</p>
      <p>
        Since then, {drift.join('; ')}. Steps you already did may now answer differently from what
        the lesson says.
      </p>
      <p>
        <button type="button" className="btn btn--small" onClick={() => void runtime.replay()}>
          Set this lesson up again
        </button>{' '}
        <span className="muted">
          It sets the server up as the lesson starts and sends the steps you did again, in order.
        </span>
      </p>
    </div>
  );
}

/** "Start this lesson over", after a confirmation: it forgets the learner's work here. */
function StartOverButton({ title, onConfirm }: { title: string; onConfirm: () => void }) {
  const dialog = useRef<ConfirmDialogHandle>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn--small btn--ghost"
        onClick={() => dialog.current?.open()}
      >
        Start this lesson over
      </button>
      <ConfirmDialog
        ref={dialog}
        title={`Start “${title}” over?`}
        confirmLabel="Start over"
        onConfirm={onConfirm}
      >
        Your progress, saved values and edited requests in this lesson are forgotten, and its server
        is set up again as the lesson starts. Other lessons, and clients you added, stay.
      </ConfirmDialog>
    </>
  );
}

function LessonProgress({ done, total }: { done: number; total: number }) {
  const complete = done === total;
  return (
    <div className="lesson-progress">
      <progress value={done} max={total} aria-label="Lesson progress" />
      <p className="lesson-progress__text">
        {complete ? (
          <span className="badge badge--success">Complete</span>
        ) : (
          <span>
            <strong>{done}</strong> of {total} steps done
          </span>
        )}
      </p>
    </div>
  );
}

function LessonPager({
  prev,
  next,
}: {
  prev?: LessonListEntry | undefined;
  next?: LessonListEntry | undefined;
}) {
  if (!prev && !next) return null;
  return (
    <nav className="lesson-pager" aria-label="Lessons">
      {prev ? (
        <Link to={`/lessons/${prev.slug}`} className="lesson-pager__link" rel="prev">
          <span className="lesson-pager__dir">← Previous</span>
          <span className="lesson-pager__title">{prev.title}</span>
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link
          to={`/lessons/${next.slug}`}
          className="lesson-pager__link lesson-pager__link--next"
          rel="next"
        >
          <span className="lesson-pager__dir">Next →</span>
          <span className="lesson-pager__title">{next.title}</span>
        </Link>
      ) : (
        <Link to="/" className="lesson-pager__link lesson-pager__link--next">
          <span className="lesson-pager__dir">Done →</span>
          <span className="lesson-pager__title">Back to all lessons</span>
        </Link>
      )}
    </nav>
  );
}
