import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { compileLesson } from '../../src/lessons/compile-lesson.ts';
import type { BrokenLesson, CompiledLesson, MarkdownNode } from '../../src/lessons/lesson-types.ts';
import { LessonErrorCard } from '../../src/ui/lesson/lesson-error-card.tsx';
import { MarkdownView } from '../../src/ui/markdown/markdown-view.tsx';
import { FILE, FRONT_MATTER, fence } from './fixture.ts';

function compiled(body: string): CompiledLesson {
  const result = compileLesson(`${FRONT_MATTER}\n${body}`, FILE);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.lesson;
}

const html = (nodes: MarkdownNode[], props: Partial<Parameters<typeof MarkdownView>[0]> = {}) =>
  renderToStaticMarkup(<MarkdownView nodes={nodes} {...props} />);

describe('MarkdownView', () => {
  it('renders headings with their stable ids as self-links', () => {
    const out = html(compiled('## Why `scope` matters').body);
    expect(out).toContain(
      '<h2 id="why-scope-matters" class="markdown-heading"><a class="markdown-anchor" href="#why-scope-matters">Why <code>scope</code> matters</a></h2>',
    );
  });

  it('shows raw HTML from a lesson as escaped text, never as markup', () => {
    const out = html(
      compiled('<script>alert(1)</script>\n\nHi <img src=x onerror="alert(2)"> there.').body,
    );
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it('never renders a javascript: link, even from a hand-made tree', () => {
    const nodes: MarkdownNode[] = [
      {
        type: 'paragraph',
        children: [
          { type: 'link', href: 'java\tscript:alert(1)', children: [{ type: 'text', value: 'x' }] },
          { type: 'image', src: 'javascript:alert(1)', alt: 'pic' },
          {
            type: 'link',
            href: 'mailto:a@example.com',
            children: [{ type: 'text', value: 'mail' }],
          },
        ],
      },
    ];
    expect(html(nodes)).toBe(
      '<div class="markdown"><p><span>x</span><span>pic</span><a href="mailto:a@example.com">mail</a></p></div>',
    );
  });

  it('opens external links safely and maps relative links through resolveHref', () => {
    const out = html(
      compiled(
        '[RFC](https://www.rfc-editor.org/rfc/rfc6749) and [next](./02-first-token.md#scopes).',
      ).body,
      {
        resolveHref: (href) => href.replace(/^\.\/\d+-([\w-]+)\.md/, '/lessons/$1'),
      },
    );
    expect(out).toContain(
      '<a href="https://www.rfc-editor.org/rfc/rfc6749" target="_blank" rel="noopener noreferrer">RFC</a>',
    );
    expect(out).toContain('<a href="/lessons/first-token#scopes">next</a>');
  });

  it('renders code with its language class, tables with alignment, callouts and images', () => {
    const out = html(
      compiled(
        [
          fence('json', '{"a": "<b>"}'),
          '',
          '| a | b |',
          '| :-: | --- |',
          '| 1 | 2 |',
          '',
          '> [!WARNING]',
          '> Keep secrets on the server.',
          '',
          '![The flow](https://example.com/flow.png "Flow")',
        ].join('\n'),
      ).body,
    );
    expect(out).toContain(
      '<pre class="markdown-code"><code class="language-json">{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</code></pre>',
    );
    expect(out).toContain('<th scope="col" class="markdown-align-center">a</th>');
    expect(out).not.toContain(' style=');
    expect(out).toContain(
      '<aside class="markdown-callout markdown-callout-warning" aria-label="Warning"><p class="markdown-callout-title">Warning</p><p>Keep secrets on the server.</p></aside>',
    );
    expect(out).toContain(
      '<img src="https://example.com/flow.png" alt="The flow" title="Flow" loading="lazy"/>',
    );
  });

  it('shows each block as its static fallback unless the registry renders it', () => {
    const lesson = compiled(
      [
        fence(
          'request id=get-token title="Get a token" expect="200" save=access_token',
          'POST https://auth.example.com/oauth/token',
          'Content-Type: application/x-www-form-urlencoded',
          '',
          'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
        ),
        fence('curl for=get-token'),
      ].join('\n'),
    );
    const fallback = html(lesson.body);
    expect(fallback).toContain(
      '<span class="block-fallback-kind">Request</span><span class="block-fallback-title">Get a token</span>',
    );
    expect(fallback).toContain(
      '<code class="language-http">POST https://auth.example.com/oauth/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&amp;client_id=demo-client&amp;client_secret=demo-secret</code>',
    );
    expect(fallback).toContain(
      '<dt>Expect</dt><dd>200</dd><dt>Saves</dt><dd><code>access_token</code></dd>',
    );
    expect(fallback).toContain(
      '--data-raw &#x27;grant_type=client_credentials&amp;client_id=demo-client',
    );

    const custom = html(lesson.body, {
      renderBlock: (block) =>
        block.kind === 'request' ? <button type="button">Send {block.id}</button> : undefined,
    });
    expect(custom).toContain('<button type="button">Send get-token</button>');
    expect(custom).not.toContain('block-fallback-kind">Request');
    expect(custom).toContain('block-fallback-kind">curl');
  });
});

describe('LessonErrorCard', () => {
  it('lists each problem with its file, line and column', () => {
    const result = compileLesson(`${FRONT_MATTER}\n${fence('reqest')}`, FILE);
    if (result.ok) throw new Error('expected a broken lesson');
    const out = renderToStaticMarkup(
      <LessonErrorCard lesson={result.lesson satisfies BrokenLesson} />,
    );
    expect(out).toContain('“A fixture lesson” could not be built');
    expect(out).toContain(
      '<code class="lesson-error-location">lessons/07-fixture.md:7:4</code> Unknown block &quot;reqest&quot;.',
    );
  });
});
