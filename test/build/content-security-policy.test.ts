import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lessonImageOrigins,
  policyFor,
  withContentSecurityPolicy,
} from '../../plugins/content-security-policy.ts';

const sha256 = (text: string) =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const THEME = "\n      document.documentElement.dataset.theme = 'dark';\n    ";
const LOADER = '\n      import("/assets/index.js");\n    ';
const CSS = 'body{color:red}';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>App</title>
    <script>${THEME}</script>
    <style>${CSS}</style>
    <script type="module" crossorigin src="/assets/index.js"></script>
  </head>
  <body>
    <div id="root"><p>Text with &lt;script&gt; in it, and style="x" as text.</p></div>
    <script>${LOADER}</script>
  </body>
</html>
`;

/** The directives of a policy, by name. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split('; ').map((directive) => {
      const [name = '', ...values] = directive.split(' ');
      return [name, values];
    }),
  );
}

describe('the Content-Security-Policy of a built page', () => {
  it('allows the app’s own files and each inline script and style by its hash, nothing else', () => {
    expect(directives(policyFor(PAGE))).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'", sha256(THEME), sha256(LOADER)],
      'style-src': ["'self'", sha256(CSS)],
      'img-src': ["'self'"],
      'connect-src': [
        "'self'",
        'https://auth.example.com',
        'https://api.example.com',
        'https://ci.example.com',
      ],
      'worker-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });

  it('never allows inline code or eval wholesale', () => {
    const policy = policyFor(PAGE);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toMatch(/\bhttps?:(?!\/\/(auth|api|ci)\.example\.com)/);
  });

  it('adds the lessons’ image origins to img-src only', () => {
    const policy = policyFor(PAGE, { imageOrigins: ['https://images.example.org'] });
    expect(directives(policy)['img-src']).toEqual(["'self'", 'https://images.example.org']);
  });

  it('goes right after <meta charset>, before any script, and replaces an older one', () => {
    const once = withContentSecurityPolicy(PAGE);
    const meta = once.indexOf('<meta http-equiv="Content-Security-Policy"');
    expect(meta).toBeGreaterThan(once.indexOf('<meta charset="UTF-8" />'));
    expect(meta).toBeLessThan(once.indexOf('<script'));
    expect(once).toContain(
      `    <meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policyFor(PAGE)}" />\n    <title>`,
    );

    // The template's policy is replaced by the page's own when the page adds inline code.
    const page = once.replace('</body>', '<script>later()</script></body>');
    const twice = withContentSecurityPolicy(page);
    expect(twice.match(/http-equiv="Content-Security-Policy"/g)).toHaveLength(1);
    expect(twice).toContain(sha256('later()'));
  });

  it('fails on markup the policy would block silently: a style attribute or an inline handler', () => {
    expect(() =>
      withContentSecurityPolicy(PAGE.replace('<p>', '<p style="text-align:center">')),
    ).toThrow('The page has a style attribute, which its Content-Security-Policy blocks');
    expect(() => withContentSecurityPolicy(PAGE.replace('<p>', '<p onclick="go()">'))).toThrow(
      'The page has a onclick attribute',
    );
  });
});

describe('lessonImageOrigins', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the https origins of the images in the lessons, once each', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ccp-csp-'));
    const lesson = (title: string, body: string) =>
      `---\ntitle: ${title}\nsummary: One.\norder: 1\nduration: 5 min\n---\n\n${body}\n`;
    writeFileSync(
      path.join(dir, '01-a.md'),
      lesson(
        'A',
        '![Flow](https://images.example.org/flow.png) ![Again](https://images.example.org/b.png)',
      ),
    );
    writeFileSync(
      path.join(dir, '02-b.md'),
      lesson('B', '- ![Nested](https://cdn.example.com/x.svg)\n\n![Local](./local.png)'),
    );
    writeFileSync(
      path.join(dir, '03-c.md'),
      lesson('C', '![Plain](http://insecure.example/x.png)'),
    );
    writeFileSync(path.join(dir, 'README.md'), '![Guide](https://readme.example/x.png)');
    expect(await lessonImageOrigins(dir)).toEqual([
      'https://cdn.example.com',
      'https://images.example.org',
    ]);
  });

  it('finds none in the shipped lessons', async () => {
    expect(await lessonImageOrigins(path.resolve('lessons'))).toEqual([]);
  });
});
