/**
 * Vite plugin: the playground's service worker, `/app-worker.js` (src/mocks/app-worker.js after a
 * `const CONFIG = {...}` line). It imports msw's `mockServiceWorker.js` unchanged and adds the
 * app-shell cache and the guards its header describes.
 *
 * - `npm run dev` serves it with no files to cache (`version: null`): the dev server's modules
 *   change on every save and must never come from a cache.
 * - `vite build` writes it next to index.html once every other file is written (the prerendered
 *   lesson pages included), listing them all, with a version hashed from their contents. A
 *   deploy that changes any file changes the worker's bytes, which is how browsers notice an
 *   update (docs/decisions/offline-app-shell.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { APP_WORKER_FILE, BROWSER_MOCK_ORIGINS } from '../src/mocks/browser-hosts.ts';

const TEMPLATE = new URL('../src/mocks/app-worker.js', import.meta.url);
/** Never cached: the workers themselves (checked by the browser for updates). */
const NOT_CACHED = new Set([APP_WORKER_FILE, 'mockServiceWorker.js']);

export interface AppWorkerConfig {
  mockOrigins: readonly string[];
  /** The app's base path (Vite's `base`): `/`, or `/playground/` for a sub-path build. */
  base: string;
  /** The app shell's version (a hash of the build), or null: cache nothing. */
  version: string | null;
  /** URL paths of the build's files, or null. */
  files: string[] | null;
}

/** The worker script for `config`. */
export function appWorkerScript(config: AppWorkerConfig): string {
  return `const CONFIG = ${JSON.stringify(config)};\n${readFileSync(TEMPLATE, 'utf8')}`;
}

/**
 * The URL path a built file is served at: `index.html` at the base, a prerendered lesson
 * `lessons/<slug>.html` at `lessons/<slug>` (the host rule README.md states), the rest as is.
 */
export function servedPath(file: string, base = '/'): string {
  const posix = file.split(path.sep).join('/');
  if (posix === 'index.html') return base;
  const lesson = /^lessons\/([^/]+)\.html$/.exec(posix);
  return `${base}${lesson ? `lessons/${lesson[1]}` : posix}`;
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    // Not dot-folders: `.vite/manifest.json` and the like are the build's, not the app's.
    entries
      .filter((entry) => !entry.name.startsWith('.'))
      .map((entry) => {
        const relative = path.join(prefix, entry.name);
        return entry.isDirectory() ? filesUnder(dir, relative) : [relative];
      }),
  );
  return nested.flat();
}

export function appWorkerPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'ccp:app-worker',

    configResolved(resolved) {
      config = resolved;
    },

    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (request.url?.split('?')[0] !== `${server.config.base}${APP_WORKER_FILE}`) return next();
        response.setHeader('content-type', 'text/javascript; charset=utf-8');
        response.setHeader('cache-control', 'no-cache');
        response.end(
          appWorkerScript({
            mockOrigins: BROWSER_MOCK_ORIGINS,
            base: server.config.base,
            version: null,
            files: null,
          }),
        );
      });
    },

    writeBundle: {
      // After every other plugin has written its files: the prerendered lessons are listed too.
      order: 'post',
      sequential: true,
      async handler(output) {
        if (config.build.ssr || this.environment.name !== 'client') return;
        const outDir = output.dir ?? path.resolve(config.root, config.build.outDir);
        const files = (await filesUnder(outDir)).filter((file) => !NOT_CACHED.has(file)).sort();
        const hash = createHash('sha256');
        for (const file of files) {
          hash.update(file);
          hash.update(await readFile(path.join(outDir, file)));
        }
        const script = appWorkerScript({
          mockOrigins: BROWSER_MOCK_ORIGINS,
          base: config.base,
          version: hash.digest('hex').slice(0, 16),
          files: files.map((file) => servedPath(file, config.base)),
        });
        await writeFile(path.join(outDir, APP_WORKER_FILE), script);
      },
    },
  };
}
