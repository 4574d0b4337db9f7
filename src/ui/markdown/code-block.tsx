import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * A `<pre>` that a keyboard can scroll: when its code is wider (or taller) than the box, it
 * becomes a focusable, labelled region (WCAG 2.1.1; axe `scrollable-region-focusable`), so Tab
 * reaches it and the arrow keys scroll it. Code that fits adds no tab stop.
 */
export function CodeBlock({
  label,
  className = 'markdown-code',
  children,
}: {
  /** What the region is called when it scrolls, e.g. "Code (http)". */
  label: string;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLPreElement>(null);
  const [scrolls, setScrolls] = useState(false);

  // Measured in the ResizeObserver's callback, which runs after layout: reading scrollWidth
  // there costs nothing, while a read during render or a layout effect forces a synchronous
  // layout per code block (150 ms on a first visit to lesson 02, measured with a CPU profile).
  useEffect(() => {
    const pre = ref.current;
    if (!pre) return;
    const measure = () =>
      setScrolls(pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1);
    if (typeof ResizeObserver === 'undefined') {
      measure();
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(pre);
    return () => observer.disconnect();
  }, []);

  return (
    <pre
      ref={ref}
      className={className}
      {...(scrolls && { tabIndex: 0, role: 'region', 'aria-label': label })}
    >
      {children}
    </pre>
  );
}

/** The region label of a code block in a language ("Code (http)"), or plain "Code". */
export function codeLabel(lang: string | undefined): string {
  return lang ? `Code (${lang})` : 'Code';
}
