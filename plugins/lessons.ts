/**
 * Vite plugin: compiles `lessons/*.md` at build time and serves them as `virtual:lessons`.
 *
 * - The page receives compiled JSON only: no markdown parser ships.
 * - `virtual:lessons` holds what the home page and navigation need (titles, summaries, sections,
 *   step keys; broken lessons whole). Each lesson's body is its own module,
 *   `virtual:lessons/<slug>`, loaded on demand through `loadLesson(slug)`: the first lesson does not
 *   wait for the other ten.
 * - The index also says which block kinds each lesson uses (`blockKindsOf(slug)`), so the page can
 *   fetch a lesson's body and its blocks' code in parallel instead of one after the other.
 * - A code exercise's reference solution is neither in its lesson's body nor in the page: each is
 *   a module of its own, `virtual:lesson-solutions/<slug>/<id>`, loaded through
 *   `loadCodeSolution(slug, id)` only when the learner asks for it (after two failed runs).
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
import type { Plugin, ResolvedConfig, Rolldown } from 'vite';
import { compileLessons, formatDiagnostic } from '../src/lessons/compile-lessons.ts';
import { lessonBlocks, lessonStepKeys } from '../src/lessons/lesson-steps.ts';
import type {
  CodeExerciseBlock,
  CompiledLesson,
  LessonBlockKind,
  LessonDiagnostic,
  LessonEntry,
  LessonListEntry,
  MarkdownNode,
} from '../src/lessons/lesson-types.ts';

export interface LessonsPluginOptions {
  /** Folder of lessons, relative to the Vite root (default `lessons`). */
  dir?: string;
  /** Fail `vite build` when a lesson has errors (default: `LESSONS_STRICT=1`). */
  strict?: boolean;
}

export const VIRTUAL_LESSONS_ID = 'virtual:lessons';
const RESOLVED_ID = `\0${VIRTUAL_LESSONS_ID}`;
/** One lesson's compiled body: `virtual:lessons/<encoded slug>`. */
const LESSON_PREFIX = `${VIRTUAL_LESSONS_ID}/`;
const RESOLVED_LESSON_PREFIX = `\0${LESSON_PREFIX}`;
/** One code exercise's reference solution: `virtual:lesson-solutions/<slug>/<id>`. */
const SOLUTION_PREFIX = 'virtual:lesson-solutions/';
const RESOLVED_SOLUTION_PREFIX = `\0${SOLUTION_PREFIX}`;

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

  /** The last compilation, shared by the index and the per-lesson modules until a file changes. */
  let compiled: Promise<LessonEntry[]> | undefined;

  async function compileAll(context: { addWatchFile(id: string): void }): Promise<LessonEntry[]> {
    const names = (await readdir(dir)).filter(isLessonFileName).sort();
    const sources = await Promise.all(
      names.map(async (name) => {
        const absolute = path.join(dir, name);
        context.addWatchFile(absolute);
        return { file: `${relativeDir}/${name}`, source: await readFile(absolute, 'utf8') };
      }),
    );
    return compileLessons(sources);
  }

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
      filter: { id: /^virtual:(lessons(\/.*)?|lesson-solutions\/.*)$/ },
      handler(id) {
        if (id === VIRTUAL_LESSONS_ID) return RESOLVED_ID;
        return id.startsWith(LESSON_PREFIX) || id.startsWith(SOLUTION_PREFIX)
          ? `\0${id}`
          : undefined;
      },
    },

    load: {
      filter: { id: /^\0virtual:(lessons(\/.*)?|lesson-solutions\/.*)$/ },
      async handler(id) {
        if (id.startsWith(RESOLVED_SOLUTION_PREFIX)) {
          const [slug = '', exercise = ''] = id
            .slice(RESOLVED_SOLUTION_PREFIX.length)
            .split('/')
            .map(decodeURIComponent);
          compiled ??= compileAll(this);
          const entry = (await compiled).find((e) => e.slug === slug);
          const block =
            entry?.status === 'ok'
              ? codeExercises(entry).find((b) => b.id === exercise)
              : undefined;
          if (!block?.solution) this.error(`[lessons] no code exercise "${exercise}" in "${slug}"`);
          return `export default JSON.parse(${JSON.stringify(JSON.stringify(block.solution))});\n`;
        }
        if (id.startsWith(RESOLVED_LESSON_PREFIX)) {
          const slug = decodeURIComponent(id.slice(RESOLVED_LESSON_PREFIX.length));
          compiled ??= compileAll(this);
          const entry = (await compiled).find((e) => e.slug === slug);
          if (entry?.status !== 'ok') this.error(`[lessons] no compiled lesson "${slug}"`);
          return lessonModuleCode(entry);
        }
        if (id !== RESOLVED_ID) return undefined;
        // The index always recompiles: it is what a change invalidates first.
        compiled = compileAll(this);
        const entries = await compiled;
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

    watchChange(id) {
      if (isLessonPath(id)) compiled = undefined;
    },

    transformIndexHtml: {
      order: 'post',
      async handler(html, context) {
        // Build only: in dev every module is its own request and there is nothing to hint.
        if (!context.bundle || !compiled) return undefined;
        const preload = lessonPreloads(await compiled, context.bundle);
        for (const warning of preload.warnings) config.logger.warn(`[lessons] ${warning}`);
        // Before the app's module script and stylesheets, not after them: an inline script
        // after a stylesheet waits for it to load, and stops the HTML parser meanwhile.
        const script = `<script>${preloadScript(preload.files, config.base)}</script>\n    `;
        const at = html.search(/<script type="module"|<link rel="stylesheet"/);
        return at < 0
          ? html.replace('</head>', () => `${script}</head>`)
          : html.slice(0, at) + script + html.slice(at);
      },
    },

    hotUpdate({ file, timestamp }) {
      if (!isLessonPath(file)) return undefined;
      compiled = undefined;
      const graph = this.environment.moduleGraph;
      // Every lesson body too (which one a file holds is only known after compiling): marked as
      // hot-updated, the new index imports them with a fresh `?t=`, so the page reloads the body.
      for (const [id, module] of graph.idToModuleMap) {
        if (id.startsWith(RESOLVED_LESSON_PREFIX) || id.startsWith(RESOLVED_SOLUTION_PREFIX)) {
          graph.invalidateModule(module, new Set(), timestamp, true);
        }
      }
      const module = graph.getModuleById(RESOLVED_ID);
      if (!module) return undefined;
      graph.invalidateModule(module, new Set(), timestamp, true);
      return [module];
    },
  };
}

/** What the index lists of a lesson: everything but its body (broken lessons whole). */
function listEntry(entry: LessonEntry): LessonListEntry {
  if (entry.status === 'broken') return entry;
  const { body, ...meta } = entry;
  return { ...meta, stepKeys: lessonStepKeys(body) };
}

/** The block kinds a lesson's body uses, in first-use order (the page preloads their code). */
export function blockKindsOf(body: readonly MarkdownNode[]): LessonBlockKind[] {
  const kinds = new Set<LessonBlockKind>();
  const visit = (nodes: readonly MarkdownNode[]) => {
    for (const node of nodes) {
      if (node.type === 'block') kinds.add(node.block.kind);
      else if (node.type === 'blockquote' || node.type === 'callout') visit(node.children);
      else if (node.type === 'list') for (const item of node.items) visit(item.children);
    }
  };
  visit(body);
  return [...kinds];
}

/** The code exercises of a lesson, in reading order. */
function codeExercises(lesson: CompiledLesson): CodeExerciseBlock[] {
  return lessonBlocks(lesson.body).filter(
    (block): block is CodeExerciseBlock => block.kind === 'code-exercise',
  );
}

/** A body without its reference solutions (each ships apart: `virtual:lesson-solutions/...`). */
export function withoutSolutions<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, item) =>
    key === 'solution' &&
    typeof item === 'object' &&
    item !== null &&
    typeof (item as { code?: unknown }).code === 'string'
      ? undefined
      : item,
  ) as T;
}

/** One lesson's compiled body, its own chunk in the build, without its reference solutions. */
function lessonModuleCode(entry: LessonEntry): string {
  // JSON.parse of a string literal is faster to load than the same object as JS.
  return `export default JSON.parse(${JSON.stringify(JSON.stringify(withoutSolutions(entry)))});\n`;
}

/**
 * The index module. In dev it accepts its own hot updates: each new version stores its lessons
 * and loader in `import.meta.hot.data` (shared by every version of the module) and the previous
 * version's accept callback notifies subscribers, so a page that reads lessons through
 * `useSyncExternalStore(subscribe, getLessons)` re-renders without a reload (and, seeing new
 * entries, loads the body again through `loadLesson`, which now imports the updated module).
 * The plain `lessons` export is the value at first load.
 */
function virtualModuleCode(entries: LessonEntry[]): string {
  const loaders = entries
    .filter((entry) => entry.status === 'ok')
    .map((entry) => {
      const id = JSON.stringify(`${LESSON_PREFIX}${encodeURIComponent(entry.slug)}`);
      return `  ${JSON.stringify(entry.slug)}: () => import(${id}),`;
    })
    .join('\n');
  const kinds = Object.fromEntries(
    entries.flatMap((entry) =>
      entry.status === 'ok' ? [[entry.slug, blockKindsOf(entry.body)]] : [],
    ),
  );
  const solutionLoaders = entries
    .flatMap((entry) =>
      entry.status === 'ok'
        ? codeExercises(entry).map((block) => {
            const key = `${entry.slug}/${block.id}`;
            const id = `${SOLUTION_PREFIX}${encodeURIComponent(entry.slug)}/${encodeURIComponent(block.id)}`;
            return `  ${JSON.stringify(key)}: () => import(${JSON.stringify(id)}),`;
          })
        : [],
    )
    .join('\n');
  return `export const lessons = JSON.parse(${JSON.stringify(JSON.stringify(entries.map(listEntry)))});
export default lessons;
const loaders = {
${loaders}
};
function load(slug) {
  const loader = Object.hasOwn(loaders, slug) ? loaders[slug] : undefined;
  return loader
    ? loader().then((module) => module.default)
    : Promise.reject(new Error(\`No compiled lesson "\${slug}"\`));
}
const shared = import.meta.hot?.data.shared ?? { lessons, load, listeners: new Set() };
shared.lessons = lessons;
shared.load = load;
export function getLessons() { return shared.lessons; }
export function loadLesson(slug) { return shared.load(slug); }
const kinds = ${JSON.stringify(kinds)};
shared.kinds = kinds;
export function blockKindsOf(slug) {
  return Object.hasOwn(shared.kinds, slug) ? shared.kinds[slug] : [];
}
const solutionLoaders = {
${solutionLoaders}
};
shared.solutions = solutionLoaders;
export function loadCodeSolution(slug, id) {
  const key = slug + '/' + id;
  const loader = Object.hasOwn(shared.solutions, key) ? shared.solutions[key] : undefined;
  return loader
    ? loader().then((module) => module.default)
    : Promise.reject(new Error(\`No reference solution for "\${id}" in "\${slug}"\`));
}
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

/**
 * Per lesson, the files its page needs first beyond the entry's own preloads: the body chunk
 * (with any static imports). Block code is not in it on purpose: the lesson shows with static
 * fallbacks, and the blocks' chunks load once it has (their import starts as they render).
 */
function lessonPreloads(
  entries: LessonEntry[],
  bundle: Rolldown.OutputBundle,
): { files: Record<string, string[]>; warnings: string[] } {
  const chunks = Object.values(bundle).filter((c): c is Rolldown.OutputChunk => c.type === 'chunk');
  const byFacade = new Map(chunks.map((c) => [c.facadeModuleId ?? '', c]));
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const closure = (chunk: Rolldown.OutputChunk, into: Set<string>) => {
    if (into.has(chunk.fileName)) return;
    into.add(chunk.fileName);
    for (const css of chunk.viteMetadata?.importedCss ?? []) into.add(css);
    for (const file of chunk.imports) {
      const imported = byFile.get(file);
      if (imported) closure(imported, into);
    }
  };
  const inEntry = new Set<string>();
  for (const chunk of chunks) if (chunk.isEntry) closure(chunk, inEntry);
  const files: Record<string, string[]> = {};
  const warnings: string[] = [];
  for (const entry of entries) {
    if (entry.status !== 'ok') continue;
    const needed = new Set<string>();
    const body = byFacade.get(`${RESOLVED_LESSON_PREFIX}${entry.slug}`);
    if (body) closure(body, needed);
    else warnings.push(`no chunk for the body of ${entry.file}: its page will not be preloaded`);
    files[entry.slug] = [...needed].filter((file) => !inEntry.has(file));
  }
  return { files, warnings: [...new Set(warnings)] };
}

/**
 * A tiny script for index.html: when the page opened is a lesson, hint its body chunk at once
 * (`modulepreload`; CSS, if any, as `preload`), so it downloads while the entry does instead of
 * after the entry has run and rendered (entry -> body was a waterfall).
 */
function preloadScript(files: Record<string, string[]>, base: string): string {
  return `(() => {
  var files = ${JSON.stringify(files)};
  var base = ${JSON.stringify(base)};
  var path = location.pathname.indexOf(base) === 0 ? location.pathname.slice(base.length) : '';
  var match = /^lessons\\/([^/]+)\\/?$/.exec(path);
  var slug;
  try { slug = match && decodeURIComponent(match[1]); } catch (e) { return; }
  var list = slug && Object.prototype.hasOwnProperty.call(files, slug) ? files[slug] : [];
  for (var i = 0; i < list.length; i++) {
    var link = document.createElement('link');
    var css = /\\.css$/.test(list[i]);
    link.rel = css ? 'preload' : 'modulepreload';
    if (css) link.as = 'style';
    link.crossOrigin = '';
    link.href = base + list[i];
    document.head.appendChild(link);
  }
})();`;
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
