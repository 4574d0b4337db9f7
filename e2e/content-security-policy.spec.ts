/**
 * The built app's Content-Security-Policy (plugins/content-security-policy.ts,
 * docs/decisions/content-security-policy.md): every page works under it without a single
 * violation, and what a stranger's shared lesson could smuggle in (a remote image that tells its
 * server who opened the link, a `javascript:` URL, an inline handler) is refused by the browser.
 */
import type { Page } from '@playwright/test';
import { expect, fetchInPage, ISSUER, LessonEditor, test } from './fixtures';
import { loadLessons } from './fixtures/lesson-walk';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

interface ViolationLog {
  /** The `securitypolicyviolation` events so far, as `directive blocked sample`. */
  events(): Promise<string[]>;
  /** The events and what the console said of violations, so far. */
  all(): Promise<string[]>;
  /** Leave out, from now on, what mentions `url`: a violation the test caused on purpose. */
  forget(url: string): void;
}

/** Record the page's CSP violations, from before its first script, across navigations. */
async function watchViolations(page: Page): Promise<ViolationLog> {
  const reported: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) reported.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: Violation[] = [];
    (globalThis as { __cspViolations?: Violation[] }).__cspViolations = seen;
    document.addEventListener(
      'securitypolicyviolation',
      (event) =>
        seen.push({
          directive: event.effectiveDirective,
          blocked: event.blockedURI,
          sample: event.sample,
        }),
      true,
    );
  });
  const events: string[] = [];
  const forgotten: string[] = [];
  const collect = async () => {
    const fresh = await page.evaluate(
      () => (globalThis as { __cspViolations?: Violation[] }).__cspViolations?.splice(0) ?? [],
    );
    events.push(...fresh.map((v) => `${v.directive} blocked ${v.blocked} ${v.sample}`.trim()));
  };
  return {
    events: async () => {
      await collect();
      return [...events];
    },
    all: async () => {
      await collect();
      return [...events, ...reported].filter(
        (line) => !forgotten.some((url) => line.includes(url)),
      );
    },
    forget: (url) => {
      forgotten.push(url);
    },
  };
}

/**
 * The policy the page was served with (its `<meta http-equiv>`). It is in the served HTML, so
 * there is nothing to wait for but the page's main thread: right after a load it may be busy
 * starting the app, longer than a second on a loaded 2-core machine (seen in CI).
 */
function policyOf(page: Page): Promise<string | null> {
  return page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content', { timeout: 10_000 });
}

test('every lesson, the Server page and the editor run under the policy without a violation', async ({
  page,
  app,
  lesson,
}) => {
  test.slow();
  const violations = await watchViolations(page);

  for (const entry of loadLessons()) {
    await app.open(`/lessons/${entry.slug}`);
    expect(await policyOf(page), entry.file).toContain("default-src 'none'");
    await expect(page.locator('html')).toHaveAttribute('data-app', 'ready');
    await app.waitForMockServers();
    // Every block's code loaded and running (labs included).
    if (entry.status === 'ok')
      await expect(lesson.staticBlocks).toHaveCount(0, { timeout: 20_000 });
    expect(await violations.all(), entry.file).toEqual([]);
  }

  // Fetches to the mock hosts are allowed (a lesson's Send, the JWKS a token is verified
  // with); to any other host, refused.
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  await lesson.waitForBlocks();
  await lesson.request('A token request with a JSON body').sendAndExpect(200, '200');
  const jwks = await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`);
  expect(jwks.status, jwks.text).toBe(200);
  expect(jwks.fromServiceWorker).toBe(true);
  expect(await violations.all(), 'requests to the mock hosts').toEqual([]);
  await expect(fetchInPage(page, 'https://elsewhere.example.net/collect')).rejects.toThrow(
    /Failed to fetch|NetworkError/,
  );
  expect(await violations.events()).toEqual([
    'connect-src blocked https://elsewhere.example.net/collect',
  ]);
  violations.forget('https://elsewhere.example.net/collect');

  await app.open('/server');
  expect(await policyOf(page)).toContain("default-src 'none'");
  await expect(page.getByRole('table', { name: /registered clients/i })).toBeVisible();
  expect(await violations.all(), 'the Server page').toEqual([]);

  // The editor compiles lessons in the page (and its schemas must not probe for eval).
  await app.open('/editor?lesson=lessons%2F02-first-token.md');
  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(/title: Your first token/);
  await editor.source.fill(
    (await editor.source.inputValue()).replace('duration: 8 min', 'duration: 9 min'),
  );
  await expect(editor.preview.getByText('9 min')).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .md' }).click();
  await download;
  expect(await violations.all(), 'the editor').toEqual([]);
});

test('a stranger’s shared lesson cannot load a remote image or run a javascript: URL', async ({
  page,
  stranger: theirs,
}) => {
  // The stranger's lesson: a tracking pixel.
  await theirs.goto('/editor');
  const theirEditor = new LessonEditor(theirs);
  await theirEditor.page.getByRole('button', { name: 'New lesson' }).click();
  await expect(theirEditor.source).toHaveValue(/^---\ntitle: My new lesson\n/);
  const source = (await theirEditor.source.inputValue()).replace(
    'Show first, then let them do.',
    'Show first, then let them do. ![A pixel](https://tracker.example.net/pixel.png?who=you)',
  );
  await theirEditor.source.fill(source);
  const link = await theirEditor.shareLink();

  // Were the image allowed, its request would arrive here.
  const tracked: string[] = [];
  await page.context().route('https://tracker.example.net/**', (route) => {
    tracked.push(route.request().url());
    return route.fulfill({ status: 204 });
  });
  const violations = await watchViolations(page);
  await page.goto(link);
  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(source);
  const pixel = editor.preview.getByRole('img', { name: 'A pixel' });
  await expect(pixel).toBeAttached();
  // (Once or more: the preview may render the image again.)
  const distinct = async () => [...new Set(await violations.events())].sort();
  await expect
    .poll(distinct)
    .toEqual(['img-src blocked https://tracker.example.net/pixel.png?who=you']);
  expect(await pixel.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(0);
  expect(tracked).toEqual([]);

  // The lesson compiler refuses a javascript: link (and the renderer drops one), so it never
  // reaches the page; should a bug ever let one through, or an inline handler, the policy stops
  // it: it refuses inline script of any kind.
  await page.evaluate(() => {
    const preview = document.querySelector('.editor-preview__lesson');
    const link = document.createElement('a');
    link.href = 'javascript:document.documentElement.dataset.pwned="link"';
    link.textContent = 'a smuggled link';
    preview?.append(link);
    const img = document.createElement('div');
    img.innerHTML =
      '<img src="/favicon.svg" onload="document.documentElement.dataset.pwned=\'onload\'">';
    preview?.append(img);
  });
  await page.getByRole('link', { name: 'a smuggled link' }).click();
  await expect.poll(distinct).toEqual([
    'img-src blocked https://tracker.example.net/pixel.png?who=you',
    // The inline handler, and the javascript: URL.
    'script-src-attr blocked inline',
    'script-src-elem blocked inline',
  ]);
  await expect(page.locator('html')).not.toHaveAttribute('data-pwned');
});
