/**
 * `npm run build` while `npm run dev` runs: the prerender step starts a Vite server of its own,
 * and it must leave the dev server's optimized dependencies (`node_modules/.vite/deps`) alone.
 * When it shared that cache folder, it rewrote the folder for its own (empty) set of
 * dependencies, and the dev server answered its next dependency request with
 * "504 Outdated Optimize Dep" until it was restarted.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, createLogger, createServer, type ViteDevServer } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prerenderPlugin } from '../../plugins/prerender.ts';

let root: string;
let dev: ViteDevServer | undefined;

async function withNodeEnv<T>(value: string, run: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = value;
  try {
    return await run();
  } finally {
    process.env.NODE_ENV = saved;
  }
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prerender-dev-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write(
    'index.html',
    '<!doctype html><html><head><title>App</title></head><body><div id="root"></div><script type="module" src="/main.js"></script></body></html>\n',
  );
  write(
    'main.js',
    "import a from 'dep-a';\nexport const value = a.value;\nexport const later = () => import('./later.js');\n",
  );
  write('later.js', "import b from 'dep-b';\nexport default b.value;\n");
  // CommonJS packages: the kind the dev server pre-bundles into node_modules/.vite/deps.
  for (const [name, value] of [
    ['dep-a', 1],
    ['dep-b', 41],
  ] as const) {
    write(
      `node_modules/${name}/package.json`,
      `{"name":"${name}","version":"1.0.0","main":"index.js"}\n`,
    );
    write(`node_modules/${name}/index.js`, `module.exports = { value: ${value} };\n`);
  }
  // As in the project: the config names some dependencies to pre-bundle (@vitejs/plugin-react
  // names React's), and the dev server finds the others (dep-b) by crawling the app.
  write(
    'vite.config.mjs',
    "export default { logLevel: 'silent', optimizeDeps: { include: ['dep-a'] } };\n",
  );
  write(
    'server.js',
    `export function prerenderPaths() { return ['/lessons/a']; }
export async function prerender(path) {
  return { path, file: 'lessons/a.html', title: 'A', html: '<h1>A</h1>', modules: [] };
}
`,
  );
});

afterEach(async () => {
  await dev?.close();
  dev = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('the prerender build beside a running dev server', () => {
  it("leaves the dev server's optimized dependencies servable (no 504 Outdated Optimize Dep)", async () => {
    const silent = createLogger('silent');
    // `vite` and `vite build` run with their own NODE_ENV, and Vite keys its dependency cache on
    // it: as separate processes would, the dev server starts as development, the build runs as
    // production (vitest's own is "test").
    dev = await withNodeEnv('development', () =>
      createServer({
        root,
        customLogger: silent,
        server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
      }),
    );
    await dev.listen();
    const base = dev.resolvedUrls?.local[0];
    if (base === undefined) throw new Error('the dev server has no local URL');
    // Wait for the dev server's own pre-bundling (its crawl of index.html finds dep-b).
    await dev.environments.client.depsOptimizer?.scanProcessing;

    // A module as the page gets it, and the URL of an optimized dependency it imports.
    const depUrl = async (module: string, name: string) => {
      const code = await (await fetch(new URL(module, base))).text();
      const url = new RegExp(`["']([^"']*/deps/${name}\\.js\\?v=[^"']+)["']`).exec(code)?.[1];
      if (url === undefined)
        throw new Error(`${module} does not import ${name} from the deps:\n${code}`);
      return new URL(url, base);
    };
    const metadata = path.join(root, 'node_modules/.vite/deps/_metadata.json');
    // A first visit: the app's module and its dependency; later.js is for later.
    const first = await fetch(await depUrl('main.js', 'dep-a'));
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const optimized = readFileSync(metadata, 'utf8');

    await withNodeEnv('production', () =>
      build({
        root,
        logLevel: 'silent',
        customLogger: silent,
        plugins: [prerenderPlugin({ entry: '/server.js' })],
        build: { outDir: path.join(root, 'dist'), minify: false },
      }),
    );

    // The dev server's cache is as it left it, and what the page loads next still comes (it
    // answered 504 Outdated Optimize Dep until restarted when the build had replaced the cache).
    expect(readFileSync(metadata, 'utf8')).toBe(optimized);
    const next = await fetch(await depUrl('later.js', 'dep-b'));
    expect(next.status, await next.clone().text()).toBe(200);
    expect(await next.text()).toContain('41');
  }, 60_000);
});
