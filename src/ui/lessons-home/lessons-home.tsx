import type { BrokenLesson, LessonSummary } from '../../lessons/lesson-types.ts';
import { Link } from '../shared/router.tsx';
import { summarizeProgress, useLessons, useStoredProgress } from '../shared/use-lessons.ts';
import '../lesson/lesson-page.css';
import './lessons-home.css';

/** `/`: every lesson in order, with its length and the learner's progress. */
export function LessonsHome() {
  const lessons = useLessons();
  return (
    <div className="page lessons-home">
      <header className="page-header lessons-home__header">
        <p className="page-header__eyebrow">OAuth 2.0 · client credentials</p>
        <h1>Learn machine-to-machine auth by doing it</h1>
        <p className="page-header__lead">
          Get tokens from an authorization server that behaves like the real thing, call a protected
          API, break every rule on purpose and read why the server said no. Everything runs in this
          tab.
        </p>
        <p className="lessons-home__edit">
          Teaching? <Link to="/editor">Write or edit a lesson</Link> in the lesson editor.
        </p>
      </header>
      {lessons.length === 0 ? (
        <p className="muted">
          No lessons yet: add a markdown file to <code>lessons/</code>.
        </p>
      ) : (
        <ol className="lesson-cards">
          {lessons.map((lesson, index) => (
            <li key={lesson.slug}>
              {lesson.status === 'ok' ? (
                <LessonCard lesson={lesson} number={index + 1} />
              ) : (
                <BrokenLessonCard lesson={lesson} number={index + 1} />
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function LessonCard({ lesson, number }: { lesson: LessonSummary; number: number }) {
  const progress = useStoredProgress(lesson.slug);
  const { done, total } = summarizeProgress(lesson, progress);
  const complete = total > 0 && done === total;
  const state = complete ? 'Complete' : done > 0 ? 'In progress' : undefined;
  return (
    <article className="lesson-card" data-complete={complete || undefined}>
      <div className="lesson-card__number" aria-hidden="true">
        {complete ? '✓' : number}
      </div>
      <div className="lesson-card__main">
        <LessonCardTitle slug={lesson.slug} title={lesson.title} number={number} />
        <p className="lesson-card__summary">{lesson.summary}</p>
        <div className="lesson-card__meta">
          <span className="badge">{lesson.duration}</span>
          {state ? (
            <span className={`badge ${complete ? 'badge--success' : 'badge--accent'}`}>
              {state}
            </span>
          ) : null}
          {total > 0 ? (
            <span className="lesson-card__progress">
              <progress value={done} max={total} aria-label={`${lesson.title}: progress`} />
              <span>
                {done}/{total} steps
              </span>
            </span>
          ) : null}
        </div>
      </div>
    </article>
  );
}

/** A lesson card's heading: the whole card's link, its number said to screen readers. */
function LessonCardTitle({ slug, title, number }: { slug: string; title: string; number: number }) {
  return (
    <h2 className="lesson-card__title">
      <Link to={`/lessons/${slug}`} className="lesson-card__link">
        <span className="visually-hidden">Lesson {number}: </span>
        {title}
      </Link>
    </h2>
  );
}

function BrokenLessonCard({ lesson, number }: { lesson: BrokenLesson; number: number }) {
  const first = lesson.diagnostics.find((d) => d.severity === 'error');
  return (
    <article className="lesson-card lesson-card--broken">
      <div className="lesson-card__number" aria-hidden="true">
        !
      </div>
      <div className="lesson-card__main">
        <LessonCardTitle slug={lesson.slug} title={lesson.title} number={number} />
        <p className="lesson-card__summary">
          {first ? (
            <>
              <code>
                {first.file}:{first.line}:{first.column}
              </code>{' '}
              {first.message}
            </>
          ) : (
            'This lesson could not be built.'
          )}
        </p>
        <div className="lesson-card__meta">
          <span className="badge badge--danger">Build error</span>
        </div>
      </div>
    </article>
  );
}
