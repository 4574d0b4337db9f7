import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, createLogger } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pageHtml, prerenderPlugin } from '../../plugins/prerender.ts';

const TEMPLATE = `<!doctype html>
<html lang="en">
  <head>
    <meta name="description" content="The app." />
    <title>App</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" crossorigin src="/main.js"></script>
  </body>
</html>
`;

describe('pageHtml', () => {
  const page = {
    path: '/lessons/a',
    file: 'lessons/a.html',
    title: 'Tokens & "scopes" <b>',
    description: 'Read <this> & "that"',
    html: '<h1>A</h1>',
    modules: [],
  };

  it('puts the markup in #root and marks the path it was rendered for', () => {
    const html = pageHtml(TEMPLATE, page);
    expect(html).toContain('<div id="root" data-prerendered="/lessons/a"><h1>A</h1></div>');
  });

  it('sets the title and description, escaped', () => {
    const html = pageHtml(TEMPLATE, page);
    expect(html).toContain('<title>Tokens &amp; &quot;scopes&quot; &lt;b&gt;</title>');
    expect(html).toContain(
      '<meta name="description" content="Read &lt;this&gt; &amp; &quot;that&quot;" />',
    );
  });

  it('keeps `$` sequences in the markup as written (no replacement patterns)', () => {
    const html = pageHtml(TEMPLATE, { ...page, html: "<p>$& $1 $$ $'</p>" });
    expect(html).toContain("<p>$& $1 $$ $'</p>");
  });

  it('downloads the app from <head> and runs it after the first paint: no module script in the static HTML', () => {
    const withPreloads = TEMPLATE.replace(
      '</head>',
      '<link rel="modulepreload" crossorigin href="/assets/react.js">\n  </head>',
    );
    const html = pageHtml(withPreloads, page, { preload: ['/assets/block-1.js'] });
    expect(html).not.toMatch(/<script type="module"/);
    // In <head>: the entry and everything it needs, as modulepreload tags (fetched, not run), found
    // by the browser as soon as the HTML arrives…
    const head = html.slice(0, html.indexOf('</head>'));
    const preloads = [...head.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)];
    expect(preloads.map((m) => m[1])).toEqual([
      '/main.js',
      '/assets/react.js',
      '/assets/block-1.js',
    ]);
    expect(html.slice(html.indexOf('</head>'))).not.toContain('modulepreload');
    // …and, from the end of <body>, after the markup, the entry runs one frame after the page
    // has painted.
    const loader = html.slice(html.indexOf('<script>', html.indexOf('<h1>A</h1>')));
    const afterPaint = loader.slice(loader.indexOf('requestAnimationFrame'));
    expect(afterPaint).toContain('script.src = "/main.js"');
    expect(html.indexOf('requestAnimationFrame')).toBeLessThan(html.indexOf('</body>'));
  });

  it('the home page fetches its code only once it is parsed (its first paint has a budget, and no Send)', () => {
    const html = pageHtml(TEMPLATE, page, {
      preload: ['/assets/block-1.js'],
      fetchCode: 'after-parse',
    });
    expect(html.slice(0, html.indexOf('</head>'))).not.toContain('modulepreload');
    const loader = html.slice(html.indexOf('<script>', html.indexOf('<h1>A</h1>')));
    expect(loader).toContain('["/main.js","/assets/block-1.js"]');
    expect(loader.indexOf("link.rel = 'modulepreload'")).toBeLessThan(
      loader.indexOf('requestAnimationFrame'),
    );
  });

  it('keeps a file name from closing the inline script or leaving its attribute', () => {
    const html = pageHtml(TEMPLATE, page, { preload: ['/assets/</script>".js'] });
    expect(html).not.toContain('/assets/</script>');
    expect(html).toContain('href="/assets/&lt;/script&gt;&quot;.js"');
  });

  it('inlines the stylesheets and leaves their links disabled, for the chunk loader to find', () => {
    const withCss = TEMPLATE.replace(
      '</head>',
      '<link rel="stylesheet" crossorigin href="/assets/index.css">\n  </head>',
    );
    const html = pageHtml(withCss, page, {
      styles: { '/assets/index.css': 'a::after { content: "</style>"; } body { color: red; }' },
    });
    expect(html).toContain('body { color: red; }');
    expect(html).not.toContain('"</style>"');
    expect(html).toContain('<link rel="stylesheet" crossorigin href="/assets/index.css" disabled>');
  });

  it('refuses a template without a module script to load the app', () => {
    expect(() =>
      pageHtml(
        TEMPLATE.replace('<script type="module" crossorigin src="/main.js"></script>', ''),
        page,
      ),
    ).toThrow(/no module script/);
  });

  it('refuses a template without an empty #root', () => {
    expect(() => pageHtml(TEMPLATE.replace('<div id="root"></div>', ''), page)).toThrow(
      /no empty <div id="root"><\/div>/,
    );
  });
});

describe('prerenderPlugin in a build', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'prerender-plugin-'));
    writeFileSync(path.join(root, 'index.html'), TEMPLATE);
    writeFileSync(path.join(root, 'main.js'), "import('./block.js');\n");
    writeFileSync(path.join(root, 'block.js'), 'export const block = 1;\n');
    writeFileSync(
      path.join(root, 'server.js'),
      `export function prerenderPaths() { return ['/lessons/a', '/lessons/b']; }
export async function prerender(path) {
  if (path === '/lessons/b' && globalThis.process.env.PRERENDER_FIXTURE_FAIL) {
    throw new Error('b cannot render');
  }
  return {
    path,
    file: path.slice(1) + '.html',
    title: 'Page ' + path,
    html: '<h1>' + path + '</h1>',
    modules: path === '/lessons/a' ? ['block.js'] : [],
  };
}
`,
    );
  });

  afterEach(() => {
    delete process.env.PRERENDER_FIXTURE_FAIL;
    rmSync(root, { recursive: true, force: true });
  });

  const buildFixture = () =>
    build({
      root,
      configFile: false,
      logLevel: 'silent',
      customLogger: createLogger('silent'),
      plugins: [prerenderPlugin({ entry: '/server.js' })],
      build: { outDir: path.join(root, 'dist'), minify: false },
    });

  it('writes each page next to index.html, which stays the plain shell', async () => {
    await buildFixture();
    const dist = path.join(root, 'dist');
    expect(readdirSync(path.join(dist, 'lessons')).sort()).toEqual(['a.html', 'b.html']);
    const a = readFileSync(path.join(dist, 'lessons', 'a.html'), 'utf8');
    expect(a).toContain('<div id="root" data-prerendered="/lessons/a"><h1>/lessons/a</h1></div>');
    expect(a).toContain('<title>Page /lessons/a</title>');
    // The chunk that holds block.js, found in the bundle and preloaded after the first paint.
    const blockChunk = readdirSync(path.join(dist, 'assets')).find((f) => f.startsWith('block-'));
    expect(blockChunk).toBeDefined();
    expect(a).toContain(`"/assets/${blockChunk}"`);
    const b = readFileSync(path.join(dist, 'lessons', 'b.html'), 'utf8');
    expect(b).not.toContain(`"/assets/${blockChunk}"`);
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('<div id="root"></div>');
  });

  it('fails the build, naming the page, when one cannot render', async () => {
    process.env.PRERENDER_FIXTURE_FAIL = '1';
    await expect(buildFixture()).rejects.toThrow(
      /\/lessons\/b failed to render[\s\S]*b cannot render/,
    );
  });

  it('fails the build when a page needs a module the bundle does not have', async () => {
    writeFileSync(
      path.join(root, 'server.js'),
      `export function prerenderPaths() { return ['/lessons/a']; }
export async function prerender(path) {
  return { path, file: 'lessons/a.html', title: 'A', html: '', modules: ['missing.js'] };
}
`,
    );
    await expect(buildFixture()).rejects.toThrow(/no chunk in the build for missing\.js/);
  });
});
