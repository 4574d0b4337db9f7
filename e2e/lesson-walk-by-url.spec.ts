/**
 * A learner who opens lessons by URL one after another — links from elsewhere, bookmarks, new
 * tabs, reloads — in one tab. Every page must start under the service worker's control (the
 * worker stays registered between pages), and start-up must never navigate anywhere by itself:
 * msw's `start()` reloads a page that has a worker registration but no controller, and such a
 * reload interrupts the learner's next navigation and bounces them back to the lesson they were
 * leaving.
 */
import { expect, test } from './fixtures';
import { loadLessons } from './fixtures/lesson-walk';

const WALKS = 3;

test('opening every lesson by URL, again and again, never reloads or bounces the page', async ({
  page,
}) => {
  test.slow();
  const slugs = loadLessons().map((entry) => entry.slug);
  expect(slugs.length).toBeGreaterThanOrEqual(15);

  // What each page saw when its first script ran, before any app code.
  await page.addInitScript(() => {
    const w = window as unknown as { __startedControlled?: boolean };
    w.__startedControlled = navigator.serviceWorker?.controller != null;
  });
  const problems: string[] = [];
  // Moving on at once cuts off the lesson's own set-up requests; Firefox then reports each as a
  // page error of the service worker. Those are the walk's doing, and allowed one per abort.
  const CUT_OFF = /A ServiceWorker intercepted the request and encountered an unexpected error/;
  let aborted = 0;
  let cutOff = 0;
  page.on('requestfailed', (request) => {
    if (/ABORTED/.test(request.failure()?.errorText ?? '')) aborted++;
  });
  page.on('pageerror', (error) => {
    if (CUT_OFF.test(error.message)) cutOff++;
    else problems.push(`page error: ${error.message}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() === 503) {
      problems.push(`503 for ${response.request().method()} ${response.url()} on ${page.url()}`);
    }
  });
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });

  let expected = 0;
  for (let walk = 0; walk < WALKS; walk++) {
    for (const [index, slug] of slugs.entries()) {
      const path = `/lessons/${slug}`;
      await page.goto(path);
      expected++;
      await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready', {
        timeout: 20_000,
      });
      // Half the time the learner moves on at once, half the time after reading a little: a
      // reload scheduled by start-up would land in either.
      if ((walk + index) % 2 === 1) await page.waitForTimeout(300);
      const landed = new URL(page.url()).pathname;
      if (landed !== path) problems.push(`walk ${walk}: opened ${path}, landed on ${landed}`);
      const controlled = await page.evaluate(
        () => (window as unknown as { __startedControlled?: boolean }).__startedControlled,
      );
      // The very first page of the walk is a first visit: no worker yet.
      if (controlled !== true && (walk > 0 || index > 0)) {
        problems.push(`walk ${walk}: ${path} started without the worker in control`);
      }
    }
  }
  await page.waitForTimeout(500);
  if (navigations !== expected) {
    problems.push(`${navigations} navigations for ${expected} pages opened`);
  }
  if (cutOff > aborted) problems.push(`${cutOff} worker errors for ${aborted} aborted requests`);
  expect(problems).toEqual([]);
});
