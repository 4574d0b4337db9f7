/**
 * Vite plugin: compiles `lessons/*.md` at build time and serves them as `virtual:lessons`.
 *
 * - The page receives compiled JSON only: no markdown parser ships.
 * - A lesson that fails to compile becomes a `BrokenLesson` (the UI shows an error card for it);
 *   every other lesson still works, in dev and in `vite build`. Pass `strict: true` (or set
 *   `LESSONS_STRICT=1`) to fail the build instead.
 * - Diagnostics print to the terminal as `lessons/x.md:12:3 message`; in dev they also go to the
 *   browser's error overlay.
 * - Adding, removing or editing a lesson invalidates the virtual module (HMR).
 *
 * This is the only part of the lesson engine that touches the file system.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { compileLessons, formatDiagnostic } from '../src/lessons/compile-lessons.ts';
import type { LessonDiagnostic, LessonEntry } from '../src/lessons/lesson-types.ts';

export interface LessonsPluginOptions {
  /** Folder of lessons, relative to the Vite root (default `lessons`). */
  dir?: string;
  /** Fail `vite build` when a lesson has errors (default: `LESSONS_STRICT=1`). */
  strict?: boolean;
}

export const VIRTUAL_LESSONS_ID = 'virtual:lessons';
const RESOLVED_ID = `\0${VIRTUAL_LESSONS_ID}`;

/** `README.md` is the authoring reference, not a lesson. */
function isLessonFileName(name: string): boolean {
  return name.endsWith('.md') && name.toLowerCase() !== 'readme.md';
}

export function lessonsPlugin(options: LessonsPluginOptions = {}): Plugin {
  let config: ResolvedConfig;
  let dir = '';
  let relativeDir = options.dir ?? 'lessons';
  const strict = options.strict ?? process.env.LESSONS_STRICT === '1';
  /** What was last printed per file, so an unchanged lesson is not reported again on every edit. */
  const printed = new Map<string, string>();

  const isLessonPath = (file: string) =>
    path.dirname(path.resolve(file)) === dir && isLessonFileName(path.basename(file));

  function printDiagnostics(entries: LessonEntry[]) {
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.file);
      const text = entry.diagnostics.map(formatDiagnostic).join('\n');
      if (printed.get(entry.file) === text) continue;
      printed.set(entry.file, text);
      if (entry.status === 'broken') {
        config.logger.error(
          `[lessons] ${entry.file} failed to compile; it shows as an error card:\n${text}`,
          {
            timestamp: true,
          },
        );
      } else if (text !== '') {
        config.logger.warn(`[lessons]\n${text}`, { timestamp: true });
      } else if (config.command === 'serve') {
        config.logger.info(`[lessons] ${entry.file} compiled`, { timestamp: true });
      }
    }
    for (const file of printed.keys()) if (!seen.has(file)) printed.delete(file);
  }

  return {
    name: 'ccp:lessons',

    configResolved(resolved) {
      config = resolved;
      dir = path.resolve(resolved.root, relativeDir);
      relativeDir = path.relative(resolved.root, dir).split(path.sep).join('/');
    },

    resolveId: {
      filter: { id: /^virtual:lessons$/ },
      handler(id) {
        return id === VIRTUAL_LESSONS_ID ? RESOLVED_ID : undefined;
      },
    },

    load: {
      filter: { id: /^\0virtual:lessons$/ },
      async handler(id) {
        if (id !== RESOLVED_ID) return undefined;
        const names = (await readdir(dir)).filter(isLessonFileName).sort();
        const sources = await Promise.all(
          names.map(async (name) => {
            const absolute = path.join(dir, name);
            this.addWatchFile(absolute);
            return { file: `${relativeDir}/${name}`, source: await readFile(absolute, 'utf8') };
          }),
        );
        const entries = compileLessons(sources);
        printDiagnostics(entries);

        const broken = entries.filter((entry) => entry.status === 'broken');
        if (broken.length > 0) {
          const errors = broken.flatMap((entry) =>
            entry.diagnostics.filter((d) => d.severity === 'error'),
          );
          if (config.command === 'build') {
            const summary = `[lessons] ${broken.length} of ${entries.length} lessons failed to compile (${broken
              .map((entry) => entry.file)
              .join(', ')}).`;
            if (strict) this.error(`${summary}\n${errors.map(formatDiagnostic).join('\n')}`);
            config.logger.error(`${summary} They ship as error cards; the other lessons work.`);
          } else if (this.environment.mode === 'dev') {
            this.environment.hot.send({ type: 'error', err: overlayError(errors, config.root) });
          }
        }
        return virtualModuleCode(entries);
      },
    },

    hotUpdate({ file, timestamp }) {
      if (!isLessonPath(file)) return undefined;
      const graph = this.environment.moduleGraph;
      const module = graph.getModuleById(RESOLVED_ID);
      if (!module) return undefined;
      graph.invalidateModule(module, new Set(), timestamp, true);
      return [module];
    },
  };
}

/**
 * The virtual module. In dev it accepts its own hot updates: each new version stores its lessons
 * in `import.meta.hot.data` (shared by every version of the module) and the previous version's
 * accept callback notifies subscribers, so a page that reads lessons through
 * `useSyncExternalStore(subscribe, getLessons)` re-renders without a reload. The plain `lessons`
 * export is the value at first load.
 */
function virtualModuleCode(entries: LessonEntry[]): string {
  // JSON.parse of a string literal is faster to load than the same object as JS.
  return `export const lessons = JSON.parse(${JSON.stringify(JSON.stringify(entries))});
export default lessons;
const shared = import.meta.hot?.data.shared ?? { lessons, listeners: new Set() };
shared.lessons = lessons;
export function getLessons() { return shared.lessons; }
export function subscribe(listener) {
  shared.listeners.add(listener);
  return () => shared.listeners.delete(listener);
}
if (import.meta.hot) {
  import.meta.hot.data.shared = shared;
  import.meta.hot.accept(() => {
    for (const listener of shared.listeners) listener();
  });
}
`;
}

/** The payload of Vite's error overlay: all errors, located at the first one. */
function overlayError(errors: LessonDiagnostic[], root: string) {
  const first = errors[0];
  return {
    message: errors.map(formatDiagnostic).join('\n'),
    stack: '',
    plugin: 'ccp:lessons',
    ...(first
      ? {
          id: path.resolve(root, first.file),
          loc: { file: path.resolve(root, first.file), line: first.line, column: first.column },
        }
      : {}),
  };
}
