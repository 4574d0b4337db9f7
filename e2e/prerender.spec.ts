/**
 * Prerendered lessons (plugins/prerender.ts): each lesson page arrives as HTML with the lesson in
 * it, so it shows before any script runs; the app then hydrates that markup instead of building
 * it again. A mismatch between the HTML and the first render would still work (React renders
 * afresh) but throw the speed away, so it fails here. A Send pressed before the app's code has
 * run is kept and sent once the block is live.
 */
import type { Page } from '@playwright/test';
import { builtFileUrl, expect, fetchInPage, ISSUER, test } from './fixtures';
import { loadLessons } from './fixtures/lesson-walk';

const lessons = loadLessons();

/**
 * Open a page with the app's entry script held back, so presses land on the prerendered page;
 * returns what lets it load. (The page is open once its HTML has arrived.)
 */
async function openWithAppCodeHeld(page: Page, path: string): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(builtFileUrl('index.html'), async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(path, { waitUntil: 'commit' });
  return release;
}

test('every lesson page is served with the lesson in its HTML', async ({ request }) => {
  for (const entry of lessons) {
    const response = await request.get(`/lessons/${entry.slug}`);
    expect(response.status(), entry.file).toBe(200);
    const html = await response.text();
    expect(html, `${entry.file}: prerendered`).toContain(
      `<div id="root" data-prerendered="/lessons/${entry.slug}">`,
    );
    expect(html, `${entry.file}: its title in <title>`).toContain(
      `<title>${entry.title.replaceAll('&', '&amp;')} · Client Credentials Playground</title>`,
    );
    if (entry.status === 'ok') {
      expect(html, `${entry.file}: its heading in the markup`).toMatch(
        /<h1 id="lesson-title">[^<]+<\/h1>/,
      );
    }
  }
});

test('the home page is served with every lesson listed in its HTML, and reads without JavaScript', async ({
  request,
  browser,
}) => {
  const html = await (await request.get('/')).text();
  expect(html).toContain('<div id="root" data-prerendered="/">');
  for (const entry of lessons) {
    expect(html, `${entry.file}: linked from the home page`).toContain(
      `href="/lessons/${entry.slug}"`,
    );
  }
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL: test.info().project.use.baseURL,
  });
  const page = await context.newPage();
  await page.goto('/');
  const first = lessons[0];
  if (!first) throw new Error('no lessons');
  await page.getByRole('link', { name: `Lesson 1: ${first.title}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: first.title })).toBeVisible();
  await context.close();
});

test('the home page hydrates; any other page the host answers with index.html never shows the lesson list', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-app', 'ready');
  await expect(
    page.getByRole('heading', { level: 1, name: /Learn machine-to-machine/ }),
  ).toBeVisible();
  expect(problems).toEqual([]);

  // /server is index.html too: with the app's code held back, the list stays hidden…
  const release = await openWithAppCodeHeld(page, '/server');
  await page.waitForLoadState('domcontentloaded');
  await expect(page.locator('#root[data-prerendered="/"]')).toBeHidden();
  // …and the app then renders the Server page into an empty root.
  release();
  await expect(page.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(page.locator('.lesson-cards')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('each lesson hydrates its prerendered markup without a mismatch', async ({ page }) => {
  test.slow();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // The heading the HTML parser made, kept before any of the app's code runs.
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      (globalThis as { __parsedHeading?: Element | null }).__parsedHeading =
        document.querySelector('#main h1');
    });
  });
  for (const entry of lessons) {
    await page.goto(`/lessons/${entry.slug}`);
    await expect(page.locator('html')).toHaveAttribute('data-app', 'ready');
    await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready');
    const adopted = await page.evaluate(() => {
      const parsed = (globalThis as { __parsedHeading?: Element | null }).__parsedHeading;
      return parsed?.isConnected === true && parsed === document.querySelector('#main h1');
    });
    expect(adopted, `${entry.file}: the parsed heading is the one on screen (hydrated)`).toBe(true);
    expect(problems, `${entry.file}: console errors`).toEqual([]);
  }
});

test('a lesson reads without JavaScript, with no Send that cannot send', async ({ browser }) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL: test.info().project.use.baseURL,
  });
  const page = await context.newPage();
  await page.goto('/lessons/first-token');
  await expect(page.getByRole('heading', { level: 1, name: 'Your first token' })).toBeVisible();
  // (Playwright's text search skips <noscript>, hence the class.)
  await expect(page.locator('.noscript-notice')).toContainText(
    'enable JavaScript to send requests',
  );
  await expect(page.locator('.noscript-notice')).toBeVisible();
  await expect(
    page
      .getByRole('region', { name: 'A token request with a JSON body' })
      .getByRole('textbox', { name: 'Raw HTTP request' }),
  ).toHaveValue(/^POST https:\/\/auth\.example\.com\/oauth\/token\n/);
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toHaveCount(0);
  await context.close();
});

test('a Send pressed before the app has loaded is sent once it has, after the lesson is set up', async ({
  page,
  lesson,
}) => {
  // A fault left on the token endpoint (as lesson 19 can leave one): the lesson's set-up clears
  // it. The press, made before the servers (and so the set-up) could start, must wait for it.
  await page.goto('/lessons/first-token');
  await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready');
  const planted = await fetchInPage(page, `${ISSUER}/__admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults: [{ target: 'token', kind: 'status', status: 503, count: 1 }] }),
  });
  expect(planted.status).toBe(200);
  // The next load must fetch the app's code from the network, where the test holds it back: no
  // worker or cached app shell in the way (the servers' state stays, in localStorage).
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.unregister();
    for (const name of await caches.keys()) await caches.delete(name);
  });

  const release = await openWithAppCodeHeld(page, '/lessons/first-token');
  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.button('Send').click();
  await expect(tokenJson.button('Send')).toHaveAttribute('data-early-pressed', '');
  await expect(page.locator('html')).not.toHaveAttribute('data-app', 'ready');
  release();
  await tokenJson.expectAnswer(200, '200');
  await expect(tokenJson.button('Send')).not.toHaveAttribute('data-early-pressed');
  const tokenRequests = await page.evaluate(
    () =>
      globalThis.__playground?.server.admin
        .log()
        .filter((entry) => entry.request.url.endsWith('/oauth/token')).length,
  );
  expect(tokenRequests, 'token requests the mock server saw').toBe(1);
});

test('the theme toggle pressed before the app has loaded takes effect once it has', async ({
  page,
}) => {
  const release = await openWithAppCodeHeld(page, '/lessons/first-token');
  const toggle = page.getByRole('button', { name: 'Switch to dark theme' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-early-pressed', '');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  release();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Switch to light theme' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Switch to light theme' })).not.toHaveAttribute(
    'data-early-pressed',
  );
});

test('a returning learner sees their own edits, progress and theme on the prerendered page', async ({
  page,
  lesson,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto('/lessons/first-token');
  await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready');
  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.sendAndExpect(200);
  await tokenJson.replaceInRaw('read:users', 'read:orders');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();

  // The HTML says what a first visit sees; hydration starts from that, then shows what is stored.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-app', 'ready');
  await expect(tokenJson.editor).toHaveValue(/"scope": "read:orders"/);
  await expect(tokenJson.root).toContainText('Last answer before the reload: 200.');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Switch to light theme' })).toBeVisible();
  expect(problems).toEqual([]);
});
