/**
 * Vite plugin: a Content-Security-Policy for the built app, as a `<meta http-equiv>` in every
 * HTML page it writes (index.html and each lesson prerendered by plugins/prerender.ts, whose
 * inline loader script and stylesheets differ), so that it holds on any static host. It allows what the
 * app needs and nothing else (docs/decisions/content-security-policy.md):
 *
 * - scripts: the app's own files, and each inline script of the page by its hash;
 * - styles: the app's own files, and each inline `<style>` by its hash (no style attributes:
 *   React sets `style={...}` through the CSSOM, which the policy does not govern);
 * - fetches: the app's origin and the two mock hosts its service worker answers;
 * - the service worker: the app's own file; images: the app's origin, plus the https origins
 *   of images in the shipped lessons (none today);
 * - nothing else: no eval, no inline event handlers or `javascript:` URLs, no plugins, frames,
 *   fonts or media from anywhere, no `<base>`, no form posts.
 *
 * Build only: `npm run dev` runs Vite's client and React refresh from inline and eval'd code,
 * and the policy would only be in the way there.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { BROWSER_MOCK_ORIGINS } from '../src/mocks/browser-hosts.ts';

export interface PolicyOptions {
  /** Origins images may come from besides the app's own (https only). */
  imageOrigins?: readonly string[];
}

const META = /<meta http-equiv="Content-Security-Policy" content="[^"]*" \/>\n?\s*/;
const CHARSET = /<meta charset="[^"]*" \/>\n?/i;
const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
const INLINE_STYLE = /<style\b[^>]*>([\s\S]*?)<\/style>/gi;
/** An attribute the policy blocks: a style attribute, or an inline event handler. */
const BLOCKED_ATTRIBUTE = /<[a-z][^<>]*?\s(style|on[a-z]+)\s*=/i;

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy for a page: its inline scripts and styles, by hash. */
export function policyFor(html: string, options: PolicyOptions = {}): string {
  const scripts = new Set<string>();
  for (const [, attributes = '', body = ''] of html.matchAll(INLINE_SCRIPT)) {
    if (!/\ssrc\s*=/i.test(attributes)) scripts.add(hash(body));
  }
  const styles = new Set<string>();
  for (const [, body = ''] of html.matchAll(INLINE_STYLE)) styles.add(hash(body));
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'", ...scripts],
    ['style-src', "'self'", ...styles],
    ['img-src', "'self'", ...(options.imageOrigins ?? [])],
    ['connect-src', "'self'", ...BROWSER_MOCK_ORIGINS],
    ['worker-src', "'self'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map((directive) => directive.join(' ')).join('; ');
}

/**
 * The page with its policy: a `<meta http-equiv="Content-Security-Policy">` right after
 * `<meta charset>`, before any script or style (a policy covers only what follows it), replacing
 * the one a template already had. Throws on markup the policy would block: a style attribute or
 * an inline event handler would fail silently in the browser, so it fails the build instead.
 */
export function withContentSecurityPolicy(html: string, options: PolicyOptions = {}): string {
  const markup = html.replace(INLINE_SCRIPT, '<script></script>').replace(INLINE_STYLE, '');
  const blocked = BLOCKED_ATTRIBUTE.exec(markup);
  if (blocked) {
    throw new Error(
      `The page has a ${blocked[1]} attribute, which its Content-Security-Policy blocks: ${blocked[0]}…`,
    );
  }
  const page = html.replace(META, '');
  const charset = CHARSET.exec(page);
  if (!charset) throw new Error('The page has no <meta charset> to put its policy after.');
  const end = charset.index + charset[0].length;
  const indent = /\n(\s*)$/.exec(page.slice(0, charset.index))?.[1] ?? '';
  const meta = `${indent}<meta http-equiv="Content-Security-Policy" content="${policyFor(page, options)}" />\n`;
  return page.slice(0, end) + meta + page.slice(end);
}

/** Every image URL in a compiled lesson tree. */
function imageSources(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) imageSources(item, into);
  } else if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (node.type === 'image' && typeof node.src === 'string') into.push(node.src);
    for (const child of Object.values(node)) imageSources(child, into);
  }
  return into;
}

/**
 * The https origins of the images in the shipped lessons (`lessons/*.md`): an author's remote
 * image keeps working, and a shared draft may load images from those hosts only.
 */
export async function lessonImageOrigins(dir: string): Promise<string[]> {
  // Loaded here, not at the top: the lesson engine is only needed when a build runs.
  const { compileLessons } = await import('../src/lessons/compile-lessons.ts');
  const names = (await readdir(dir)).filter(
    (name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md',
  );
  const sources = await Promise.all(
    names.map(async (name) => ({
      file: `lessons/${name}`,
      source: await readFile(path.join(dir, name), 'utf8'),
    })),
  );
  const origins = new Set<string>();
  for (const entry of compileLessons(sources)) {
    if (entry.status !== 'ok') continue;
    for (const src of imageSources(entry.body)) {
      const url = URL.canParse(src) ? new URL(src) : undefined;
      if (url?.protocol === 'https:') origins.add(url.origin);
    }
  }
  return [...origins].sort();
}

/** Every `.html` file under `dir`. */
async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

export function contentSecurityPolicyPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'ccp:content-security-policy',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    writeBundle: {
      // Once every page is written, the prerendered lessons included (plugins/prerender.ts):
      // each page gets the policy for its own inline scripts and styles.
      order: 'post',
      sequential: true,
      async handler(output) {
        if (config.build.ssr || this.environment.name !== 'client') return;
        const outDir = output.dir ?? path.resolve(config.root, config.build.outDir);
        const imageOrigins = await lessonImageOrigins(path.resolve(config.root, 'lessons'));
        const files = await htmlFiles(outDir);
        for (const file of files) {
          const html = await readFile(file, 'utf8');
          try {
            await writeFile(file, withContentSecurityPolicy(html, { imageOrigins }));
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            this.error(`[csp] ${path.relative(outDir, file)}: ${reason}`);
          }
        }
        config.logger.info(
          `[csp] a Content-Security-Policy in ${files.length} pages${imageOrigins.length > 0 ? `; lesson images from ${imageOrigins.join(' ')}` : ''}`,
        );
      },
    },
  };
}
