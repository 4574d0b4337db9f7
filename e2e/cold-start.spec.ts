import { expect, test } from './fixtures';
import { LessonPage } from './fixtures/lesson-page';

/**
 * A learner who opens a lesson for the first time (no service worker yet) and presses Send at
 * once. The request block renders before the mock servers run; a press then is held until they
 * answer (never sent to the real network, where auth.example.com does not exist) and must never
 * be lost. Each round is a fresh browser context: a true first visit.
 */
const ROUNDS = 4;

test('a Send pressed the moment it appears on a first visit is answered by the mock servers', async ({
  browser,
}, testInfo) => {
  test.slow();
  const baseURL = testInfo.project.use.baseURL;
  for (let round = 0; round < ROUNDS; round++) {
    const context = await browser.newContext({
      ...(baseURL && { baseURL }),
      serviceWorkers: 'allow',
    });
    const page = await context.newPage();
    const lesson = new LessonPage(page);
    await page.goto('/lessons/first-token', { waitUntil: 'commit' });
    const tokenJson = lesson.request('A token request with a JSON body');
    // Playwright acts as soon as the button is visible, stable and enabled: as early as a person.
    // Alternate the mouse and the keyboard (Enter on the focused button).
    if (round % 2 === 0) await tokenJson.button('Send').click();
    else await tokenJson.button('Send').press('Enter');
    await tokenJson.expectAnswer(200, '200');
    await expect(tokenJson.root.getByText('saved {{access_token}}')).toBeVisible();
    // Served by the page's mock servers: the core logged exactly this one token request.
    const tokenRequests = await page.evaluate(
      () =>
        globalThis.__playground?.server.admin
          .log()
          .filter((entry) => entry.request.url.endsWith('/oauth/token')).length,
    );
    expect(tokenRequests, `round ${round}: token requests the mock server saw`).toBe(1);
    await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready');
    await context.close();
  }
});

test('while the mock servers start, an early Send says so, then shows the answer', async ({
  page,
  context,
  lesson,
}) => {
  // Hold the worker script back (its registration fetch is the context's, hence context.route)
  // so the start-up is still running when Send is pressed. Only that script is delayed; nothing
  // the worker answers is routed.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await context.route('**/app-worker.js', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/lessons/first-token');
  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.button('Send').click();
  await expect(tokenJson.status).toHaveText(/Starting the mock servers/);
  await expect(tokenJson.button('Send')).toHaveAttribute('aria-busy', 'true');
  release();
  await tokenJson.expectAnswer(200, '200');
});
