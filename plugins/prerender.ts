/**
 * Vite plugin: after `vite build`, renders the home page (into `index.html`) and every lesson
 * page (`lessons/<slug>.html` in the output) to HTML, so a first visit shows the page as soon as
 * the HTML and CSS arrive instead of after the app's JavaScript has downloaded and run. `src/main.tsx` then
 * hydrates the markup. Static servers, `vite preview` included, answer `/lessons/first-token` with
 * `lessons/first-token.html`; any other path still gets `index.html` and renders in the browser.
 *
 * Rendering goes through Vite's SSR module loading (`ssrLoadModule`) with the project's own
 * config, so the lessons plugin and every transform apply as in the client build. The render
 * itself is `src/entry-server.tsx`. A page that fails to render fails the build: shipping it
 * unprerendered would hide a bug and lose the speed silently.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type Plugin, type ResolvedConfig, type Rolldown } from 'vite';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

import type { PrerenderedPage } from '../src/entry-server.tsx';

/** What starting the mock servers imports (src/app/mock-server-provider.tsx). */
const MOCK_SERVER_MODULES = ['src/mocks/browser.ts', 'src/client/signing-client-key.ts'];

export interface PrerenderPluginOptions {
  /** The module exporting `prerenderPaths()` and `prerender(path)` (default `/src/entry-server.tsx`). */
  entry?: string;
}

interface ServerEntry {
  prerenderPaths(): string[];
  prerender(path: string): Promise<PrerenderedPage>;
}

const ROOT_ELEMENT = '<div id="root"></div>';

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** What a page's HTML loads besides its markup. */
export interface PageAssets {
  /** URLs of chunks the page needs to hydrate, beyond the entry's (fetched from the start). */
  preload?: string[];
  /** The text of the build's stylesheets by URL, to inline into the page. */
  styles?: Record<string, string>;
  /** The deploy base (`/`, `/playground/`): where the home page lives. */
  base?: string;
  /**
   * When the code starts downloading: from `<head>` (a page with a Send, whose first answer
   * waits for all of it), or once the page is parsed (the home page, read before anything is
   * pressed, whose first paint has a budget of its own). Default `head`.
   */
  fetchCode?: 'head' | 'after-parse';
}

/**
 * The home page is `index.html`, which a static host also answers for every path it has no file
 * for (`/server`, `/editor`, an unknown path). There the lesson list must not flash before the
 * app renders the page asked for: this script, run before the list is parsed, marks the document,
 * and the style hides the list (src/main.tsx then renders that page into an emptied root).
 */
function otherPageGuard(base: string): string {
  const json = JSON.stringify(base);
  return `<script>
      if (location.pathname !== ${json} && location.pathname !== ${json} + 'index.html') {
        document.documentElement.dataset.otherPage = '';
      }
    </script>
    <style>[data-other-page] #root[data-prerendered="/"] { display: none; }</style>
    `;
}

const MODULE_SCRIPT = /<script type="module" crossorigin src="([^"]+)"><\/script>\s*/;
const MODULE_PRELOAD = /<link rel="modulepreload" crossorigin href="([^"]+)">\s*/g;
const STYLESHEET = /<link rel="stylesheet" crossorigin href="([^"]+)">/g;

/**
 * The built index.html made into a lesson's page: its markup in `#root`, its own title and
 * description, and, so that the first paint waits for nothing but this one response:
 *
 * - the stylesheets inlined. Each `<link>` stays, `disabled` (not fetched), so that the app's
 *   chunk loader, which looks for a chunk's CSS among the page's links, does not add it again;
 * - the app's code (entry, its preloads, and `preload`) run once the whole page has painted, by
 *   a small inline script at the end of `<body>`. A lesson fetches it from the start, by
 *   `modulepreload` tags in `<head>` (fetched, not run): on a slow phone the page's parsing leaves
 *   the network idle for a long while (Slow 4G with a 4× slower CPU: ~400 ms between the HTML's
 *   arrival and its end), and a Send pressed at once waits for all of this code; fetched only
 *   once the page was parsed, it was answered ~300 ms later. The price is a first paint ~50–100
 *   ms later there, as the arriving code takes some of the main thread (`npm run bench` prints
 *   both), which the home page does not pay (`fetchCode: 'after-parse'`: the same tags, added by
 *   the script at the end of `<body>`). A Send pressed meanwhile is kept (index.html's
 *   early-press script).
 */
export function pageHtml(template: string, page: PrerenderedPage, assets: PageAssets = {}): string {
  if (!template.includes(ROOT_ELEMENT)) {
    throw new Error(`index.html has no empty ${ROOT_ELEMENT} to prerender into.`);
  }
  const guard = page.path === '/' ? otherPageGuard(assets.base ?? '/') : '';
  let html = template.replace(
    ROOT_ELEMENT,
    () => `${guard}<div id="root" data-prerendered="${escapeHtml(page.path)}">${page.html}</div>`,
  );
  html = html.replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(page.title)}</title>`);
  if (page.description !== undefined) {
    const description = page.description;
    html = html.replace(
      /(<meta\s+name="description"\s+content=")[^"]*(")/,
      (_, start: string, end: string) => `${start}${escapeHtml(description)}${end}`,
    );
  }

  const styles = assets.styles ?? {};
  html = html.replace(STYLESHEET, (link: string, href: string) => {
    const css = styles[href];
    if (css === undefined) return link;
    // `</style` inside a CSS string would end the element early.
    const safe = css.replaceAll('</style', '<\\/style');
    return `<style>${safe}</style><link rel="stylesheet" crossorigin href="${href}" disabled>`;
  });

  const entry = MODULE_SCRIPT.exec(html)?.[1];
  if (entry === undefined) throw new Error('index.html has no module script to load the app with.');
  const modulePreloads = [...html.matchAll(MODULE_PRELOAD)].map((m) => m[1] as string);
  html = html.replace(MODULE_SCRIPT, '').replace(MODULE_PRELOAD, '');
  const preload = [...modulePreloads, ...(assets.preload ?? [])];
  const json = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');
  const code = [entry, ...preload];
  const early = (assets.fetchCode ?? 'head') === 'head';
  if (early) {
    const tags = code.map(
      (href) => `<link rel="modulepreload" crossorigin href="${escapeHtml(href)}">\n    `,
    );
    html = html.replace('</head>', () => `${tags.join('')}</head>`);
  }
  const fetchNow = early
    ? ''
    : `for (const href of ${json(code)}) {
        const link = document.createElement('link');
        link.rel = 'modulepreload';
        link.crossOrigin = '';
        link.href = href;
        document.head.append(link);
      }
      `;
  const loader = `<script>
      // The whole page is parsed (plugins/prerender.ts): its code (downloading since <head>, or
      // from now on) runs once the page has painted.
      ${fetchNow}requestAnimationFrame(() => setTimeout(() => {
        const script = document.createElement('script');
        script.type = 'module';
        script.crossOrigin = '';
        script.src = ${json(entry)};
        document.head.append(script);
      }));
    </script>
  </body>`;
  return html.replace('</body>', () => loader);
}

/** Whether the build has a chunk of its own for `module` (a project-relative source). */
function hasChunk(module: string, bundle: OutputBundle, root: string): boolean {
  const id = path.resolve(root, module);
  return Object.values(bundle).some((c) => c.type === 'chunk' && c.facadeModuleId === id);
}

/**
 * The output files of the chunks that hold `modules` (project-relative sources), with their
 * static imports, minus what the entry loads anyway: what a page must preload to hydrate.
 */
function chunksFor(modules: string[], bundle: OutputBundle, root: string, base: string): string[] {
  const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const closure = (chunk: OutputChunk, into: Set<string>) => {
    if (into.has(chunk.fileName)) return;
    into.add(chunk.fileName);
    for (const file of chunk.imports) {
      const imported = byFile.get(file);
      if (imported) closure(imported, into);
    }
  };
  const inEntry = new Set<string>();
  for (const chunk of chunks) if (chunk.isEntry) closure(chunk, inEntry);
  const needed = new Set<string>();
  for (const module of modules) {
    const id = path.resolve(root, module);
    const chunk = chunks.find((c) => c.facadeModuleId === id);
    if (!chunk)
      throw new Error(`no chunk in the build for ${module}, which a prerendered page needs`);
    closure(chunk, needed);
  }
  return [...needed].filter((file) => !inEntry.has(file)).map((file) => `${base}${file}`);
}

export function prerenderPlugin(options: PrerenderPluginOptions = {}): Plugin {
  const entry = options.entry ?? '/src/entry-server.tsx';
  let config: ResolvedConfig;
  return {
    name: 'ccp:prerender',
    apply: 'build',

    configResolved(resolved) {
      config = resolved;
    },

    async writeBundle(output, bundle) {
      if (config.build.ssr || this.environment.name !== 'client') return;
      const index = bundle['index.html'];
      if (index?.type !== 'asset') {
        this.warn('no index.html in the build: nothing to prerender into');
        return;
      }
      const template = String(index.source);
      // The build's stylesheets by URL, to inline into each page.
      const styles: Record<string, string> = {};
      for (const asset of Object.values(bundle)) {
        if (asset.type === 'asset' && asset.fileName.endsWith('.css')) {
          styles[`${config.base}${asset.fileName}`] = String(asset.source);
        }
      }
      const outDir = output.dir ?? path.resolve(config.root, config.build.outDir);
      const started = performance.now();
      const server = await createServer({
        configFile: config.configFile ?? false,
        root: config.root,
        base: config.base,
        mode: config.mode,
        logLevel: 'error',
        appType: 'custom',
        server: { middlewareMode: true, hmr: false, ws: false, watch: null },
        // A cache of its own: in the dev server's (node_modules/.vite), its differently keyed
        // pre-bundle replaced the dev server's, which then answered 504 until restarted.
        cacheDir: path.join(config.cacheDir, 'prerender'),
        // Only the SSR module graph is used: no browser dependencies to pre-bundle.
        optimizeDeps: { noDiscovery: true, include: [] },
      });
      const written: string[] = [];
      try {
        const module = (await server.ssrLoadModule(entry)) as ServerEntry;
        for (const pagePath of module.prerenderPaths()) {
          let page: PrerenderedPage;
          try {
            page = await module.prerender(pagePath);
          } catch (error) {
            const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
            this.error(`[prerender] ${pagePath} failed to render:\n${reason}`);
          }
          const file = path.join(outDir, page.file);
          await mkdir(path.dirname(file), { recursive: true });
          // The page's own chunks, then the mock servers' (whose start the entry begins): fetched
          // beside the entry instead of after it has run, which on a slow network was the wait
          // between the app going live and the first Send being answered.
          const preload = [
            ...new Set([
              ...chunksFor(page.modules, bundle, config.root, config.base),
              ...chunksFor(
                MOCK_SERVER_MODULES.filter((m) => hasChunk(m, bundle, config.root)),
                bundle,
                config.root,
                config.base,
              ),
            ]),
          ];
          await writeFile(
            file,
            pageHtml(template, page, {
              preload,
              styles,
              base: config.base,
              fetchCode: page.path === '/' ? 'after-parse' : 'head',
            }),
          );
          written.push(page.file);
        }
      } finally {
        await server.close();
      }
      config.logger.info(
        `[prerender] ${written.length} pages (the home page and the lessons) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    },
  };
}
