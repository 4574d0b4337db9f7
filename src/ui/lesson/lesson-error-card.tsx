import { useId } from 'react';
import type { BrokenLesson } from '../../lessons/lesson-types.ts';
import '../markdown/markdown.css';

/**
 * What a lesson that failed to compile shows instead of its content: which file, and each problem
 * at its line and column, as the terminal printed them. The other lessons are unaffected.
 */
export function LessonErrorCard({ lesson }: { lesson: BrokenLesson }) {
  const headingId = useId();
  const errors = lesson.diagnostics.filter((d) => d.severity === 'error');
  const warnings = lesson.diagnostics.filter((d) => d.severity === 'warning');
  return (
    <section
      className="lesson-error-card"
      aria-labelledby={headingId}
      data-lesson-file={lesson.file}
    >
      <h2 id={headingId}>“{lesson.title}” could not be built</h2>
      <p>
        <code>{lesson.file}</code> has {errors.length} {errors.length === 1 ? 'error' : 'errors'}.
        Fix {errors.length === 1 ? 'it' : 'them'} and save: the page updates by itself. Every other
        lesson still works.
      </p>
      <ol className="lesson-error-list">
        {[...errors, ...warnings].map((d) => (
          <li key={`${d.line}:${d.column}:${d.message}`} data-severity={d.severity}>
            <code className="lesson-error-location">
              {d.file}:{d.line}:{d.column}
            </code>{' '}
            {d.severity === 'warning' ? <strong>warning: </strong> : null}
            {d.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
