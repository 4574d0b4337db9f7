import { forwardRef, useImperativeHandle, useMemo, useRef, useState } from 'react';
import type { LessonDiagnostic } from '../../lessons/lesson-types.ts';

/** Must match `.source-editor` in editor.css: the gutter and the marks line up with the text. */
const LINE_HEIGHT = 20;
const PADDING_TOP = 10;

export interface SourceEditorHandle {
  /** Put the caret at a 1-based line and column, scroll it into view and focus the text. */
  jumpTo(line: number, column: number): void;
}

interface SourceEditorProps {
  id: string;
  value: string;
  onChange(value: string): void;
  diagnostics: readonly LessonDiagnostic[];
  /** Ids of elements that describe the text (the problems list). */
  describedBy?: string;
}

/**
 * A plain textarea with line numbers, and each problem marked in the gutter and as a band
 * behind its line. No editor library: lessons are short, and a textarea is keyboard and
 * screen-reader friendly as it is (Tab still moves focus out).
 */
export const SourceEditor = forwardRef<SourceEditorHandle, SourceEditorProps>(function SourceEditor(
  { id, value, onChange, diagnostics, describedBy },
  ref,
) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const lineCount = useMemo(() => value.split('\n').length, [value]);
  const marks = useMemo(() => {
    const byLine = new Map<number, { severity: 'error' | 'warning'; messages: string[] }>();
    for (const d of diagnostics) {
      const mark = byLine.get(d.line) ?? { severity: d.severity, messages: [] };
      if (d.severity === 'error') mark.severity = 'error';
      mark.messages.push(`${d.column}: ${d.message}`);
      byLine.set(d.line, mark);
    }
    return byLine;
  }, [diagnostics]);

  useImperativeHandle(ref, () => ({
    jumpTo(line, column) {
      const element = textarea.current;
      if (!element) return;
      const lines = element.value.split('\n');
      let offset = 0;
      for (let i = 0; i < Math.min(line - 1, lines.length); i++)
        offset += (lines[i]?.length ?? 0) + 1;
      offset += Math.max(0, Math.min(column - 1, lines[line - 1]?.length ?? 0));
      element.focus({ preventScroll: true });
      element.setSelectionRange(offset, offset);
      element.scrollIntoView({ block: 'nearest' });
      // After the browser's own reveal of the caret (which scrolls as little as it can): put the
      // line a third of the way down and, as lines do not wrap, the column in view with room after.
      requestAnimationFrame(() => {
        element.scrollTop = Math.max(0, (line - 1) * LINE_HEIGHT - element.clientHeight / 3);
        const charWidth = measureCharWidth(element);
        const x = (column - 1) * charWidth;
        if (
          x < element.scrollLeft ||
          x > element.scrollLeft + element.clientWidth - 16 * charWidth
        ) {
          element.scrollLeft = Math.max(0, x - element.clientWidth / 3);
        }
      });
    },
  }));

  return (
    <div className="source-editor">
      <div className="source-editor__gutter" aria-hidden="true">
        <div style={{ transform: `translateY(${PADDING_TOP - scroll.top}px)` }}>
          {Array.from({ length: lineCount }, (_, index) => {
            const mark = marks.get(index + 1);
            return (
              <div
                // biome-ignore lint/suspicious/noArrayIndexKey: a line number is the line's identity
                key={index}
                className={
                  mark
                    ? `source-editor__line-number is-${mark.severity}`
                    : 'source-editor__line-number'
                }
                title={mark?.messages.join('\n')}
              >
                {index + 1}
              </div>
            );
          })}
        </div>
      </div>
      <div className="source-editor__text">
        <div className="source-editor__bands" aria-hidden="true">
          {[...marks].map(([line, mark]) => (
            <div
              key={line}
              className={`source-editor__band is-${mark.severity}`}
              style={{ top: PADDING_TOP + (line - 1) * LINE_HEIGHT - scroll.top }}
            />
          ))}
        </div>
        <textarea
          ref={textarea}
          id={id}
          className="source-editor__textarea"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onScroll={(event) =>
            setScroll({ top: event.currentTarget.scrollTop, left: event.currentTarget.scrollLeft })
          }
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          wrap="off"
          aria-describedby={describedBy}
          aria-invalid={[...marks.values()].some((m) => m.severity === 'error') || undefined}
        />
      </div>
    </div>
  );
});

/** The width of one character of the textarea's monospace font. */
function measureCharWidth(element: HTMLElement): number {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return 8;
  // Not `style.font`: the shorthand reads as "" when a longhand (line-height) cannot fit in it.
  const style = getComputedStyle(element);
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return context.measureText('0').width || 8;
}
