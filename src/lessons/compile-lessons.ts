import { type CompileOptions, compileLessonEntry } from './compile-lesson.ts';
import type { BrokenLesson, LessonEntry } from './lesson-types.ts';

export interface LessonSource {
  /** Path to show in diagnostics, e.g. `lessons/01-what-and-why.md`. */
  file: string;
  source: string;
}

/**
 * Compile every lesson and check them as a set: slugs must be unique (they are the URLs).
 * Sorted by `order`, then file name. A broken lesson stays in the list as a {@link BrokenLesson}.
 */
export function compileLessons(sources: LessonSource[], options?: CompileOptions): LessonEntry[] {
  const entries = sources.map(({ file, source }) => compileLessonEntry(source, file, options));
  entries.sort((a, b) => a.order - b.order || a.file.localeCompare(b.file));
  const bySlug = new Map<string, LessonEntry>();
  return entries.map((entry) => {
    const first = bySlug.get(entry.slug);
    if (!first) {
      bySlug.set(entry.slug, entry);
      return entry;
    }
    const broken: BrokenLesson = {
      status: 'broken',
      slug: `${entry.slug}~${entry.file}`,
      file: entry.file,
      title: entry.title,
      order: entry.order,
      diagnostics: [
        {
          file: entry.file,
          line: 1,
          column: 1,
          message: `Duplicate slug "${entry.slug}": ${first.file} already uses it. Rename the file or set "slug" in the front-matter.`,
          severity: 'error',
        },
        ...entry.diagnostics,
      ],
    };
    return broken;
  });
}

/** `lessons/x.md:12:3 message` (warnings say so), the format terminals and editors link. */
export function formatDiagnostic(d: {
  file: string;
  line: number;
  column: number;
  message: string;
  severity: string;
}): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}
