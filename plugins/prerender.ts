/**
 * Vite plugin: after `vite build`, renders every lesson page to HTML (`lessons/<slug>.html` in
 * the output, next to `index.html`), so a first visit shows the lesson as soon as the HTML and
 * CSS arrive instead of after the app's JavaScript has downloaded and run. `src/main.tsx` then
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

/**
 * The built index.html with a page's markup in `#root`, its own title and description, and a
 * preload, after the first paint, of the chunks it needs to hydrate (`preload`: their URLs).
 */
export function pageHtml(template: string, page: PrerenderedPage, preload: string[] = []): string {
  if (!template.includes(ROOT_ELEMENT)) {
    throw new Error(`index.html has no empty ${ROOT_ELEMENT} to prerender into.`);
  }
  let html = template.replace(
    ROOT_ELEMENT,
    () => `<div id="root" data-prerendered="${escapeHtml(page.path)}">${page.html}</div>`,
  );
  html = html.replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(page.title)}</title>`);
  if (page.description !== undefined) {
    const description = page.description;
    html = html.replace(
      /(<meta\s+name="description"\s+content=")[^"]*(")/,
      (_, start: string, end: string) => `${start}${escapeHtml(description)}${end}`,
    );
  }
  if (preload.length > 0) {
    // Fetched once the page has painted, while the app's code loads: not before, where they
    // would only compete with what the first paint needs (the page shows without any script).
    const script = `<script>requestAnimationFrame(() => setTimeout(() => {
      for (const href of ${JSON.stringify(preload).replaceAll('<', '\\u003c')}) {
        const link = document.createElement('link');
        link.rel = 'modulepreload';
        link.crossOrigin = '';
        link.href = href;
        document.head.append(link);
      }
    }));</script>\n    `;
    const at = html.indexOf('<script type="module"');
    html = at < 0 ? html : html.slice(0, at) + script + html.slice(at);
  }
  return html;
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
          const preload = chunksFor(page.modules, bundle, config.root, config.base);
          await writeFile(file, pageHtml(template, page, preload));
          written.push(page.file);
        }
      } finally {
        await server.close();
      }
      config.logger.info(
        `[prerender] ${written.length} lesson pages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    },
  };
}
